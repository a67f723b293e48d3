"""`ask`'s main-business evidence: the revenue share of each candidate's listed product the
question is nearest. Two companies that list the same products rank by which of them makes
the asked one its main business; free-sentence offers do not hide the product they describe;
a catalog without shares ranks as if the kind were not weighed; a write brings its shares."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from catalog.models import Organisation
from catalog.taxonomy import load_default_taxonomy
from embeddings.fake import FakeEncoder
from embeddings.hashing import HashingSparseEncoder
from matcher import MatchEngine
from matcher.fusion import EvidenceKind, FusionWeights
from matcher.generation import CatalogChange, next_generation
from matcher.hybrid import ASK_RECIPE, AskEvidence

K = EvidenceKind
ENC = FakeEncoder(["碳化硅|功率模块", "检测|测试", "软件|EDA"], dim=64)


def _org(oid: str, products: dict[str, float], offers: tuple[str, ...] = ()) -> Organisation:
    return Organisation.model_validate(
        {
            "id": oid,
            "name": f"公司{oid}",
            "offers": list(offers),
            "products": [{"name": n, "share": s} for n, s in products.items()],
        }
    )


def _engine(orgs: list[Organisation]) -> MatchEngine:
    engine = MatchEngine(orgs, load_default_taxonomy(), ENC, sparse_encoder=HashingSparseEncoder())
    return engine.build()


def _catalog(main: float, side: float) -> list[Organisation]:
    """Two makers of the same two products, with the shares swapped, and two others."""
    return [
        _org("side", {"碳化硅功率模块": side, "检测服务": 1.0 - side}),
        _org("main", {"碳化硅功率模块": main, "检测服务": 1.0 - main}),
        _org("eda", {"EDA软件": 1.0}),
        _org("lab", {"可靠性测试": 0.6, "失效分析": 0.4}),
    ]


def test_the_shipped_recipe_weighs_the_main_business_share() -> None:
    assert ASK_RECIPE.weights.share == pytest.approx(0.1)
    assert K.SHARE in ASK_RECIPE.weights.kinds()


def test_a_company_whose_main_business_is_asked_ranks_above_a_side_line_maker() -> None:
    engine = _engine(_catalog(main=0.9, side=0.1))
    res = engine.ask("碳化硅功率模块", k=4)
    ids = [m.org_id for m in res.matches]
    assert ids[:2] == ["main", "side"]  # every text kind ties them; the share decides
    main, side = res.matches[0], res.matches[1]
    assert main.parts["share"] > 0 > side.parts["share"]
    assert main.parts["semantic"] == pytest.approx(side.parts["semantic"])
    assert main.score == pytest.approx(sum(main.parts.values()), abs=1e-4)
    assert "主营占比" in main.explanation and "share +" in main.explanation
    # with the kind switched off the two tie: nothing else tells them apart
    off = AskEvidence(engine.vectors, engine.orgs, replace(ASK_RECIPE, weights=_no_share()))
    engine.hybrid = off
    tied = {m.org_id: m.score for m in engine.ask("碳化硅功率模块", k=4).matches}
    assert tied["main"] == pytest.approx(tied["side"])
    assert tied["main"] < main.score and tied["side"] > side.score


def test_the_share_is_the_nearest_products_not_the_best_offer_sentences() -> None:
    """The best statement of "sentence" is a free sentence (no share); its nearest product
    is its main one (0.8): that is the share it is scored by."""
    orgs = [
        _org("sentence", {"碳化硅功率模块": 0.8, "EDA软件": 0.2}, ("碳化硅功率模块封装与测试",)),
        _org("other", {"碳化硅功率模块": 0.3, "EDA软件": 0.7}),
        _org("lab", {"可靠性测试": 1.0}),
    ]
    engine = _engine(orgs)
    ev = engine.hybrid.evidence("碳化硅功率模块", None)
    share = dict(zip(ev.rows.tolist(), ev.scores[K.SHARE].tolist(), strict=True))
    assert share[0] == pytest.approx(0.8) and share[1] == pytest.approx(0.3)
    assert share.get(2, 0.0) == pytest.approx(1.0 if 2 in share else 0.0)


def test_a_catalog_without_shares_ranks_as_without_the_kind_and_does_not_name_it() -> None:
    orgs = [o.model_copy(update={"products": ()}) for o in _catalog(0.9, 0.1)]
    orgs = [o.model_copy(update={"offers": ("碳化硅功率模块", "检测服务")}) for o in orgs[:2]]
    orgs += [_org("eda", {}, ("EDA软件",)), _org("lab", {}, ("可靠性测试",))]
    engine = _engine(orgs)
    ev = engine.hybrid.evidence("碳化硅功率模块", None)
    assert not ev.scores[K.SHARE].any() and not ev.parts[K.SHARE].any()
    shipped = engine.ask("碳化硅功率模块", k=4).matches
    assert all("share" not in m.parts and "主营占比" not in m.explanation for m in shipped)
    engine.hybrid = AskEvidence(
        engine.vectors, engine.orgs, replace(ASK_RECIPE, weights=_no_share())
    )
    without = engine.ask("碳化硅功率模块", k=4).matches
    assert [(m.org_id, m.score) for m in shipped] == [(m.org_id, m.score) for m in without]


def test_a_written_organisations_shares_count_in_the_next_generation() -> None:
    engine = _engine(_catalog(main=0.9, side=0.1))
    flipped = _org("side", {"碳化硅功率模块": 0.95, "检测服务": 0.05})
    gen = next_generation(engine, CatalogChange(upserts=(flipped,)))
    assert [m.org_id for m in gen.ask("碳化硅功率模块", k=4).matches][:2] == ["side", "main"]
    ev = gen.hybrid.evidence("碳化硅功率模块", None)
    share = dict(zip(ev.rows.tolist(), ev.scores[K.SHARE].tolist(), strict=True))
    assert share[gen._row["side"]] == pytest.approx(0.95)
    assert share[gen._row["main"]] == pytest.approx(0.9)
    # the generation it came from answers as before
    assert [m.org_id for m in engine.ask("碳化硅功率模块", k=4).matches][:2] == ["main", "side"]


def _no_share() -> FusionWeights:
    return ASK_RECIPE.weights.without(K.SHARE)


def test_shares_follow_the_statement_table_not_the_text_alone() -> None:
    """Two companies list one product under one name with different shares: each is scored
    by its own share, looked up through the statement's owner."""
    engine = _engine(_catalog(main=0.7, side=0.2))
    ev = engine.hybrid.evidence("碳化硅功率模块", None)
    share = dict(zip(ev.rows.tolist(), ev.scores[K.SHARE].tolist(), strict=True))
    got = {engine.orgs[r].id: share[r] for r in ev.rows.tolist()}
    assert got["main"] == pytest.approx(0.7) and got["side"] == pytest.approx(0.2)
    assert np.isfinite(ev.scores[K.SHARE]).all()
