"""Per-organisation ranking features, computed once per day instead of once per query.

The chain-aware ranker used to recompute, for each of some 400 candidates on every query,
the candidate's valid qualifications and its best chain relation to the query in Python
(about half a query's CPU at 2,000 organisations). Organisations are frozen models, so
their features can be kept by identity: each one gets a slot in int arrays (segments,
qualification-set, park, city and kind codes), and a query gathers those rows and compares
them with numpy.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Sequence
from typing import overload

import numpy as np

from catalog.models import Organisation
from catalog.taxonomy import ChainRelation, Taxonomy
from matcher.types import Relation

__all__ = ["CandidateFeatures", "Codes", "Relations"]

I64 = np.ndarray[tuple[int, ...], np.dtype[np.int64]]
F64 = np.ndarray[tuple[int, ...], np.dtype[np.float64]]
_RELATIONS = list(ChainRelation)
_NO_SEGMENT = -1


class Codes:
    """Small ints for hashable values, first seen first numbered; equal values, equal codes."""

    def __init__(self) -> None:
        self.code: dict[Hashable, int] = {}
        self.values: list[Hashable] = []

    def of(self, value: Hashable) -> int:
        c = self.code.get(value)
        if c is None:
            c = self.code[value] = len(self.values)
            self.values.append(value)
        return c

    def get(self, value: Hashable) -> int:
        """The value's code, or -1 when no organisation has it (so it equals none)."""
        return self.code.get(value, -1)


class Relations(Sequence[Relation]):
    """Each candidate's `Relation` to the query, made when asked for: a query explains
    its first k of some 500 scored candidates, and making them all cost ≈ 1 ms at 10⁵."""

    def __init__(
        self, kinds: I64, c_codes: I64, q_at: I64, names: Sequence[Hashable], q_names: list[str]
    ) -> None:
        self._kinds, self._c, self._q = kinds, c_codes, q_at
        self._names, self._q_names = names, q_names

    def __len__(self) -> int:
        return len(self._kinds)

    @overload
    def __getitem__(self, i: int) -> Relation: ...
    @overload
    def __getitem__(self, i: slice) -> list[Relation]: ...
    def __getitem__(self, i: int | slice) -> Relation | list[Relation]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        k = int(self._kinds[i])
        if k < 0:
            return Relation()
        return Relation(
            _RELATIONS[k], str(self._names[int(self._c[i])]), self._q_names[int(self._q[i])]
        )


