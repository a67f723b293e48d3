"""The chain-aware ranker's vectorised path (`matcher.features`) gives exactly what the
per-candidate loop it replaced gave: same ids, scores, parts, relations and explanations
for find_partners (every direction), find_substitutes and ask on a generated catalog."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from catalog.models import Organisation
from catalog.taxonomy import Taxonomy, load_default_taxonomy
from embeddings.hashing import HashingEncoder
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.engine import MatchEngine
from matcher.ranker import ChainAwareRanker, RankInput, RankOutput, relation_values
from matcher.types import Direction, MatchResult, Relation, Task

TODAY = dt.date(2026, 6, 1)


class _LoopRanker(ChainAwareRanker):
    """The per-candidate loop as it stood before `CandidateFeatures` (commit 74e0902): the
    reference the fast path must equal."""

    def score(self, inp: RankInput) -> RankOutput:
        fast = super().score(inp)  # the learned-signal, reciprocity and semantic parts
        day, n = self._day(), len(inp.candidates)
        chain, qual, region, kind = (np.zeros(n, dtype=np.float32) for _ in range(4))
        values = relation_values(inp.task, inp.direction)
        prefer = sorted(values, key=lambda r: -values[r])
        q = inp.query
        q_segments = [p.segment for p in q.chains] if q is not None else []
        q_quals = {x.name.lower() for x in q.valid_qualifications(day)} if q is not None else set()
        relations: list[Relation] = []
        for i, c in enumerate(inp.candidates):
            rel = Relation()
            if q_segments and values:
                segments = [p.segment for p in c.chains]
                rel = Relation(*self.taxonomy.best_relation(segments, q_segments, prefer))
                chain[i] = values.get(rel.kind, 0.0)
            relations.append(rel)
            c_quals = {x.name.lower() for x in c.valid_qualifications(day)}
            if inp.task is Task.SUBSTITUTES and q_quals:
                qual[i] = len(q_quals & c_quals) / len(q_quals)
            else:
                qual[i] = min(1.0, len(c_quals) / 2)
            if q is not None:
                if q.region.park and c.region.park == q.region.park:
                    region[i] = 1.0
                elif c.region.city == q.region.city:
                    region[i] = 0.5
                if inp.task is Task.SUBSTITUTES and c.kind is not q.kind:
                    kind[i] = -1.0
        w, parts = self.weights, dict(fast.parts)
        if q is not None:
            cw = w.substitute_chain if inp.task is Task.SUBSTITUTES else w.chain
            parts["chain"] = (cw * chain).astype(np.float32)
            parts["region"] = (w.region * region).astype(np.float32)
        parts["qualification"] = (w.qualification * qual).astype(np.float32)
        if inp.task is Task.SUBSTITUTES:
            parts["kind"] = (w.kind * kind).astype(np.float32)
        parts = {k: parts[k] for k in fast.parts}  # the fast path's part order
        total = np.sum(np.stack(list(parts.values())), axis=0).astype(np.float32)
        return RankOutput(total, parts, relations)


@pytest.fixture(scope="module")
def catalog() -> tuple[list[Organisation], Taxonomy]:
    src = ScaleSources.load(use_ashare=False)
    orgs = [Organisation.model_validate(r) for r in iter_organisations(src, 500, seed=3)]
    return orgs, load_default_taxonomy()


def _engine(orgs: list[Organisation], tax: Taxonomy, ranker: ChainAwareRanker) -> MatchEngine:
    return MatchEngine(orgs, tax, HashingEncoder(dim=64), ranker=ranker, today=TODAY).build()


def _rows(result: MatchResult) -> list[tuple[object, ...]]:
    return [
        (m.org_id, m.relation, m.relation_segments, m.explanation, sorted(m.parts))
        for m in result.matches
    ]


def _same(got: MatchResult, want: MatchResult) -> None:
    assert _rows(got) == _rows(want)
    for g, w in zip(got.matches, want.matches, strict=True):
        assert g.score == pytest.approx(w.score, abs=1e-6)
        for name, value in w.parts.items():
            assert g.parts[name] == pytest.approx(value, abs=1e-6), (g.org_id, name)


def test_fast_ranker_equals_the_per_candidate_loop(
    catalog: tuple[list[Organisation], Taxonomy],
) -> None:
    orgs, tax = catalog
    fast = _engine(orgs, tax, ChainAwareRanker(tax, today=TODAY))
    slow = _engine(orgs, tax, _LoopRanker(tax, today=TODAY))
    picks = [o for o in orgs[::12] if o.needs or o.offers]
    assert len(picks) >= 30
    checked = 0
    for org in picks:
        for direction in Direction:
            got = fast.find_partners(org.id, direction=direction, k=20)
            _same(got, slow.find_partners(org.id, direction=direction, k=20))
            checked += len(got.matches)
        got = fast.find_substitutes(org.id, k=20)
        _same(got, slow.find_substitutes(org.id, k=20))
        checked += len(got.matches)
        if org.needs:
            _same(fast.ask(org.needs[0], k=10), slow.ask(org.needs[0], k=10))
    assert checked > 2000
    # the relations the fast path found include every kind the loop can produce
    kinds = {m.relation for m in fast.find_partners(picks[0].id, k=200).matches}
    assert len(kinds) >= 2


def test_features_follow_the_day(catalog: tuple[list[Organisation], Taxonomy]) -> None:
    """Qualifications expire: a ranker for another day starts its feature table afresh."""
    orgs, tax = catalog
    ranker = ChainAwareRanker(tax, today=TODAY)
    first = ranker.features()
    first.rows(orgs[:50])
    assert len(first) == 50 and ranker.features() is first
    ranker.today = TODAY + dt.timedelta(days=3650)
    later = ranker.features()
    assert later is not first and len(later) == 0 and later.day == ranker.today
    held = [o for o in orgs if o.qualifications][:40]
    assert held
    codes = later.qual_sets.values
    later.rows(held)
    now = {len(s) for s in codes}  # type: ignore[arg-type]
    first.rows(held)
    before = {len(s) for s in first.qual_sets.values}  # type: ignore[arg-type]
    assert max(before) >= max(now)
