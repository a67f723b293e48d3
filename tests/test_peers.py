"""Substitute signals (`matcher.peers`) and their fit (`eval.fit_substitutes`) on synthetic
data with known answers: segment groups, revenue-weighted overlap, profile cosine, the
engine admitting same-group peers the text search missed, and the fit's lift."""

from __future__ import annotations

import math

import numpy as np
import pytest

from catalog.models import ChainPosition, Organisation, Product
from catalog.taxonomy import Taxonomy, _parse
from embeddings.base import l2_normalise
from embeddings.fake import FakeEncoder
from eval.fit_substitutes import SubstituteSet, fit, lift, scores
from eval.records import Record
from matcher import IndexKind, MatchEngine
from matcher.peers import PeerSignals, breadth_alike, effective_products, share_weights
from matcher.profiles import Space
from matcher.ranker import ChainAwareRanker, RankWeights
from matcher.scoring import Aggregation, aggregate
from matcher.types import Signal

WORDS = ["steel", "pipe", "valve", "fertilizer", "cement", "software", "bank"]


def _taxonomy() -> Taxonomy:
    seg = {"name_en": "x", "stage": "midstream"}
    return _parse(
        {
            "chains": [
                {
                    "id": "c",
                    "name": "链",
                    "name_en": "Chain",
                    "segments": [
                        {"id": "c.a", "name": "甲", "group": "g1", **seg},
                        {"id": "c.b", "name": "乙", "group": "g1", **seg},
                        {"id": "c.x", "name": "丙", **seg},
                    ],
                }
            ],
            "edges": [],
        }
    )


def _org(oid: str, seg: str, products: dict[str, float]) -> Organisation:
    return Organisation(
        id=oid,
        name=f"公司{oid}",
        chains=(ChainPosition(chain="c", segment=seg),),
        products=tuple(Product(name=p, share=s) for p, s in products.items()),
    )


ORGS = [
    _org("q", "c.a", {"steel pipe": 0.8, "valve": 0.2}),
    _org("text", "c.x", {"steel pipe": 1.0}),  # same product, another industry
    _org("seg", "c.a", {"fertilizer": 1.0}),  # same segment, nothing in common in text
    _org("grp", "c.b", {"cement": 1.0}),  # same group, another segment
    _org("other", "c.x", {"software": 1.0}),
]


# texts near the query's, so that a short text search reaches these and not the peers
DECOYS = [
    _org("d1", "c.x", {"steel valve": 1.0}),
    _org("d2", "c.x", {"pipe valve": 1.0}),
]


def _engine(weights: RankWeights, hits: int = 200, orgs: list[Organisation] = ORGS) -> MatchEngine:
    tax = _taxonomy()
    return MatchEngine(
        orgs,
        tax,
        FakeEncoder(keywords=WORDS, dim=32),
        ranker=ChainAwareRanker(tax, weights=weights),
        index_kind=IndexKind.EXACT,
        hits_per_statement=hits,
        language_centering=0.0,
    ).build()


def test_taxonomy_groups_default_to_the_segment_itself() -> None:
    tax = _taxonomy()
    assert tax.segments["c.a"].group == "g1" and tax.segments["c.b"].group_id == "g1"
    assert tax.segments["c.x"].group is None and tax.segments["c.x"].group_id == "c.x"


def test_group_marks_every_member_of_the_query_segment_group() -> None:
    engine = _engine(RankWeights())
    peers = PeerSignals(engine.orgs, engine.taxonomy, engine.vectors)
    assert peers.group(ORGS[0]).tolist() == [1.0, 0.0, 1.0, 1.0, 0.0]
    assert peers.group(ORGS[1]).tolist() == [0.0, 1.0, 0.0, 0.0, 1.0]  # c.x: its own group


def test_overlap_is_the_revenue_weighted_power_mean_of_the_best_matches() -> None:
    engine = _engine(RankWeights())
    peers = PeerSignals(engine.orgs, engine.taxonomy, engine.vectors, overlap_power=2.0)
    scores_ = np.asarray([[1.0, 0.5, -np.inf], [0.0, 0.5, 0.9]], dtype=np.float32)
    got = peers.overlap(ORGS[0], scores_)
    # weights 0.2 + share, normalised: (1.0, 0.4) / 1.4; a missing pair counts its row's floor
    w = np.asarray([1.0, 0.4]) / 1.4
    floor = [0.5, 0.0]  # row minima of the finite scores
    expect = [
        w[0] * 1.0**2 + w[1] * 0.0**2,
        w[0] * 0.5**2 + w[1] * 0.5**2,
        w[0] * floor[0] ** 2 + w[1] * 0.9**2,
    ]
    assert got == pytest.approx(expect, abs=1e-6)
    assert np.allclose(got, aggregate(scores_, Aggregation.POWER, weights=w, power=2.0))
    with pytest.raises(ValueError, match="2 offers of 'q', 3 score rows"):
        peers.overlap(ORGS[0], np.zeros((3, 5), dtype=np.float32))


