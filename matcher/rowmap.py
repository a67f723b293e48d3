"""Organisation id → row of an engine generation, carried to the next generation without
building a new dict of every id.

A write inserts or drops a row, which renumbers every later row, so each generation used
to build a fresh dict (≈ 15 ms at 10⁵ organisations, most of what was left of a publish
outside the statement table). `RowMap` keeps the dict of an older generation frozen, an
int array mapping its rows onto the current ones (one NumPy gather per write), and a small
dict of the ids written since; when that grows past a share of the catalog it is folded
into a new frozen dict (so the cost per write stays bounded, amortised).

Example usage::

    rows = RowMap.of(["a", "c"])
    nxt = rows.moved(inv=np.array([0, 2]), written={"b": 1}, n=3)  # a, b, c
    nxt["c"], "b" in nxt, list(nxt)      # (2, True, ['a', 'b', 'c'])
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

import numpy as np

from matcher.index import I64Array

__all__ = ["RowMap"]

_FOLD = 1024  # written ids kept beside the frozen dict before folding (at least)


class RowMap(Mapping[str, int]):
    """Row of each id: ``extra[id]`` for ids written since the frozen ``base``, else
    ``to_new[base[id]]`` (−1: no longer present). Never mutated."""

    __slots__ = ("_base", "_extra", "_len", "_to_new", "ids_sorted")

    def __init__(
        self, base: dict[str, int], to_new: I64Array | None, extra: dict[str, int], n: int,
        ids_sorted: bool,
    ) -> None:  # fmt: skip
        self._base = base
        self._to_new = to_new  # None: the identity
        self._extra = extra
        self._len = n
        self.ids_sorted = ids_sorted  # rows are ordered by id

    @classmethod
    def of(cls, ids: Iterable[str]) -> RowMap:
        ids = list(ids)
        base = dict(zip(ids, range(len(ids)), strict=True))
        if len(base) != len(ids):
            raise ValueError("duplicate organisation ids")
        in_order = all(map(operator.lt, ids, islice(ids, 1, None)))
        return cls(base, None, {}, len(ids), in_order)

    def __getitem__(self, key: str) -> int:
        r = self._extra.get(key)
        if r is not None:
            return r
        b = self._base[key]
        if self._to_new is None:
            return b
        r = int(self._to_new[b])
        if r < 0:
            raise KeyError(key)
        return r

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        r = self._extra.get(key)
        if r is not None:
            return r
        b = self._base.get(key)
        if b is None:
            return default
        if self._to_new is None:
            return b
        r = int(self._to_new[b])
        return r if r >= 0 else default

    def rows(self, keys: Iterable[str]) -> I64Array:
        """The row of each of ``keys`` (−1: not present), for many keys at once: one dict
        look-up each and one gather, not a `get` per key (a refit maps every organisation)."""
        keys = list(keys)
        base = np.fromiter((self._base.get(k, -1) for k in keys), np.int64, len(keys))
        out = base if self._to_new is None else _compose(base, self._to_new)
        if self._extra:
            extra = self._extra
            for i, k in enumerate(keys):
                if k in extra:
                    out[i] = extra[k]
        return out

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return self.get(key) is not None

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        """Ids in row order (a pass over the catalog: not on the write path)."""
        out: list[str | None] = [None] * self._len
        for key, b in self._base.items():
            r = b if self._to_new is None else int(self._to_new[b])
            if r >= 0 and key not in self._extra:
                out[r] = key
        for key, r in self._extra.items():
            out[r] = key
        return iter([k for k in out if k is not None])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return len(self) == len(other) and all(other.get(k) == self[k] for k in self)

    __hash__ = None  # type: ignore[assignment]

    def moved(self, inv: I64Array, written: dict[str, int], n: int) -> RowMap:
        """The rows of the next generation: ``inv`` maps this one's rows to the new ones
        (−1: dropped), ``written`` gives the new rows of the ids written now; ``n`` rows.
        Rows must keep their order (``ids_sorted``); else build with `of`."""
        to_new = inv.astype(np.int64, copy=True) if self._to_new is None else _compose(
            self._to_new, inv)  # fmt: skip
        extra = {k: int(inv[r]) for k, r in self._extra.items() if k not in written}
        extra = {k: r for k, r in extra.items() if r >= 0} | written
        nxt = RowMap(self._base, to_new, extra, n, self.ids_sorted)
        if len(extra) > max(_FOLD, n // 16):  # fold: one dict of every id, rarely
            return RowMap(dict(zip(nxt, range(n), strict=True)), None, {}, n, self.ids_sorted)
        return nxt


def _compose(to_old: I64Array, inv: I64Array) -> I64Array:
    out = np.full(len(to_old), -1, dtype=np.int64)
    has = to_old >= 0
    out[has] = inv[to_old[has]]
    return out