class CandidateFeatures:
    """Features of every organisation the ranker has seen, as of one day, by identity.

    Rows are appended as new organisations arrive; a different day starts afresh (validity
    of qualifications depends on it), and so does a table grown past ``max_rows`` (an engine
    rebuilt around new organisation objects while the ranker is reused)."""

    max_rows = 500_000

    def __init__(self, taxonomy: Taxonomy, day: dt.date) -> None:
        self.taxonomy = taxonomy
        self.day = day
        self._slot: dict[int, int] = {}
        self._orgs: list[Organisation] = []  # held so that ``id()`` keys are never reused
        self.segments = Codes()
        self.qual_sets = Codes()  # frozensets of lower-cased valid qualification names
        self.parks = Codes()
        self.cities = Codes()
        self.kinds = Codes()
        # grown by doubling: segment codes (padded with -1); qual set, park, city, kind
        self._segs: I64 = np.full((64, 1), _NO_SEGMENT, dtype=np.int64)
        self._codes: I64 = np.zeros((4, 64), dtype=np.int64)
        self._columns: dict[str, I64] = {}  # query segment -> relation code per segment code
        self._lock = threading.Lock()  # the service may score on several threads

    def __len__(self) -> int:
        return len(self._orgs)

    def rows(self, orgs: Sequence[Organisation]) -> I64:
        """The organisations' rows, adding the ones not seen yet."""
        slot = self._slot
        got = list(map(slot.get, map(id, orgs)))  # C-level maps: ~500 candidates a query
        if None in got:
            with self._lock:
                for o in orgs:
                    if id(o) not in slot:
                        self._add(o)
            got = list(map(slot.__getitem__, map(id, orgs)))
        return np.array(got, dtype=np.int64).reshape(len(got))

    def _add(self, org: Organisation) -> None:
        row = len(self._orgs)
        segs = [self.segments.of(p.segment) for p in org.chains]
        rows, width = self._segs.shape
        if row >= rows or len(segs) > width:
            grown = np.full((max(rows, 2 * row), max(width, len(segs))), _NO_SEGMENT, np.int64)
            grown[:rows, :width] = self._segs
            self._segs = grown
            codes = np.zeros((4, grown.shape[0]), dtype=np.int64)
            codes[:, :rows] = self._codes
            self._codes = codes
        self._segs[row, : len(segs)] = segs
        quals = frozenset(x.name.lower() for x in org.valid_qualifications(self.day))
        r = org.region
        self._codes[:, row] = (
            self.qual_sets.of(quals),
            self.parks.of(r.park),
            self.cities.of(r.city),
            self.kinds.of(org.kind),
        )
        self._orgs.append(org)  # last: readers see only rows already written
        self._slot[id(org)] = row

    def arrays(self) -> tuple[I64, I64, I64, I64, I64]:
        """Segment codes (one row per organisation, padded with -1), qualification-set,
        park, city and kind codes."""
        n = len(self._orgs)
        c = self._codes
        return self._segs[:n], c[0, :n], c[1, :n], c[2, :n], c[3, :n]

    def qual_counts(self, codes: I64, q_quals: frozenset[str] | None) -> F64:
        """Per row's qualification-set code: the set's size, or its overlap with ``q_quals``
        if given (counted once per distinct set among the rows)."""
        uniq, inverse = np.unique(codes, return_inverse=True)
        sets = [self.qual_sets.values[int(c)] for c in uniq]
        if q_quals is None:
            counts = [len(s) for s in sets]  # type: ignore[arg-type]
        else:
            counts = [len(q_quals & s) for s in sets]  # type: ignore[operator]
        return np.array(counts, dtype=np.float64)[inverse]

    def relations(
        self, rows: I64, q_segments: Sequence[str], prefer: Sequence[ChainRelation]
    ) -> tuple[Relations, I64]:
        """Each row's most preferred relation to the query, as `Taxonomy.best_relation`
        finds it (the first segment pair in candidate-then-query order wins ties), and its
        code in ``ChainRelation`` order."""
        segs = self.arrays()[0][rows]
        rank_of = np.full(len(_RELATIONS) + 1, len(prefer) + 1, dtype=np.int64)
        for i, r in enumerate(prefer):
            rank_of[_RELATIONS.index(r)] = i
        # relation codes per (candidate segment, query segment); the pad column ranks last
        rel = np.stack([self._column(q)[segs] for q in q_segments], axis=2)
        ranks = rank_of[rel].reshape(len(rows), -1)
        best = np.argmin(ranks, axis=1)
        rows_at = np.arange(len(rows))
        found = ranks[rows_at, best] < len(prefer)
        kinds = np.where(found, rel.reshape(len(rows), -1)[rows_at, best], -1)
        c_at, q_at = np.divmod(best, len(q_segments))
        c_codes = segs[rows_at, c_at]
        return Relations(kinds, c_codes, q_at, self.segments.values, list(q_segments)), kinds

    def _column(self, q_segment: str) -> I64:
        """Relation codes of every known segment to one query segment; the last entry (for
        the -1 pad) is an impossible code that ranks below every relation."""
        col = self._columns.get(q_segment)
        names = self.segments.values
        if col is None or len(col) != len(names) + 1:
            rel = self.taxonomy.relation
            codes = [_RELATIONS.index(rel(str(s), q_segment)) for s in names]
            col = np.array([*codes, len(_RELATIONS)], dtype=np.int64)
            self._columns[q_segment] = col
        return col
