"""The engine on a generated catalog: the default (AUTO) path equals the exact one, and an
approximate engine (IVF statements, IVF peers) stays close to it."""

from __future__ import annotations

import datetime as dt

import pytest

import matcher.engine
from catalog.models import Organisation
from catalog.taxonomy import load_default_taxonomy
from embeddings.hashing import HashingEncoder
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.engine import MatchEngine
from matcher.index import FaissIVFIndex, IndexKind

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def orgs() -> list[Organisation]:
    src = ScaleSources.load(use_ashare=False)
    return [Organisation.model_validate(r) for r in iter_organisations(src, 300, seed=1)]


def _engine(orgs: list[Organisation], kind: IndexKind, approximate: bool) -> MatchEngine:
    return MatchEngine(
        orgs,
        load_default_taxonomy(),
        HashingEncoder(dim=64),
        index_kind=kind,
        today=TODAY,
        approximate=approximate,
    ).build()


def _tops(engine: MatchEngine, ids: list[str]) -> list[list[str]]:
    out = []
    for org_id in ids:
        out.append([m.org_id for m in engine.find_partners(org_id, k=10).matches])
        out.append([m.org_id for m in engine.find_substitutes(org_id, k=10).matches])
    return out


def test_auto_is_exact_and_approximate_stays_close(
    orgs: list[Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [o.id for o in orgs[::30] if o.needs and o.offers]
    exact = _tops(_engine(orgs, IndexKind.EXACT, False), ids)
    assert _tops(_engine(orgs, IndexKind.AUTO, False), ids) == exact
    monkeypatch.setattr(matcher.engine, "APPROXIMATE_PEERS", 100)  # IVF peers on 300 orgs
    approx = _engine(orgs, IndexKind.FAISS_IVF, True)
    assert all(isinstance(ix, FaissIVFIndex) for ix in approx.indexes.values())
    got = _tops(approx, ids)
    assert approx.learned().signals.peer_index_ is not None
    overlap = [len(set(g) & set(w)) / max(1, len(w)) for g, w in zip(got, exact, strict=True)]
    assert sum(overlap) / len(overlap) >= 0.8
    # narrow filters stay exact on the approximate engine: the map's `items`
    members = [o.id for o in orgs[:60]]
    q = next(o.id for o in orgs[:60] if o.needs)
    exact_engine = _engine(orgs, IndexKind.EXACT, False)
    want = [m.org_id for m in exact_engine.find_partners(q, k=5, items=members).matches]
    assert [m.org_id for m in approx.find_partners(q, k=5, items=members).matches][:3] == want[:3]
