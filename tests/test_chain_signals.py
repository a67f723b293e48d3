"""Inferred needs, catalog signals, power aggregation, excluded-id search and rank weights,
with the keyword fake encoder and hand-checked answers."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

import matcher.inference
from catalog.errors import InvalidInputError
from catalog.models import ChainPosition, Organisation, Product
from embeddings.base import l2_normalise
from embeddings.fake import FakeEncoder
from embeddings.hashing import HashingEncoder
from matcher import IndexKind, MatchEngine
from matcher.index import ExactIndex, FaissFlatIndex
from matcher.indexset import _search_excluding
from matcher.inference import NeedInference, ProductGraph
from matcher.ranker import ChainAwareRanker, RankWeights, Signal
from matcher.scoring import Aggregation, aggregate
from matcher.signals import CatalogSignals
from matcher.types import Task
from tests.synthetic import tiny_taxonomy

TODAY = dt.date(2026, 11, 21)
WORDS = ("urea|尿素", "ammonia|液氨", "coke|焦炭", "fertiliser|复合肥", "glass", "resin")


def _enc() -> FakeEncoder:
    return FakeEncoder(keywords=WORDS, dim=48)


def _org(oid: str, seg: str, products: list[str], needs: list[str] = ()) -> Organisation:  # type: ignore[assignment]
    return Organisation(
        id=oid,
        name=f"公司{oid}",
        chains=(ChainPosition(chain="t", segment=seg),),
        products=tuple(Product(name=p, share=0.5 / len(products)) for p in products),
        needs=tuple(needs),
    )


def test_product_graph_links_and_families() -> None:
    g = ProductGraph.from_links(
        [("urea plant", "ammonia gas"), ("urea plant", "urea plant")],
        subclasses=[("fertiliser", "urea"), ("fertiliser", "compound fertiliser")],
    )
    assert g.inputs == {"urea plant": ("ammonia gas",)}  # a product is not its own input
    assert g.families["urea"] == frozenset({"fertiliser", "compound fertiliser"})
    org = _org("a", "t.mid", ["urea"], ["ammonia"])
    assert ProductGraph.from_organisations([org]).inputs == {"urea": ("ammonia",)}


def test_need_inference_pools_inputs_of_similar_products() -> None:
    graph = ProductGraph.from_links(
        [("urea granules", "ammonia liquid"), ("urea granules", "coke fines"), ("glass", "resin")]
    )
    inf = NeedInference(graph, _enc(), neighbours=1, sharpness=1.0).fit()
    got = inf.infer([("urea", 0.5)])
    assert [n for n, _ in got] == ["ammonia liquid", "coke fines"]
    assert sum(w for _, w in got) == pytest.approx(1.0)
    # stated needs are not inferred again; only what the catalog offers can be inferred
    assert [n for n, _ in inf.infer([("urea", 0.5)], exclude=["coke fines"])] == ["ammonia liquid"]
    only = NeedInference(graph, _enc(), neighbours=1, available={"coke fines"}).fit()
    assert [n for n, _ in only.infer([("urea", 0.5)])] == ["coke fines"]


def test_approximate_inference_equals_the_exact_one_when_its_index_is_exhaustive() -> None:
    """With ``approximate`` the similar products come from an IVF index (then scored
    exactly), family members added when the search misses them; on a graph this small
    the index is one list, so the inferred needs are the exact ones (summed in another
    order: equal up to rounding)."""
    rng = np.random.default_rng(3)
    names = ["".join(chr(0x4E00 + int(c)) for c in rng.integers(0, 40, 4)) for _ in range(60)]
    links = [(p, f"input {int(j)}") for p in names for j in rng.choice(30, 3, False)]
    graph = ProductGraph.from_links(links, subclasses=[(names[0], names[1]), (names[0], names[2])])
    enc = HashingEncoder(dim=64)  # short names tie often: pool every product (no cut to tie at)
    exact = NeedInference(graph, enc, neighbours=60).fit()
    approx = NeedInference(graph, enc, neighbours=60).fit(approximate=True)
    assert approx.index_ is not None and exact.index_ is None
    for products in ([(names[1], 0.5)], [(names[5][:3], 0.3), (names[9], 0.6)], [(names[7], 1.0)]):
        want = exact.infer(products, exclude=["input 3"])
        got = approx.infer(products, exclude=["input 3"])
        assert dict(got) == pytest.approx(dict(want), abs=1e-9) and len(want) > 3
        # the order is the exact one up to weights equal but for the order they were summed
        assert [w for _, w in got] == pytest.approx([w for _, w in want], abs=1e-9)


def test_co_inputs_follow_the_stated_needs() -> None:
    graph = ProductGraph.from_links([("glass", "ammonia x"), ("glass", "coke y")])
    inf = NeedInference(graph, _enc(), neighbours=1, co_inputs=0.3).fit()
    # no product at all: the stated need alone names what is bought with it
    assert [n for n, _ in inf.infer([], exclude=["ammonia x"])] == ["coke y"]


def test_co_inputs_kept_per_need_equal_one_pass_in_values_and_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The per-need counts (kept between queries) add up to the old single pass: the same
    inputs with the same floats, with repeated and unknown needs, cache full or not."""
    rng = np.random.default_rng(7)
    needs = [f"need {i}" for i in range(40)]
    links = [(f"p{p}", needs[int(j)]) for p in range(300) for j in rng.choice(40, 4, False)]
    graph = ProductGraph.from_links(links)
    available = set(needs[::3]) | set(needs[1::3])
    inf = NeedInference(graph, _enc(), available=available).fit()

    def one_pass(stated: list[str]) -> dict[str, float]:  # the loop before the cache
        counts: dict[str, float] = {}
        for need in stated:
            for product in sorted(graph.inputs):
                if need not in graph.inputs[product]:
                    continue
                for other in graph.inputs[product]:
                    if other in available:
                        counts[other] = counts.get(other, 0.0) + 1.0
        return {n: float(np.log1p(c)) for n, c in counts.items()}

    def co_inputs(stated: list[str]) -> dict[str, float]:
        cols, values = inf._co_inputs(stated)
        return {inf._inputs.names[int(j)]: float(v) for j, v in zip(cols, values, strict=True)}

    asks = [[needs[int(j)] for j in rng.choice(40, 5)] + ["unknown"] for _ in range(30)]
    for stated in asks * 2:  # the second round is served from the cache
        got, want = co_inputs(stated), one_pass(stated)
        assert sorted(got.items()) == sorted(want.items()) and len(want) > 5
    monkeypatch.setattr(matcher.inference, "_CO_CACHE", 3)  # a full cache starts over
    inf._co_cache = {}
    for stated in asks:
        assert sorted(co_inputs(stated).items()) == sorted(one_pass(stated).items())
    assert len(inf._co_cache) <= 3


