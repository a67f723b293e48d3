"""The organisation rows and statement table of the next engine generation, derived from
the previous one at a cost of a few C-level passes (NumPy gathers, slice copies) plus a
Python step per *changed* organisation, never a Python pass or a sort over the catalog.

Rows stay ordered by organisation id (the store's order, so a full rebuild lists them the
same way): a written organisation is inserted where its id sorts, a removed one dropped,
and every other row keeps its relative order. So the kept rows are runs of consecutive old
rows, copied as slices (`splice`), and the new statement table's id order is the old one
with the dropped ids taken out and the new ones merged in (`_carried_order`) instead of an
argsort of 10⁶ ids per write.

Example usage::

    src = org_sources(old_ids, keep_old, sorted(written))   # new row -> old row (-1: new)
    orgs = splice(old_orgs, src, [written[i] for i in sorted(written)])
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Sequence
from itertools import compress, islice
from typing import TypeVar, overload

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from matcher.index import I64Array
from matcher.profiles import Space, StatementTable
from matcher.rope import Rope
from matcher.tableedit import Run, TableEdit, edit_of

__all__ = [
    "OrgIds",
    "derive_edit",
    "derive_table",
    "org_sources",
    "space_change",
    "splice",
    "spliced",
]

T = TypeVar("T")


def splice(old: Sequence[T], src: I64Array, fresh: Sequence[T]) -> list[T]:
    """``old[src[i]]`` for every new position with ``src[i] ≥ 0``, the next of ``fresh``
    (in order) where it is −1; runs of consecutive old positions are copied as slices."""
    n = len(src)
    if n == 0:
        return []
    starts_run = np.ones(n, dtype=bool)
    starts_run[1:] = (src[1:] != src[:-1] + 1) | (src[1:] < 0) | (src[:-1] < 0)
    starts = np.flatnonzero(starts_run)
    ends = np.append(starts[1:], n)
    out: list[T] = []
    nxt = iter(fresh)
    for a, b, s in zip(starts.tolist(), ends.tolist(), src[starts].tolist(), strict=True):
        if s < 0:
            out.append(next(nxt))  # a fresh position always starts a run of one
        else:
            out.extend(old[s : s + b - a])
    return out


class OrgIds(Sequence[str]):
    """The ids of organisations in row order — or of those at ``rows`` — read on demand:
    a bisect reads a few, and ranking ~500 candidates reads only those whose scores tie
    (an id read from a cold organisation object costs ≈ 0.8 µs)."""

    def __init__(self, orgs: Sequence[Organisation], rows: I64Array | None = None) -> None:
        self._orgs, self._rows = orgs, rows

    def __len__(self) -> int:
        return len(self._orgs) if self._rows is None else len(self._rows)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            if self._rows is None:
                return [o.id for o in self._orgs[i]]
            return [self[j] for j in range(*i.indices(len(self)))]
        if self._rows is None:
            return self._orgs[i].id
        return self._orgs[int(self._rows[i])].id


def spliced(old: Sequence[T], src: I64Array, fresh: Sequence[T]) -> Rope[T]:
    """What `splice` gives, as a `Rope` sharing ``old``'s chunks (cut once if ``old`` is
    not one yet): the cost grows with the runs, not with the catalog."""
    return Rope.of(old).spliced(_runs_of(src), fresh)


def org_sources(
    old_ids: Sequence[str], keep_old: npt.NDArray[np.bool_], new_ids: Sequence[str],
    ids_sorted: bool | None = None,
) -> I64Array:  # fmt: skip
    """For each row of the next catalog (kept ids and ``new_ids``, ordered by id), its old
    row (−1: written now). ``new_ids`` sorted; ``old_ids`` in row order, ``ids_sorted``
    whether they are ascending (None: checked, a pass)."""
    kept = np.flatnonzero(keep_old).astype(np.int64)
    if ids_sorted is None:
        ids_sorted = all(map(operator.lt, old_ids, islice(old_ids, 1, None)))
    if ids_sorted:  # insert by bisect
        at = np.asarray([bisect_left(old_ids, i) for i in new_ids], dtype=np.int64)
        return np.insert(kept, np.searchsorted(kept, at), -1).astype(np.int64)
    ids = np.asarray([*compress(old_ids, keep_old), *new_ids], dtype=str)
    order = np.argsort(ids, kind="stable")
    return np.concatenate([kept, np.full(len(new_ids), -1, np.int64)])[order]


def derive_table(
    old: StatementTable, keep_old: npt.NDArray[np.bool_], inv: I64Array,
    fresh: StatementTable, fresh_rows: I64Array,
) -> tuple[StatementTable, I64Array]:  # fmt: skip
    """The new table (grouped by new organisation row) and, per new row, its old row (−1:
    a written organisation's statement). ``inv``: old organisation row → new row."""
    edit = derive_edit(old, keep_old, inv, fresh, fresh_rows)
    return edit.table, edit.src_row


def derive_edit(
    old: StatementTable, keep_old: npt.NDArray[np.bool_], inv: I64Array,
    fresh: StatementTable, fresh_rows: I64Array,
) -> TableEdit:  # fmt: skip
    """The new table as runs of the old one (`matcher.tableedit`): slices and shared
    chunks when the kept organisations keep their order (rows ordered by id, always after
    the first generation), else a gather through a permutation."""
    edit = edit_of(old, keep_old, inv, fresh, fresh_rows)
    if edit is not None:
        return edit
    table, src_row = _gathered(old, keep_old, inv, fresh, fresh_rows)
    came = np.flatnonzero(src_row < 0).astype(np.int64)
    runs, gone = _runs_of(src_row), _dropped(len(old), src_row)
    return TableEdit(table, runs, gone, came, len(old), ordered=False)


def _runs_of(src_row: I64Array) -> tuple[Run, ...]:
    """The runs (`matcher.tableedit`) of a new → old row map (a pass: the rare fallback)."""
    n = len(src_row)
    breaks = np.ones(n, dtype=bool)
    follows = (src_row[1:] == src_row[:-1] + 1) & (src_row[:-1] >= 0)
    breaks[1:] = ~(follows | ((src_row[1:] < 0) & (src_row[:-1] < 0)))
    starts = np.flatnonzero(breaks).tolist()
    runs: list[Run] = []
    came = 0
    for a, b in zip(starts, [*starts[1:], n], strict=True):
        s = int(src_row[a])
        if s < 0:
            runs.append((1, came, came + b - a))
            came += b - a
        else:
            runs.append((0, s, s + b - a))
    return tuple(runs)


def _dropped(n_old: int, src_row: I64Array) -> I64Array:
    gone = np.ones(n_old, dtype=bool)
    gone[src_row[src_row >= 0]] = False
    return np.flatnonzero(gone).astype(np.int64)


def _gathered(
    old: StatementTable, keep_old: npt.NDArray[np.bool_], inv: I64Array,
    fresh: StatementTable, fresh_rows: I64Array,
) -> tuple[StatementTable, I64Array]:  # fmt: skip
    kept = np.flatnonzero(keep_old[old.org]).astype(np.int64)
    kept_org = inv[old.org[kept]]
    f_org = fresh_rows[fresh.org].astype(np.int64)
    n_kept = len(kept)
    if np.all(kept_org[1:] >= kept_org[:-1]):  # kept rows keep their order: merge
        fo = np.argsort(f_org, kind="stable")
        at = np.searchsorted(kept_org, f_org[fo], side="right")
        perm = np.insert(np.arange(n_kept, dtype=np.int64), at, n_kept + fo)
    else:
        perm = np.argsort(np.concatenate([kept_org, f_org]), kind="stable")
    org = np.concatenate([kept_org, f_org])[perm].astype(np.int32)
    src_row = np.concatenate([kept, np.full(len(fresh), -1, np.int64)])[perm]
    ids = np.concatenate([old.ids[kept], fresh.ids])[perm]
    fresh_order = (perm[perm >= n_kept] - n_kept).tolist()
    table = StatementTable(
        ids=ids,
        org=org,
        source=tuple(splice(old.source, src_row, [fresh.source[j] for j in fresh_order])),
        texts=tuple(splice(old.texts, src_row, [fresh.texts[j] for j in fresh_order])),
        _order=_carried_order(old, ids, src_row),
    )
    needs = np.concatenate([old._need_rows[kept], fresh._need_rows])[perm]
    table.__dict__["_need_rows"] = needs  # cached_property, gathered rather than recomputed
    return table, src_row


def _carried_order(old: StatementTable, ids: I64Array, src_row: I64Array) -> I64Array:
    """``argsort(ids)`` (ids are distinct) from the old table's: the kept rows in their old
    id order, renumbered, with the new rows merged in by binary search."""
    has = src_row >= 0
    new_of_old = np.full(len(old), -1, dtype=np.int64)
    new_of_old[src_row[has]] = np.flatnonzero(has)
    seq = new_of_old[old._order]
    seq = seq[seq >= 0]
    came = np.flatnonzero(~has)
    came = came[np.argsort(ids[came], kind="stable")]
    return np.insert(seq, np.searchsorted(ids[seq], ids[came]), came).astype(np.int64)


def space_change(old: StatementTable, edit: TableEdit, space: Space) -> tuple[I64Array, I64Array]:
    """(ids no longer live, new rows whose ids were not live) of ``space``: from the rows
    the edit dropped and the rows that came, without a pass over the table."""
    holds = space.holds_needs
    gone = old.ids[edit.dropped[old._masks[holds][edit.dropped]]]
    fresh = edit.came[edit.table._masks[holds][edit.came]]
    came = fresh[~np.isin(edit.table.ids[fresh], gone)]  # an unchanged statement keeps its vector
    gone = gone[~np.isin(gone, edit.table.ids[fresh])]
    return gone.astype(np.int64), came.astype(np.int64)