def test_profile_is_the_cosine_of_revenue_weighted_offer_vectors() -> None:
    engine = _engine(RankWeights())
    peers = PeerSignals(engine.orgs, engine.taxonomy, engine.vectors)

    def brute(o: Organisation) -> np.ndarray:
        texts = [p.name for p in o.products]
        vecs = engine.vectors.encode(Space.OFFERS_SYM, texts)
        return l2_normalise((share_weights(o, texts) @ vecs)[None, :])[0]

    expect = [max(0.0, float(brute(o) @ brute(ORGS[0]))) for o in ORGS]
    assert peers.profile(0) == pytest.approx(expect, abs=1e-5)
    assert peers.profile(0)[0] == pytest.approx(1.0, abs=1e-5)
    assert peers.profile(0)[1] > peers.profile(0)[4]  # shares steel pipe, not software


def test_the_segment_group_names_candidates_the_text_search_missed() -> None:
    orgs = ORGS + DECOYS
    reached = _engine(RankWeights(), hits=2, orgs=orgs).vectors
    queries = reached.encode(Space.OFFERS_SYM, ["steel pipe", "valve"])
    _, rows = reached.search(Space.OFFERS_SYM, queries, 3, None)  # 2 hits + the query itself
    owners = {orgs[int(reached.table.org[r])].id for r in rows.ravel() if r >= 0}
    assert owners.isdisjoint({"seg", "grp"})  # the text search alone does not reach them
    weights = RankWeights(substitute_chain=0.16)
    res = _engine(weights, hits=2, orgs=orgs).find_substitutes("q", k=6)
    by_id = {m.org_id: m for m in res.matches}
    assert res.matches[0].org_id == "text"  # the exact text match still leads
    assert {"seg", "grp"} <= set(by_id)  # reached through the group alone
    assert by_id["seg"].parts["chain"] == pytest.approx(0.16)  # same segment: a peer
    assert "group" not in by_id["grp"].parts  # weight 0: admitted, not rewarded
    grouped = _engine(RankWeights(substitute_chain=0.16, group=0.1), hits=2, orgs=orgs)
    by_id = {m.org_id: m for m in grouped.find_substitutes("q", k=6).matches}
    assert by_id["grp"].parts["group"] == pytest.approx(0.1)
    assert by_id["seg"].parts["group"] == pytest.approx(0.1)


def test_substitute_candidates_record_every_signal_at_unit_weight() -> None:
    scored = _engine(RankWeights.unit()).substitute_candidates("q")
    assert set(scored.ids) == {"text", "seg", "grp", "other"}
    assert {"semantic", "chain", "group", "overlap", "profile", "breadth"} <= set(scored.parts)
    parts = dict(zip(scored.ids, scored.parts["group"], strict=True))
    assert parts == {"text": 0.0, "seg": 1.0, "grp": 1.0, "other": 0.0}
    # the query earns 0.8 / 0.2 from two products: weights 1.0 / 0.4 → 5/7, 2/7, so its
    # effective count is 1 / (25/49 + 4/49) = 49/29; every candidate has one product, so
    # each is 29/49 alike, which the ranker's max-normalisation over candidates makes 1
    peers = PeerSignals(ORGS, _taxonomy(), _engine(RankWeights()).vectors)
    assert peers.breadth(ORGS[0]) == pytest.approx([1.0, *[29 / 49] * 4], abs=1e-5)
    breadth = dict(zip(scored.ids, scored.parts["breadth"], strict=True))
    assert breadth == pytest.approx(dict.fromkeys(scored.ids, 1.0), abs=1e-5)


def test_effective_products_and_breadth_alike_by_hand() -> None:
    orgs = [
        _org("one", "c.a", {"steel pipe": 1.0}),
        _org("two", "c.a", {"steel pipe": 0.5, "valve": 0.5}),
        _org("four", "c.a", {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}),
        Organisation(id="none", name="空"),
    ]
    assert effective_products(orgs) == pytest.approx([1.0, 2.0, 4.0, 0.0])
    got = breadth_alike(2.0, effective_products(orgs))
    assert got == pytest.approx([0.5, 1.0, 0.5, 0.0])  # min / max; no offers: 0


def _set(
    name: str, ids: list[str], semantic: list[float], chain: list[float], gold: str, base: float
) -> SubstituteSet:  # noqa: E501
    parts = {"semantic": np.asarray(semantic), "chain": np.asarray(chain)}
    rec = Record(f"{name}-q", ids, parts, {gold}, {f"{name}-q"})
    return SubstituteSet(name, [rec], [f"{name}-q"], {"bm25": {f"{name}-q": base}})


def test_lift_is_the_worse_sets_gain_and_the_substitute_targets_bound_it() -> None:
    sub = _set("substitute", ["a", "b"], [0.9, 0.8], [0.0, 1.0], "b", 0.5)
    comp = _set("competitor", ["c", "d"], [0.5, 0.4], [1.0, 0.0], "c", 0.8)
    # chain weight 0: b second in substitute → MRR 0.5 < 0.60, rejected
    assert scores(sub, RankWeights())["ndcg@10"] == pytest.approx(1 / math.log2(3))
    assert lift([sub, comp], RankWeights()) == -1.0
    # 0.16: b first (nDCG 1, lift 1 / 0.5 = 2); c stays first (lift 1 / 0.8 = 1.25)
    assert lift([sub, comp], RankWeights(substitute_chain=0.16)) == pytest.approx(1.25)
    w, got = fit([sub, comp], RankWeights())
    assert w.substitute_chain == 0.12 and got == pytest.approx(1.25)  # first grid value > 0.1
    assert Signal.GROUP.task.value == "substitutes" and Signal.PEERS.task.value == "partners"
