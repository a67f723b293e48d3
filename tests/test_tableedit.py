"""A write's next table as runs of the old one (`matcher.tableedit`), the chunked texts
(`matcher.rope`) and the carried id → row map (`matcher.rowmap`): each equals what a
rebuild from the final catalog gives, exactly, and costs what the write touches."""

from __future__ import annotations

import random

import numpy as np
import pytest

from catalog.models import Organisation
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.gentable import _gathered, derive_edit, org_sources, space_change, splice
from matcher.profiles import Space, StatementTable
from matcher.rope import CHUNK, Rope
from matcher.rowmap import RowMap
from matcher.tableedit import TableEdit, edit_of


@pytest.fixture(scope="module")
def catalog() -> list[Organisation]:
    src = ScaleSources.load(use_ashare=False)
    orgs = [Organisation.model_validate(r) for r in iter_organisations(src, 160, seed=3)]
    return sorted(orgs, key=lambda o: o.id)


def test_rope_splices_share_whole_chunks_and_read_like_a_tuple() -> None:
    items = tuple(range(5 * CHUNK + 7))
    rope = Rope.of(items)
    runs = [(0, 0, 3000), (1, 0, 2), (0, 3001, len(items) - 5), (1, 2, 3)]
    nxt = rope.spliced(runs, fresh=(-1, -2, -3))
    want = items[:3000] + (-1, -2) + items[3001:-5] + (-3,)
    assert nxt == want and list(nxt) == list(want) and len(nxt) == len(want)
    assert [nxt[i] for i in (0, 2999, 3000, 3001, 3002, -1, -2)] == [
        want[i] for i in (0, 2999, 3000, 3001, 3002, -1, -2)
    ]
    assert nxt[10:20] == want[10:20]
    shared = {id(c) for c in rope._chunks} & {id(c) for c in nxt._chunks}
    assert len(shared) >= 3  # the chunks inside kept runs are the same objects
    with pytest.raises(IndexError):
        nxt[len(want)]


