"""An immutable sequence stored as chunks shared between versions, so that the next engine
generation's statement texts and sources cost the chunks a write touches, not a copy.

The statement table holds one text and one source per statement (1.4 × 10⁶ at 10⁵
organisations). A generation used to copy both tuples per write (≈ 40 ms of Python
reference copies at 10⁵ organisations); `Rope.spliced` shares every chunk that lies inside
a kept run and builds new chunks only where runs begin or end. Reading an item costs a
binary search over the chunk starts.

Example usage::

    texts = Rope.of(("a", "b", "c", "d"))
    nxt = texts.spliced([(0, 0, 2), (1, 0, 1), (0, 3, 4)], fresh=("x",))  # a b x d
    nxt[2], list(nxt)                    # ('x', ['a', 'b', 'x', 'd'])
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import Generic, TypeVar, overload

__all__ = ["CHUNK", "Rope"]

T = TypeVar("T")

CHUNK = 2048  # items per chunk when a sequence is first cut up


class Rope(Sequence[T], Generic[T]):
    """Items of ``chunks`` in order; never mutated (a new version shares chunks)."""

    __slots__ = ("_chunks", "_len", "_starts")

    def __init__(self, chunks: Sequence[tuple[T, ...]]) -> None:
        self._chunks = tuple(c for c in chunks if c)
        starts, n = [], 0
        for c in self._chunks:
            starts.append(n)
            n += len(c)
        self._starts = starts
        self._len = n

    @classmethod
    def of(cls, items: Sequence[T]) -> Rope[T]:
        if isinstance(items, Rope):
            return items
        items = tuple(items)
        return cls([items[i : i + CHUNK] for i in range(0, len(items), CHUNK)])

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        i = index + self._len if index < 0 else index
        if not 0 <= i < self._len:
            raise IndexError("Rope index out of range")
        c = bisect_right(self._starts, i) - 1
        return self._chunks[c][i - self._starts[c]]

    def __iter__(self) -> Iterator[T]:
        return chain.from_iterable(self._chunks)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(other) == self._len and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Rope({len(self._chunks)} chunks, {self._len} items)"

    def n_chunks(self) -> int:
        return len(self._chunks)

    def _pieces(self, a: int, b: int) -> Iterator[tuple[T, ...]]:
        """Items ``[a, b)`` as chunk references (whole chunks) and slices (partial ones)."""
        c = bisect_right(self._starts, a) - 1
        while a < b:
            start = self._starts[c]
            chunk = self._chunks[c]
            lo, hi = a - start, min(len(chunk), b - start)
            yield chunk if lo == 0 and hi == len(chunk) else chunk[lo:hi]
            a = start + hi
            c += 1

    def spliced(self, runs: Sequence[tuple[int, int, int]], fresh: Sequence[T]) -> Rope[T]:
        """A new version: for each run ``(0, a, b)`` this one's items ``[a, b)``, for each
        ``(1, a, b)`` ``fresh[a:b]``. Whole chunks are shared; the pieces between them are
        joined into one chunk (so a write adds about one chunk per place it touches)."""
        out: list[tuple[T, ...]] = []
        loose: list[T] = []
        for kind, a, b in runs:
            if kind:
                loose.extend(fresh[a:b])
                continue
            for piece in self._pieces(a, b):
                if len(piece) >= CHUNK // 2:
                    if loose:
                        out.append(tuple(loose))
                        loose = []
                    out.append(piece)
                else:
                    loose.extend(piece)
        if loose:
            out.append(tuple(loose))
        nxt = Rope(out)
        if nxt.n_chunks() > 2 * (nxt._len // CHUNK) + 64:  # fragmented by many writes: recut
            return Rope.of(tuple(nxt))
        return nxt