def test_catalog_signals_from_stated_supply_links() -> None:
    orgs = [
        _org("buyer", "t.mid", ["fertiliser"], ["urea", "coke"]),
        _org("peer", "t.mid", ["fertiliser"], ["ammonia"]),
        _org("s_urea", "t.up", ["urea"]),
        _org("s_coke", "t.up", ["coke"]),
        _org("s_ammonia", "t.up", ["ammonia"]),
    ]
    profiles = l2_normalise(np.eye(5, 8, dtype=np.float32) + np.eye(5, 8, k=0)[[0, 0, 2, 3, 4]])
    sig = CatalogSignals(peers=2).fit(orgs, profiles)
    assert [list(s) for s in sig.suppliers_] == [[2, 3], [4], [], [], []]
    # the buyer's nearest peer buys ammonia: its supplier is suggested
    peers = sig.peer_suppliers(0, sig.profiles_[0])
    assert peers[4] > 0 and peers[2] == 0
    # demand: what is asked for, log-scaled; fertiliser is asked by nobody
    assert sig.demand_[2] == pytest.approx(np.log(2)) and sig.demand_[0] == 0
    # every stated link goes t.up → t.mid
    assert sig.transition(0)[2] > 0 and sig.transition(0)[1] == 0
    assert sig.lexical(["urea"])[2] > 0


def test_power_aggregation_by_hand() -> None:
    S = np.array([[1.0, 0.5], [0.0, 0.5]], dtype=np.float32)
    got = aggregate(S, Aggregation.POWER, weights=[3.0, 1.0], power=2.0)
    assert got.tolist() == pytest.approx([0.75 * 1.0 + 0.25 * 0.0, 0.75 * 0.25 + 0.25 * 0.25])
    with pytest.raises(ValueError, match="non-negative weights"):
        aggregate(S, Aggregation.POWER, weights=[1.0])


