"""Ranking as data: `Signal` ↔ `RankWeights`, the pure steps of `matcher.rank`, and the
engine's scored candidates re-ranked to exactly its own answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

import numpy as np
import pytest

from catalog.demo import load_demo_organisations
from catalog.taxonomy import load_default_taxonomy
from embeddings.fake import FakeEncoder
from matcher import MatchEngine
from matcher.rank import (
    ADMITTING,
    admit_candidates,
    rank_candidates,
    rescore,
    serving_groups,
)
from matcher.ranker import ChainAwareRanker, RankWeights, Signal
from matcher.scoring import diversify
from matcher.types import Direction, Task

FIXED = {"chain", "substitute_chain", "qualification", "region", "kind", "reciprocity"}


def test_every_signal_is_a_rank_weight_and_every_learned_weight_a_signal() -> None:
    names = {f.name for f in fields(RankWeights)}
    assert names - FIXED == {s.value for s in Signal}
    # distinct values per field: a signal read from the wrong field would show
    w = RankWeights(**{name: float(i + 1) for i, name in enumerate(sorted(names))})
    assert w.signal_weights() == {s: getattr(w, s.value) for s in Signal}
    assert list(w.signal_weights()) == list(Signal)
    assert w.of(Signal.PEERS) == w.peers
    partner = {s.value: getattr(w, s.value) for s in Signal if s.task is Task.PARTNERS}
    assert w.scales() == {"chain": w.chain, **partner}
    substitute = {s.value: getattr(w, s.value) for s in Signal if s.task is Task.SUBSTITUTES}
    assert substitute.keys() == {"group", "overlap", "profile", "breadth"}
    assert w.scales(Task.SUBSTITUTES) == {"chain": w.substitute_chain, **substitute}
    unit = RankWeights.unit()
    assert unit.chain == 1.0 and set(unit.signal_weights().values()) == {1.0}
    assert unit.substitute_chain == 1.0
    assert unit.qualification == RankWeights().qualification
    with pytest.raises(TypeError):
        RankWeights().without("chian")


def test_rank_candidates_orders_by_score_then_id_and_cuts_at_k() -> None:
    ids = ["c", "a", "b", "d"]
    order, pen = rank_candidates(ids, np.array([0.5, 0.5, 0.9, 0.1], np.float32), k=3)
    assert [ids[i] for i in order] == ["b", "a", "c"]
    assert not pen.any()
    full, _ = rank_candidates(ids, [0.5, 0.5, 0.9, 0.1])
    assert [ids[i] for i in full] == ["b", "a", "c", "d"]
    with pytest.raises(ValueError, match="4 candidates"):
        rank_candidates(ids, [1.0, 2.0])


def test_rank_candidates_diversifies_over_the_score_order() -> None:
    ids = ["a", "b", "c", "d"]
    total = np.array([0.90, 0.89, 0.88, 0.70], np.float32)
    groups = np.array([0, 0, 1, 1])
    order, pen = rank_candidates(ids, total, k=3, groups=groups, diversity=0.02)
    assert [ids[i] for i in order] == ["a", "c", "b"]  # b waits behind c: same need as a
    picked, applied = diversify(total, groups, 0.02, 3)  # already in score order here
    assert list(order) == list(picked) and np.array_equal(pen, applied)
    same, _ = rank_candidates(ids, total, k=3, groups=groups, diversity=0.0)
    assert [ids[i] for i in same] == ["a", "b", "c"]


def test_rescore_scales_named_parts_and_counts_the_rest_once() -> None:
    parts = {"semantic": np.array([0.5, 0.2], np.float32), "chain": np.array([1.0, -0.5])}
    assert rescore(parts, {"chain": 0.1}, 2) == pytest.approx([0.6, 0.15])
    assert rescore({}, {}, 3).tolist() == [0.0, 0.0, 0.0]


def test_admit_candidates_adds_the_top_of_admitting_signals_within_the_allowed_rows() -> None:
    sem = np.array([0.3, -np.inf, -np.inf, -np.inf, -np.inf], np.float32)
    peers = np.array([0.0, 0.9, 0.8, 0.0, 0.7], np.float32)
    demand = np.ones(5, np.float32)  # not an admitting signal
    assert Signal.DEMAND not in ADMITTING
    signals = {Signal.PEERS: peers, Signal.DEMAND: demand}
    assert admit_candidates([sem], signals, None, 5, 2).tolist() == [0, 1, 2]
    allowed = np.array([0, 2, 4], np.int64)
    assert admit_candidates([sem], signals, allowed, 5, 2).tolist() == [0, 2, 4]
    assert admit_candidates([sem], {}, None, 5, 2).tolist() == [0]


def _admit_by_masking(
    sem: list[np.ndarray],
    signals: dict[Signal, np.ndarray],
    allowed: np.ndarray | None,
    n: int,
    per_signal: int,
) -> np.ndarray:
    """The former admission, every organisation masked and partitioned per signal."""
    seen = np.zeros(n, dtype=bool)
    for s in sem:
        seen |= np.isfinite(s)
    admitted = np.ones(n, dtype=bool)
    if allowed is not None:
        admitted[:] = False
        admitted[allowed] = True
    for signal in ADMITTING:
        if (values := signals.get(signal)) is not None:
            masked = np.where(admitted, values, 0.0)
            top = np.argsort(-masked, kind="stable")[:per_signal]
            seen[top[masked[top] > 0]] = True
    return np.flatnonzero(seen)


@pytest.mark.parametrize("seed", range(40))
def test_admission_over_the_positive_rows_equals_masking_every_organisation(seed: int) -> None:
    """Ties, zeros, negatives and NaN; no filter, a subset, all but one; per_signal 0 to
    past every row."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    sem = [np.where(rng.random(n) < 0.2, rng.random(n), -np.inf).astype(np.float32)]
    signals: dict[Signal, np.ndarray] = {}
    for signal in rng.permutation(np.array(ADMITTING, dtype=object))[: rng.integers(1, 4)]:
        v = rng.choice([-0.5, 0.0, 0.0, 0.25, 0.5, 0.5, 1.0, np.nan], size=n)
        signals[signal] = v.astype(np.float32)
    choices = [None, np.sort(rng.choice(n, size=int(rng.integers(0, n + 1)), replace=False))]
    choices.append(np.delete(np.arange(n), int(rng.integers(0, n))))
    for allowed in choices:
        a = None if allowed is None else np.asarray(allowed, dtype=np.int64)
        for k in (0, 1, 3, n + 3):
            got = admit_candidates(sem, signals, a, n, k).tolist()
            assert got == _admit_by_masking(sem, signals, a, n, k).tolist(), (allowed, k)


