"""The next generation's statement table as runs of the old one: a write drops the
statements of the organisations it changes or removes and inserts the written ones, and
every other statement keeps its order, so the new table is a few slices of the old columns
with the written rows between them.

`matcher.gentable.derive_table` gathered every column through a permutation (a random
gather of 1.4 × 10⁶ rows per column at 10⁵ organisations) and copied the texts and sources
as tuples. Here the runs are found from the organisations alone (a binary search per
changed organisation in the table's organisation column, which is sorted), the NumPy
columns are concatenations of slices (memory copies), the texts and sources share chunks
(`matcher.rope`), and what changed — the dropped old rows and the rows that came — is known
without a pass over the table.

Example usage::

    edit = edit_of(old_table, keep_old, inv, fresh, fresh_rows)   # None: rows reordered
    edit.table, edit.dropped, edit.came, edit.take(old_col, came_col)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.index import I64Array
from matcher.profiles import StatementTable
from matcher.rope import Rope

__all__ = ["TableEdit", "edit_of", "take"]

_STEPS = 4  # shifted runs renumbered by masked adds; more: one gather
Run = tuple[int, int, int]  # (0, a, b): old rows [a, b); (1, a, b): came rows [a, b)


@dataclass(frozen=True)
class TableEdit:
    """The new table and how its rows relate to the old one's."""

    table: StatementTable
    runs: tuple[Run, ...]
    dropped: I64Array  # old rows no longer present, ascending
    came: I64Array  # new rows of written statements, ascending
    n_old: int
    ordered: bool = True  # old runs ascending (kept rows keep their order)

    @property
    def src_row(self) -> I64Array:
        """New row → old row (−1: came now)."""
        return take(self.runs, np.arange(self.n_old, dtype=np.int64), np.full(len(self.came), -1))

    @cached_property
    def new_of_old(self) -> I64Array:
        """Old row → new row (−1: dropped)."""
        return _new_of_old(self.runs, self.n_old)

    def take(self, old: npt.NDArray[Any], came: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """A column of the new table: ``old``'s values on kept rows, ``came``'s (one per
        row in ``self.came``) on the rows written now."""
        return take(self.runs, old, came)

    @cached_property
    def _steps(self) -> list[tuple[int, int]]:
        """(first old row, added shift) where the old → new row shift changes: an old run
        moves by a constant, so the shift is a step function of the old row."""
        steps, moved, at = [], 0, 0
        for k, a, b in self.runs:
            if not k:
                if at - a != moved:
                    steps.append((a, at - a - moved))
                    moved = at - a
            at += b - a
        return steps

    @cached_property
    def _gaps(self) -> list[tuple[int, int]]:
        """The dropped old rows as ranges: between the old runs."""
        gaps, cur = [], 0
        for k, a, b in self.runs:
            if not k:
                if a > cur:
                    gaps.append((cur, a))
                cur = b
        return gaps if cur >= self.n_old else [*gaps, (cur, self.n_old)]

    def renumbered(self, rows: I64Array) -> I64Array:
        """Kept old rows → their new rows: a masked add per step when few runs moved (a
        write of one organisation: one step, none when its statement count is unchanged),
        else a gather through the whole map."""
        if not self.ordered or len(self._steps) > _STEPS:
            out: I64Array = self.new_of_old[rows]
            return out
        out = rows.astype(np.int64, copy=True)
        for a, delta in self._steps:
            np.add(out, delta, out=out, where=rows >= a)
        return out

    def moved(self, rows: I64Array) -> tuple[I64Array, I64Array]:
        """(positions of the old ``rows`` still present, their new rows), ``rows`` in any
        order: a range test per dropped range when few, else a gather through the map."""
        if not self.ordered or len(self._gaps) > _STEPS or len(self._steps) > _STEPS:
            mapped = self.new_of_old[rows]
            keep = np.flatnonzero(mapped >= 0)
            return keep, mapped[keep]
        alive = np.ones(len(rows), dtype=bool)
        for a, b in self._gaps:
            alive &= (rows < a) | (rows >= b)
        keep = np.flatnonzero(alive)
        return keep, self.renumbered(rows[keep])


def take(runs: Sequence[Run], old: npt.NDArray[Any], came: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Concatenated slices: ``old[a:b]`` for a run ``(0, a, b)``, ``came[a:b]`` for
    ``(1, a, b)``."""
    parts = [old[a:b] if not k else came[a:b] for k, a, b in runs]
    return np.concatenate(parts).astype(old.dtype, copy=False) if parts else old[:0]


def _new_of_old(runs: Sequence[Run], n_old: int) -> I64Array:
    out = np.full(n_old, -1, dtype=np.int64)
    at = 0
    for k, a, b in runs:
        if not k:
            out[a:b] = np.arange(at, at + b - a)
        at += b - a
    return out


def _came_rows(runs: Sequence[Run]) -> I64Array:
    at, out = 0, []
    for k, a, b in runs:
        if k:
            out.append(np.arange(at, at + b - a, dtype=np.int64))
        at += b - a
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def _runs(
    old: StatementTable, keep_old: npt.NDArray[np.bool_], fresh_new: I64Array, fresh_len: I64Array
) -> tuple[list[Run], I64Array]:  # fmt: skip
    """Runs of the new table and the dropped old rows. ``fresh_new``: new organisation row
    of each written organisation (ascending), ``fresh_len``: its statement count."""
    gone = np.flatnonzero(~keep_old).astype(old.org.dtype)  # no conversion of the column
    lo = np.searchsorted(old.org, gone, side="left")
    hi = np.searchsorted(old.org, gone, side="right")
    kept = np.flatnonzero(keep_old)
    nxt = fresh_new - np.arange(len(fresh_new))  # kept organisations before each written one
    at = np.full(len(fresh_new), len(old), dtype=np.int64)
    inside = nxt < len(kept)
    at[inside] = np.searchsorted(old.org, kept[nxt[inside]].astype(old.org.dtype), side="left")
    events = sorted(
        [(int(p), 0, int(r), int(n)) for p, r, n in zip(at, fresh_new, fresh_len, strict=True)]
        + [(int(a), 1, int(b), 0) for a, b in zip(lo, hi, strict=True)]
    )
    runs: list[Run] = []
    cur = came = 0
    for pos, kind, x, n in events:
        if pos > cur:
            runs.append((0, cur, pos))
            cur = pos
        if kind:  # a dropped organisation's rows [pos, x)
            cur = max(cur, x)
        elif n:
            runs.append((1, came, came + n))
            came += n
    if cur < len(old):
        runs.append((0, cur, len(old)))
    dropped = [np.arange(a, b, dtype=np.int64) for a, b in zip(lo, hi, strict=True)]
    return runs, np.concatenate(dropped) if dropped else np.zeros(0, np.int64)


def edit_of(
    old: StatementTable, keep_old: npt.NDArray[np.bool_], inv: I64Array,
    fresh: StatementTable, fresh_rows: I64Array,
) -> TableEdit | None:  # fmt: skip
    """The new table as runs of ``old`` (see the module text), or None when the kept
    organisations do not keep their relative order (rows were not ordered by id)."""
    moved = inv[keep_old]
    if np.any(moved[1:] <= moved[:-1]):
        return None
    by_row = np.argsort(fresh_rows, kind="stable")  # written organisations, in row order
    starts = np.searchsorted(fresh.org, by_row, side="left")
    ends = np.searchsorted(fresh.org, by_row, side="right")
    runs, dropped = _runs(old, keep_old, fresh_rows[by_row], ends - starts)
    order = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)] or [
        np.zeros(0, np.int64)]).astype(np.int64)  # fmt: skip
    f_org = fresh_rows[fresh.org[order]].astype(np.int32)
    shifted = []
    for k, a, b in runs:  # an old run's organisations all move by the same number of rows
        if k:
            shifted.append(f_org[a:b])
        elif b > a:
            shift = int(inv[old.org[a]]) - int(old.org[a])
            shifted.append(old.org[a:b] + np.int32(shift) if shift else old.org[a:b])
    ids = take(runs, old.ids, fresh.ids[order])
    came = _came_rows(runs)
    edit = TableEdit(old, tuple(runs), dropped, came, len(old))  # the table comes next
    edit_order, ascending = _carried_order(old, ids, edit)
    table = StatementTable(
        ids=ids,
        org=np.concatenate(shifted).astype(np.int32, copy=False) if shifted else old.org[:0],
        source=Rope.of(old.source).spliced(runs, [fresh.source[int(j)] for j in order]),
        texts=Rope.of(old.texts).spliced(runs, [fresh.texts[int(j)] for j in order]),
        _order=edit_order,
    )
    table.__dict__["_need_rows"] = take(runs, old._need_rows, fresh._need_rows[order])
    table.__dict__["_ids_ascending"] = ascending  # cached properties, carried
    done = TableEdit(table, tuple(runs), dropped, came, len(old))
    if "new_of_old" in edit.__dict__:  # the gather above built it: keep it
        done.__dict__["new_of_old"] = edit.new_of_old
    return done


def _carried_order(
    old: StatementTable, ids: I64Array, edit: TableEdit
) -> tuple[I64Array, I64Array]:
    """(``argsort(ids)``, ``ids`` ascending) from the old table's: the dropped rows taken
    out where binary search finds their ids, the kept ones renumbered, the rows that came
    merged in by binary search — memory copies, no sort and no gather of the table."""
    ascending = old._ids_ascending
    at_old = np.searchsorted(ascending, old.ids[edit.dropped])
    seq = edit.renumbered(np.delete(old._order, at_old))
    kept = np.delete(ascending, at_old)
    came = edit.came[np.argsort(ids[edit.came], kind="stable")]
    at = np.searchsorted(kept, ids[came])
    return np.insert(seq, at, came).astype(np.int64), np.insert(kept, at, ids[came])
