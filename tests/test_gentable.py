"""The next generation's rows without a pass over the catalog (`matcher.gentable`,
`matcher.sparserows`, `matcher.carried`): after random writes and removals each equals
what a rebuild from the final catalog gives, exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest

from catalog.models import Organisation
from embeddings.hashing import HashingSparseEncoder
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.carried import CarriedRows
from matcher.gentable import derive_table, org_sources, splice
from matcher.profiles import Space, StatementTable
from matcher.sparserows import StackedRows, dense_product, stacked
from matcher.sparseset import SparseStatements


@pytest.fixture(scope="module")
def catalog() -> list[Organisation]:
    src = ScaleSources.load(use_ashare=False)
    orgs = [Organisation.model_validate(r) for r in iter_organisations(src, 200, seed=7)]
    return sorted(orgs, key=lambda o: o.id)


def _step(
    orgs: list[Organisation], table: StatementTable, written: dict[str, Organisation],
    removed: set[str],
) -> tuple[list[Organisation], StatementTable, np.ndarray, np.ndarray]:  # fmt: skip
    """What `next_generation` does with the organisation list and statement table."""
    old_ids = [o.id for o in orgs]
    keep = np.asarray([i not in removed and i not in written for i in old_ids])
    new_ids = sorted(written)
    src = org_sources(old_ids, keep, new_ids)
    new = splice(orgs, src, [written[i] for i in new_ids])
    row = {o.id: r for r, o in enumerate(new)}
    inv = np.full(len(orgs), -1, dtype=np.int64)
    inv[src[src >= 0]] = np.flatnonzero(src >= 0)
    ups = list(written.values())
    fresh = StatementTable.from_orgs(ups)
    rows = np.asarray([row[o.id] for o in ups], dtype=np.int64)
    new_table, src_row = derive_table(table, keep, inv, fresh, rows)
    return new, new_table, src, src_row


def test_rows_after_random_writes_equal_a_rebuild(catalog: list[Organisation]) -> None:
    rng = random.Random(0)
    live, spare = catalog[:150], catalog[150:]
    orgs = list(live)
    table = StatementTable.from_orgs(orgs)
    for _ in range(12):
        ids = [o.id for o in orgs]
        removed = set(rng.sample(ids, rng.randint(0, 3)))
        written = {o.id: o for o in spare[:2]}
        spare = spare[2:]
        for o in rng.sample([o for o in orgs if o.id not in removed], 2):  # updates
            written[o.id] = o.model_copy(update={"offers": (f"{o.name}改性材料",)})
        expect = sorted(
            [o for o in orgs if o.id not in removed and o.id not in written]
            + list(written.values()),
            key=lambda o: o.id,
        )
        orgs, table, _, _ = _step(orgs, table, written, removed)
        assert [o.id for o in orgs] == [o.id for o in expect]
        ref = StatementTable.from_orgs(expect)
        assert table.ids.tolist() == ref.ids.tolist()
        assert table.org.tolist() == ref.org.tolist()
        assert table.texts == ref.texts and table.source == ref.source
        assert table._order.tolist() == np.argsort(ref.ids, kind="stable").tolist()
        assert table.mask(Space.NEEDS).tolist() == ref.mask(Space.NEEDS).tolist()


def test_unsorted_old_rows_still_give_rows_ordered_by_id() -> None:
    src = org_sources(["c", "a", "d"], np.asarray([True, True, False]), ["b"])
    assert src.tolist() == [1, -1, 0]  # a, b (new), c
    assert splice(["c", "a", "d"], src, ["b"]) == ["a", "b", "c"]


def test_stacked_sparse_rows_equal_the_gathered_matrix(catalog: list[Organisation]) -> None:
    table = StatementTable.from_orgs(catalog)
    sparse = SparseStatements(table, HashingSparseEncoder(dim=256)).build()
    full = sparse.matrices_[Space.OFFERS]
    rng = np.random.default_rng(1)
    rows: StackedRows | None = None
    reference = full
    for i in range(4):
        matrix = full if rows is None else rows
        keep = np.sort(rng.choice(matrix.shape[0], matrix.shape[0] - 5, replace=False))
        extra = sparse.encode([f"新写入的产品{i}号", f"再生铝{i}"])
        rows = stacked(matrix, keep, extra)
        from scipy.sparse import vstack  # type: ignore[import-untyped]

        reference = vstack([reference[keep], extra]).tocsr()
        queries = sparse.encode(["铝合金", "产品"])
        got = dense_product(rows, queries)
        np.testing.assert_array_equal(got, (reference @ queries.T).toarray())
        assert rows.shape == reference.shape
        assert abs(rows.tocsr() - reference).max() == 0


def test_carried_rows_equal_gathered_values() -> None:
    rng = np.random.default_rng(2)
    values = rng.random((10, 3)).astype(np.float32)
    carried, reference = CarriedRows.of(values), values
    for step in range(3):
        src = np.asarray([*range(1, len(reference)), -1, -1], dtype=np.int64)  # drop row 0
        written = np.flatnonzero(src < 0)
        new_vals = np.full((len(written), 3), float(step), dtype=np.float32)
        carried = carried.moved(src, written, new_vals)
        nxt = np.zeros((len(src), 3), np.float32)
        nxt[src >= 0] = reference[src[src >= 0]]
        nxt[written] = new_vals
        reference = nxt
        assert carried.values().tolist() == reference.tolist()
