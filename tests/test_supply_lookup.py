"""The supply lookup: specific offers only, per-organisation best match, hub correction and
coverage, checked by hand and against a brute-force loop (keyword fake encoder)."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.models import Organisation, Product
from embeddings.fake import FakeEncoder
from matcher.index import IndexKind
from matcher.indexset import StatementIndex
from matcher.profiles import StatementTable
from matcher.supply import SupplyLookup

WORDS = ("urea|尿素", "ammonia|液氨", "coke|焦炭", "glass", "resin", "power")


def _org(oid: str, products: list[str], needs: list[str] = ()) -> Organisation:  # type: ignore[assignment]
    return Organisation(
        id=oid,
        name=f"公司{oid}",
        products=tuple(Product(name=p, share=0.5 / len(products)) for p in products),
        needs=tuple(needs),
    )


def _lookup(orgs: list[Organisation], **kw: int) -> SupplyLookup:
    index = StatementIndex(
        StatementTable.from_orgs(orgs),
        FakeEncoder(keywords=WORDS, dim=48),
        index_kind=IndexKind.EXACT,
        centering=0.0,
    )
    index.build()
    return SupplyLookup(**kw).fit(orgs, index)


ORGS = [
    _org("buyer", ["fertiliser"], ["urea granules", "coke fines"]),
    _org("s_urea", ["urea granules", "power supply"]),
    _org("s_coke", ["coke fines", "power supply"]),
    _org("s_both", ["urea pellets", "coke lumps", "power supply"]),
    _org("empty", []),
    _org("s_glass", ["glass sheet"]),
]


def test_generic_offers_are_left_out() -> None:
    lookup = _lookup(ORGS, hub_limit=2)
    assert "power supply" not in lookup.texts_  # offered by three organisations
    assert "urea granules" in lookup.texts_ and "glass sheet" in lookup.texts_
    assert lookup.exact([("power supply", 1.0)]).tolist() == [0.0] * 6
    assert lookup.exact([("coke fines", 0.7), ("urea granules", 0.2)]).tolist() == pytest.approx(
        [0.0, 0.2, 0.7, 0.0, 0.0, 0.0]
    )


def test_per_org_is_the_best_specific_offer_brute_force() -> None:
    lookup = _lookup(ORGS, hub_limit=2)
    needs = lookup.encode_needs(["urea granules", "coke fines", "resin"])
    got = lookup.per_org(needs, corrected=False)
    offers = dict(zip(lookup.texts_, lookup.vectors_, strict=True))
    for j, org in enumerate(ORGS):
        mine = [offers[p.name] for p in org.products if p.name in offers]
        for i in range(len(needs)):
            want = max((float(needs[i] @ v) for v in mine), default=-np.inf)
            assert got[i, j] == pytest.approx(want, abs=1e-5)
    assert np.isneginf(got[:, 4]).all()  # offers nothing


def test_hub_correction_by_hand() -> None:
    lookup = _lookup(ORGS, hub_limit=2, neighbours=1)
    needs = lookup.encode_needs(["urea granules"])
    raw = needs @ lookup.vectors_.T
    own = raw.max()  # the need's mean cosine to its 1 nearest offer
    want = 2 * raw - own - lookup.hub_[None, :]
    corrected = lookup.per_org(needs, corrected=True)
    col = lookup.texts_.index("urea granules")
    assert corrected[0, 1] == pytest.approx(float(want[0, col]), abs=1e-5)
    # each offer's hub score is its best cosine to the catalog's needs (neighbours = 1)
    catalog_needs = lookup.encode_needs(sorted({n for o in ORGS for n in o.needs}))
    assert lookup.hub_ == pytest.approx((lookup.vectors_ @ catalog_needs.T).max(axis=1), abs=1e-5)


def test_coverage_counts_needs_served_above_the_floor() -> None:
    lookup = _lookup(ORGS, hub_limit=2)
    needs = lookup.encode_needs(["urea granules", "coke fines"])
    M = lookup.per_org(needs, corrected=False)
    cov = lookup.coverage(needs, [2.0, 1.0], floor=0.5, corrected=False)
    want = (
        np.asarray([[2.0], [1.0]]) * np.clip(np.where(np.isfinite(M), M, 0.5) - 0.5, 0, None)
    ).sum(0)
    assert cov == pytest.approx(want, abs=1e-5)
    # exact makers: weight × (1 − floor) for their need, nothing for the other one
    assert cov[1] == pytest.approx(2 * 0.5, abs=1e-5) and cov[2] == pytest.approx(0.5, abs=1e-5)
    # near matches of both needs beat one exact match: breadth counts
    assert int(np.argmax(cov)) == 3 and cov[0] == 0 and cov[4] == 0
    with pytest.raises(ValueError, match="expected 2 weights"):
        lookup.coverage(needs, [1.0], floor=0.0)


def test_unfitted_and_bad_settings_are_refused() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        SupplyLookup().encode_needs(["urea"])
    with pytest.raises(ValueError, match="at least 1"):
        SupplyLookup(hub_limit=0)


def test_coverage_on_candidates_is_the_catalog_wide_coverage_of_those_rows() -> None:
    """An approximate engine's fit computes the stated-needs coverage for some rows only:
    each row's value is the catalog-wide one, in the order the rows are asked; the catalog
    needs' hub scores come from the fit, and a new need's is kept for the next query."""
    index = _lookup(ORGS).index
    assert index is not None
    lookup = SupplyLookup(hub_limit=2).fit(ORGS, index, approximate=True)
    texts = ["urea granules", "coke fines", "resin"]
    needs = lookup.encode_needs(texts)
    want = lookup.coverage(needs, floor=0.0)
    rows = np.asarray([5, 3, 0, 1, 4, 2], dtype=np.int64)
    assert lookup.coverage_on(texts, needs, rows, floor=0.0) == pytest.approx(want[rows], abs=1e-5)
    assert lookup.coverage_on(texts, needs, rows[:2], floor=0.0) == pytest.approx(
        want[rows[:2]], abs=1e-5
    )
    assert lookup.coverage_on(texts, needs, np.zeros(0, np.int64), floor=0.0).shape == (0,)
    assert want[3] > 0 and want[4] == 0  # the check is not vacuous
    assert lookup.on_candidates and not _lookup(ORGS).on_candidates
    # the catalog's needs got their hub scores in the fit; a new need's is kept after first use
    assert set(lookup._catalog_hub) == {"urea granules", "coke fines"}
    assert set(lookup._need_hub) == {"resin"}
    assert not _lookup(ORGS)._catalog_hub  # an exact fit has no use for them