def test_serving_groups_number_the_statements_of_every_side() -> None:
    from matcher.profiles import Space
    from matcher.rank import SearchSide

    none = np.full((1, 3), -1, np.int64)
    a = SearchSide(Space.OFFERS, np.array([[0.9, 0.1, -np.inf]], np.float32), none, ("x",))
    b = SearchSide(Space.NEEDS, np.array([[0.2, 0.5, -np.inf]], np.float32), none, ("y",))
    assert serving_groups([a, b], np.array([0, 1, 2])).tolist() == [0, 1, 0]


@pytest.fixture(scope="module")
def demo_engine() -> MatchEngine:
    orgs = load_demo_organisations()
    return MatchEngine(
        orgs, load_default_taxonomy(), FakeEncoder(), today=dt.date(2026, 12, 1), diversity=0.0
    ).build()


@pytest.mark.parametrize("direction", list(Direction))
def test_partner_candidates_reranked_are_the_engines_answer(
    demo_engine: MatchEngine, direction: Direction
) -> None:
    checked = 0
    for org in demo_engine.orgs[:12]:
        try:
            res = demo_engine.find_partners(org.id, direction=direction, k=8)
        except ValueError:
            continue
        scored = demo_engine.partner_candidates(org.id, direction=direction)
        order, _ = rank_candidates(scored.ids, scored.total, k=8)
        assert [scored.ids[i] for i in order] == [m.org_id for m in res.matches]
        for i, m in zip(order, res.matches, strict=True):
            assert m.parts == {name: float(v[i]) for name, v in scored.parts.items()}
            assert m.score == float(scored.total[i])
        checked += 1
    assert checked >= 5


def test_unit_parts_rescored_give_the_weighted_engines_totals(demo_engine: MatchEngine) -> None:
    weights = RankWeights.fitted()
    unit = MatchEngine(
        demo_engine.orgs,
        demo_engine.taxonomy,
        FakeEncoder(),
        ranker=ChainAwareRanker(demo_engine.taxonomy, RankWeights.unit(), dt.date(2026, 12, 1)),
        today=dt.date(2026, 12, 1),
    ).build()
    for org in demo_engine.orgs[:10]:
        if not org.needs:
            continue
        shipped = demo_engine.partner_candidates(org.id)
        recorded = unit.partner_candidates(org.id)
        total = dict(zip(shipped.ids, shipped.total.tolist(), strict=True))
        again = rescore(recorded.parts, weights.scales(), len(recorded))
        common = [i for i, c in enumerate(recorded.ids) if c in total]
        assert len(common) == len(shipped)  # unit weights read every signal: a superset
        assert again[common] == pytest.approx([total[recorded.ids[i]] for i in common], abs=1e-5)