def test_rope_recuts_when_many_writes_fragment_it() -> None:
    rope, ref = Rope.of(tuple(range(3 * CHUNK))), list(range(3 * CHUNK))
    rng = random.Random(0)
    for i in range(400):
        at = rng.randrange(len(ref))
        rope = rope.spliced([(0, 0, at), (1, 0, 1), (0, at + 1, len(ref))], fresh=(-i,))
        ref[at] = -i
    assert list(rope) == ref
    assert rope.n_chunks() <= 2 * (len(ref) // CHUNK) + 64


def test_row_map_carried_over_writes_equals_a_fresh_dict() -> None:
    rng = random.Random(1)
    ids = sorted(f"org-{i:04d}" for i in range(300))
    rows = RowMap.of(ids)
    assert rows.ids_sorted and not RowMap.of(["b", "a"]).ids_sorted
    for step in range(60):
        removed = set(rng.sample(ids, 3))
        written = {f"new-{step:03d}-{j}" for j in range(2)} | set(rng.sample(ids, 2))
        keep = np.asarray([i not in removed and i not in written for i in ids])
        new_ids = sorted(written - removed)
        src = org_sources(ids, keep, new_ids)
        inv = np.full(len(ids), -1, dtype=np.int64)
        inv[src[src >= 0]] = np.flatnonzero(src >= 0)
        ids = splice(ids, src, new_ids)
        came = dict(zip(new_ids, np.flatnonzero(src < 0).tolist(), strict=True))
        rows = rows.moved(inv, came, len(ids))
        fresh = {k: r for r, k in enumerate(ids)}
        assert rows == fresh and list(rows) == ids and len(rows) == len(ids)
        asked = [*rng.sample(ids, 20), *removed, "never-written"]
        assert rows.rows(asked).tolist() == [fresh.get(k, -1) for k in asked]
        gone = next(iter(removed - written))
        assert gone not in rows and rows.get(gone) is None
        with pytest.raises(KeyError):
            rows[gone]


Args = tuple[StatementTable, np.ndarray, np.ndarray, StatementTable, np.ndarray]


def _write(
    orgs: list[Organisation], table: StatementTable, written: dict[str, Organisation],
    removed: set[str],
) -> tuple[list[Organisation], Args]:  # fmt: skip
    old_ids = [o.id for o in orgs]
    keep = np.asarray([i not in removed and i not in written for i in old_ids])
    new_ids = sorted(written)
    src = org_sources(old_ids, keep, new_ids)
    new = splice(orgs, src, [written[i] for i in new_ids])
    inv = np.full(len(orgs), -1, dtype=np.int64)
    inv[src[src >= 0]] = np.flatnonzero(src >= 0)
    ups = list(written.values())
    rows = {o.id: r for r, o in enumerate(new)}
    fresh = StatementTable.from_orgs(ups)
    return new, (table, keep, inv, fresh, np.asarray([rows[o.id] for o in ups], np.int64))


def _check_moved(edit: TableEdit, n_old: int, seed: int) -> None:
    """Old rows in any order (the sparse matrices' rows) map as the whole map says."""
    rows = np.random.default_rng(seed).permutation(n_old).astype(np.int64)
    want = edit.new_of_old[rows]
    keep, mapped = edit.moved(rows)
    assert keep.tolist() == np.flatnonzero(want >= 0).tolist()
    assert mapped.tolist() == want[want >= 0].tolist()


def test_runs_equal_the_gathered_table_and_a_rebuild(catalog: list[Organisation]) -> None:
    rng = random.Random(4)
    live, spare = catalog[:120], catalog[120:]
    bare = spare[0].model_copy(update={"offers": (), "products": (), "needs": ()})
    orgs, table = list(live), StatementTable.from_orgs(live)
    pending = {bare.id: bare}  # an organisation without statements, then written again
    for step in range(10):
        removed = set(rng.sample([o.id for o in orgs], rng.randint(0, 3)))
        written = {o.id: o for o in spare[1 + 2 * step : 3 + 2 * step]} | pending
        for o in rng.sample([o for o in orgs if o.id not in removed], 2):
            written[o.id] = o.model_copy(update={"offers": (f"{o.name}改性材料",)})
        pending = {}
        orgs, args = _write(orgs, table, written, removed)
        edit = edit_of(*args)
        assert edit is not None
        gathered, src_row = _gathered(*args)
        ref = StatementTable.from_orgs(orgs)
        for got in (edit.table, gathered):
            assert got.ids.tolist() == ref.ids.tolist() and got.org.tolist() == ref.org.tolist()
            assert got.texts == ref.texts and got.source == ref.source
            assert got._order.tolist() == np.argsort(ref.ids, kind="stable").tolist()
            assert got._need_rows.tolist() == ref._need_rows.tolist()
        assert edit.src_row.tolist() == src_row.tolist()
        assert edit.came.tolist() == np.flatnonzero(src_row < 0).tolist()
        kept = set(src_row[src_row >= 0].tolist())
        assert edit.dropped.tolist() == [r for r in range(len(table)) if r not in kept]
        assert (
            edit.new_of_old[src_row[src_row >= 0]].tolist() == np.flatnonzero(src_row >= 0).tolist()
        )
        _check_moved(edit, len(table), step)
        for space in Space:  # the same changes the vectors get either way
            gone, came = space_change(table, edit, space)
            old_ids = set(table.ids[table.mask(space)].tolist())
            new_ids = set(ref.ids[ref.mask(space)].tolist())
            assert set(gone.tolist()) == old_ids - new_ids
            assert set(edit.table.ids[came].tolist()) == new_ids - old_ids
        table = edit.table


def test_single_writes_renumber_by_steps_like_a_rebuild(catalog: list[Organisation]) -> None:
    """One organisation per write (the service's case): created, updated with the same or
    another statement count, removed — the id order is shifted, not gathered."""
    orgs, spare = list(catalog[:100]), catalog[100:]
    table = StatementTable.from_orgs(orgs)
    rng = random.Random(5)
    for step in range(12):
        pick = rng.choice(orgs)
        changes = [
            ({spare[step].id: spare[step]}, set()),
            ({pick.id: pick.model_copy(update={"offers": (f"{pick.name}新品",)})}, set()),
            ({pick.id: pick.model_copy(update={"name": pick.name + "（改）"})}, set()),
            ({}, {pick.id}),
        ]
        written, removed = changes[step % 4]
        orgs, args = _write(orgs, table, written, removed)
        edit = edit_of(*args)
        assert edit is not None
        ref = StatementTable.from_orgs(orgs)
        assert edit.table.ids.tolist() == ref.ids.tolist()
        assert edit.table._order.tolist() == np.argsort(ref.ids, kind="stable").tolist()
        assert edit.table._ids_ascending.tolist() == np.sort(ref.ids).tolist()
        assert edit.table.rows_of(ref.ids[::7]).tolist() == list(range(0, len(ref), 7))
        _check_moved(edit, len(table), step)
        table = edit.table


def test_rows_not_ordered_by_id_take_the_gathered_path(catalog: list[Organisation]) -> None:
    orgs = [catalog[3], catalog[1], catalog[2]]  # not ordered by id
    table = StatementTable.from_orgs(orgs)
    written = {catalog[0].id: catalog[0]}
    new, args = _write(orgs, table, written, {catalog[2].id})
    assert edit_of(*args) is None
    edit = derive_edit(*args)
    ref = StatementTable.from_orgs(new)
    assert [o.id for o in new] == sorted(o.id for o in new)
    assert edit.table.ids.tolist() == ref.ids.tolist() and edit.table.texts == ref.texts
    assert edit.src_row.tolist() == _gathered(*args)[1].tolist()
    _check_moved(edit, len(table), 0)
    assert edit.take(np.arange(len(table)), np.full(len(edit.came), -1)).tolist() == (
        edit.src_row.tolist()
    )
