"""The engine on a generated catalog: the default (AUTO) path equals the exact one, and an
approximate engine (IVF statements, IVF peers) stays close to it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import matcher.engine
from catalog.errors import InvalidInputError
from catalog.models import Organisation
from catalog.taxonomy import load_default_taxonomy
from embeddings.hashing import HashingEncoder
from eval.bench_scale import _probe_every_list
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.distinct import DistinctIndex
from matcher.engine import MatchEngine
from matcher.index import FaissIVFIndex, IndexKind
from matcher.stale import StaleKnowledge
from matcher.types import Signal

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
    # statements over their distinct vectors, held in IVF lists
    assert all(
        isinstance(ix, DistinctIndex) and isinstance(ix.inner, FaissIVFIndex)
        for ix in approx.indexes.values()
    )
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


def test_coverage_on_the_candidates_only_ranks_as_over_the_catalog(
    orgs: list[Organisation],
) -> None:
    """An approximate engine computes the stated-needs coverage for the admitted
    candidates only (`ChainKnowledge.deferred`); on exact indexes its results are those of
    the exact engine: same order, same coverage part."""
    exact = _engine(orgs, IndexKind.EXACT, False)
    deferred = _engine(orgs, IndexKind.EXACT, True)
    assert deferred.learned().deferred() and not exact.learned().deferred()
    # an exact engine (the demo park, the A-share evaluation) keeps its catalog-wide scans
    assert exact.learned().inference.index_ is None and not exact.learned().supply.on_candidates
    ids = [o.id for o in orgs[::10] if len(set(o.needs)) > 1]
    covered = 0
    for org_id in ids:
        want = exact.find_partners(org_id, k=10).matches
        got = deferred.find_partners(org_id, k=10).matches
        assert [m.org_id for m in got] == [m.org_id for m in want]
        for g, w in zip(got, want, strict=True):
            assert g.parts.get("coverage", 0.0) == pytest.approx(
                w.parts.get("coverage", 0.0), abs=1e-5
            )
            covered += w.parts.get("coverage", 0.0) > 0
    assert covered >= 10  # the coverage part is there to compare


def test_stale_knowledge_gives_deferred_values_of_the_rows_it_knows(
    orgs: list[Organisation],
) -> None:
    """A newer catalog's rows map to the fitted ones; a row added since the fit gets 0."""
    engine = _engine(orgs, IndexKind.EXACT, True)
    fitted = engine.learned()
    query = next(o for o in orgs if len(set(o.needs)) > 1)
    rows = np.arange(len(orgs), dtype=np.int64)
    want = fitted.on_candidates(query, None, rows, {Signal.COVERAGE})[Signal.COVERAGE]
    src = np.asarray([-1, *range(len(orgs))], dtype=np.int64)  # one new org at row 0
    stale = StaleKnowledge(fitted, src)
    got = stale.on_candidates(query, None, np.asarray([0, 3, 1]), {Signal.COVERAGE})
    assert got[Signal.COVERAGE].tolist() == pytest.approx([0.0, want[2], want[0]], abs=1e-6)
    assert stale.deferred() == {Signal.COVERAGE} and want.max() > 0


@pytest.mark.parametrize(
    ("kind", "approximate"), [(IndexKind.FAISS_IVF, True), (IndexKind.EXACT, False)]
)
def test_partners_of_many_are_each_ones_own(
    orgs: list[Organisation], kind: IndexKind, approximate: bool
) -> None:
    """A batch's needs searched together (IVF: one shared search; exact: one by one) give
    every organisation the matches, scores and explanations of its own find_partners, and
    the error of one that cannot ask, in its place."""
    mute = orgs[7].model_copy(update={"id": "no-needs", "needs": ()})
    engine = _engine([*orgs, mute], kind, approximate)
    ids = [o.id for o in orgs[:120]] + ["no-needs"]
    with pytest.MonkeyPatch.context() as mp:
        if approximate:  # no organisation searched on its own
            mp.setattr(engine.lookup, "search", lambda *a: pytest.fail("searched alone"))
        many = engine.find_partners_many(ids, k=20)
    assert len(many) == len(ids)
    for org_id, got in zip(ids, many, strict=True):
        try:
            want = engine.find_partners(org_id, k=20)
        except InvalidInputError as exc:
            assert isinstance(got, InvalidInputError) and str(got) == str(exc)
            assert "states no needs" in str(got)
            continue
        assert not isinstance(got, InvalidInputError)
        assert got.query == want.query
        assert [(m.org_id, m.score, m.explanation) for m in got.matches] == [
            (m.org_id, m.score, m.explanation) for m in want.matches
        ]
    assert sum(1 for r in many if not isinstance(r, InvalidInputError) and r.matches) > 100


def test_the_every_list_reference_is_the_exact_statement_search(
    orgs: list[Organisation],
) -> None:
    """`eval.bench_scale`'s reference past the flat limit: an IVF engine with every list of
    its statement indexes probed answers as the flat engine does (exact lookups alike)."""
    ids = [o.id for o in orgs[::15] if o.needs and o.offers]
    ivf = _engine(orgs, IndexKind.FAISS_IVF, False)
    inner = [ix.inner for ix in ivf.indexes.values() if isinstance(ix, DistinctIndex)]
    assert len(inner) == 3 and all(ix.probe_share < 1 for ix in inner)
    assert _probe_every_list(ivf) == 4  # three statement spaces and the plain offers
    assert all(ix.probe_share == 1.0 for ix in inner)
    assert _tops(ivf, ids) == _tops(_engine(orgs, IndexKind.FAISS_FLAT, False), ids)
