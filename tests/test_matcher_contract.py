"""One contract every matcher (index × ranker) must meet, on a catalog with a known answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from catalog.errors import InvalidInputError, NotFoundError
from embeddings.fake import FakeEncoder
from matcher import (
    ChainAwareRanker,
    Direction,
    Filters,
    IndexKind,
    MatchEngine,
    SemanticRanker,
)
from tests.synthetic import WORDS, _org, checkerboard, fake_encoder, tiny_taxonomy

TODAY = dt.date(2026, 11, 21)


class MatcherContract:
    index_kind: IndexKind
    chain_aware: bool

    @pytest.fixture
    def engine(self) -> MatchEngine:
        tax = tiny_taxonomy()
        ranker = ChainAwareRanker(tax, today=TODAY) if self.chain_aware else SemanticRanker()
        return MatchEngine(
            checkerboard(),
            tax,
            fake_encoder(),
            ranker=ranker,
            index_kind=self.index_kind,
            today=TODAY,
        ).build()

    def test_top_suppliers_are_the_makers_of_the_need(self, engine: MatchEngine) -> None:
        for g in range(len(WORDS)):
            ids, scores = engine.recommend(f"b{g}", N=4)
            assert set(ids[:2]) == {f"s{g}", f"t{g}"}, (g, ids)
            assert scores[1] > scores[2]

    def test_top_substitute_is_the_twin(self, engine: MatchEngine) -> None:
        for g in range(len(WORDS)):
            ids, _ = engine.similar_items(f"s{g}", N=3)
            assert ids[0] == f"t{g}"

    def test_customers_are_the_buyers(self, engine: MatchEngine) -> None:
        ids, _ = engine.recommend("s2", N=1, direction=Direction.CUSTOMERS)
        assert ids == ["b2"]

    def test_scores_descend_and_self_is_never_returned(self, engine: MatchEngine) -> None:
        for oid in ("b0", "s3", "t5"):
            ids, scores = engine.recommend(oid, N=10)
            assert oid not in ids
            assert np.all(np.diff(scores) <= 1e-7)
            assert len(ids) == len(set(ids))

    def test_filter_items_and_items(self, engine: MatchEngine) -> None:
        ids, _ = engine.recommend("b1", N=3, filter_items={"s1"})
        assert "s1" not in ids and ids[0] == "t1"
        ids, _ = engine.recommend("b1", N=5, items={"s0", "s1"})
        assert ids == ["s1", "s0"]
        ids, _ = engine.similar_items("s4", N=5, items={"t4", "b4"})
        assert ids[0] == "t4" and set(ids) <= {"t4", "b4"}

    def test_filters_apply_inside_the_search(self, engine: MatchEngine) -> None:
        res = engine.find_partners("b0", k=5, filters=Filters(region="B"))
        assert [m.org_id for m in res.matches][0] == "t0"
        assert all(engine.org(m.org_id).region.park == "B" for m in res.matches)
        res = engine.find_partners("b0", k=5, filters=Filters(segment="t.mid"))
        assert all(m.org_id.startswith("b") for m in res.matches)

    def test_every_result_explains_itself(self, engine: MatchEngine) -> None:
        m = engine.find_partners("b3", k=1).matches[0]
        assert "looking for sensor" in m.explanation
        assert m.evidence[0].candidate_text in engine.org(m.org_id).offers
        assert m.parts["semantic"] == pytest.approx(m.evidence[0].score)  # one need: blend = max

    def test_errors_name_the_problem(self, engine: MatchEngine) -> None:
        with pytest.raises(NotFoundError, match="organisation 'nope' not found"):
            engine.recommend("nope")
        with pytest.raises(InvalidInputError, match="k must be between 1 and 1000"):
            engine.find_partners("b0", k=0)
        with pytest.raises(InvalidInputError, match="question is empty"):
            engine.ask(" ")


class TestChainAwareFaiss(MatcherContract):
    index_kind = IndexKind.FAISS_FLAT
    chain_aware = True


class TestSemanticExact(MatcherContract):
    index_kind = IndexKind.EXACT
    chain_aware = False


def test_chain_relation_breaks_a_semantic_tie() -> None:
    """Same text, different segments: the upstream candidate wins as a supplier."""

    tax = tiny_taxonomy()
    orgs = [
        _org("buyer", "t.mid", ["x goods"], ["looking for wafer"], "A"),
        _org("peer", "t.mid", ["wafer offered"], ["need y"], "A"),
        _org("upstream", "t.up", ["wafer offered"], ["need z"], "A"),
    ]
    engine = MatchEngine(orgs, tax, fake_encoder(), today=TODAY).build()
    res = engine.find_partners("buyer", k=2)
    assert [m.org_id for m in res.matches] == ["upstream", "peer"]
    top = res.matches[0]
    assert top.relation.value == "supplies" and top.parts["chain"] > 0
    assert "测试链/材料 → 测试链/制造" in top.explanation
    assert res.matches[1].parts["chain"] < 0


def test_saved_index_is_synced_not_rebuilt(tmp_path: Path) -> None:
    tax = tiny_taxonomy()
    enc = fake_encoder()
    orgs = checkerboard()
    engine = MatchEngine(orgs, tax, enc, today=TODAY).build()
    engine.save(tmp_path / "index")
    before = enc.texts_encoded
    # b5 now needs glass (word 1) instead of enzyme (word 5)
    changed = orgs[:-1] + [orgs[-1].model_copy(update={"needs": ("looking for glass",)})]
    again = MatchEngine(changed, tax, enc, today=TODAY)
    assert again.load(tmp_path / "index") == {"added": 1, "removed": 1}
    assert enc.texts_encoded - before == 1
    assert set(again.recommend("b5", N=2)[0]) == {"s1", "t1"}
    # a different encoder cannot reuse the saved vectors: they are rebuilt instead
    other = MatchEngine(orgs, tax, FakeEncoder(keywords=WORDS, dim=32), today=TODAY)
    assert other.load(tmp_path / "index")["added"] == len(other.table)