@pytest.mark.parametrize("cls", [ExactIndex, FaissFlatIndex])
def test_search_excluding_equals_the_filtered_search(cls: type) -> None:
    rng = np.random.default_rng(1)
    vecs = l2_normalise(rng.standard_normal((300, 16)).astype(np.float32))
    ids = np.arange(1000, 1300, dtype=np.int64)
    index = cls(16)
    index.upsert(ids, vecs)
    q = vecs[:5]
    excluded = ids[[0, 3, 7, 50]]
    allowed = np.setdiff1d(ids, excluded)
    for k in (1, 10, 298):
        want_s, want_i = index.search(q, k, allowed)
        got_s, got_i = _search_excluding(index, q, k, excluded)
        assert np.array_equal(got_i, want_i)
        assert np.allclose(got_s, want_s, atol=1e-6)  # BLAS vs direct dot products


def test_engine_infers_needs_for_a_company_that_states_none() -> None:
    orgs = [
        _org("maker", "t.mid", ["urea"]),  # states no needs
        _org("twin", "t.mid", ["urea"], ["ammonia"]),
        _org("s1", "t.up", ["ammonia"]),
        _org("s2", "t.up", ["glass"]),
    ]
    engine = MatchEngine(orgs, tiny_taxonomy(), _enc(), index_kind=IndexKind.EXACT, today=TODAY)
    res = engine.build().find_partners("maker", k=2)
    assert res.matches[0].org_id == "s1" and res.matches[0].parts["inferred"] > 0
    lone = [_org("x", "t.mid", ["glass"]), _org("y", "t.up", ["resin"])]
    engine = MatchEngine(lone, tiny_taxonomy(), _enc(), index_kind=IndexKind.EXACT).build()
    with pytest.raises(InvalidInputError, match="states no needs"):
        engine.find_partners("x")


def test_rank_weights_load_and_validate() -> None:
    fitted = RankWeights.fitted()
    assert fitted.inferred > 0 and fitted.chain == 0.04
    assert fitted.without("inferred").inferred == 0.0
    with pytest.raises(ValueError, match="unknown rank weights"):
        RankWeights.from_dict({"chian": 0.1})
    with pytest.raises(ValueError, match="must be numbers"):
        RankWeights.from_dict({"chain": "high"})
    from importlib import resources

    doc = json.loads(resources.files("matcher").joinpath("data/weights.json").read_text("utf-8"))
    assert "dev split only" in doc["fitted"]["how"]


def test_the_engine_computes_only_the_signals_its_ranker_reads() -> None:
    orgs = [
        _org("maker", "t.mid", ["urea"], ["coke", "glass"]),
        _org("twin", "t.mid", ["urea"], ["ammonia", "coke"]),
        _org("s1", "t.up", ["ammonia"]),
        _org("s2", "t.up", ["coke"]),
        _org("s3", "t.up", ["glass"]),
    ]
    shipped = RankWeights.fitted()
    assert ChainAwareRanker(tiny_taxonomy(), weights=shipped).signals == {
        n for n in Signal if getattr(shipped, n)
    }
    assert "lexical" not in ChainAwareRanker(tiny_taxonomy(), weights=shipped).signals
    only = RankWeights(inferred=0.5, lexical=0.1)
    engine = MatchEngine(
        orgs,
        tiny_taxonomy(),
        _enc(),
        index_kind=IndexKind.EXACT,
        ranker=ChainAwareRanker(tiny_taxonomy(), weights=only, today=TODAY),
        today=TODAY,
    ).build()
    learned = engine.learned()
    row = engine._row["maker"]
    every = learned.supplier_signals(
        engine.org("maker"), row, stated=None, infer=True, limit=10, wanted=set(Signal)
    )
    partner_signals = {s for s in Signal if s.task is Task.PARTNERS}
    assert set(every) == partner_signals - {"stated"}  # stated needs the search's matrix
    got = learned.supplier_signals(
        engine.org("maker"), row, stated=None, infer=True, limit=10, wanted={"inferred"}
    )
    assert list(got) == ["inferred"] and np.array_equal(got["inferred"], every["inferred"])
    res = engine.find_partners("maker", k=3)
    assert {p for m in res.matches for p in m.parts} & set(Signal) <= {"inferred", "lexical"}
    by_id = {m.org_id: m for m in res.matches}
    assert by_id["s1"].parts["inferred"] > 0  # ammonia: what the twin buys, not stated
