"""Catalog-wide lookups of one engine: which organisations a question may reach, and the
best statement score of each organisation for a set of query vectors.

Split from `matcher.engine` so the engine reads as its verbs; these are the steps every
verb shares, and the ones whose cost grows with the catalog (see `allowed_rows` and
`StatementTable.rows_for_orgs`: both touch the allowed rows, never a Python pass over all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from catalog.errors import InvalidInputError
from catalog.models import Organisation
from embeddings.base import F32Array
from matcher.index import I64Array
from matcher.indexset import StatementIndex
from matcher.profiles import Space, StatementTable, profile_texts
from matcher.rank import SearchSide, allowed_rows
from matcher.scoring import best_per_org
from matcher.types import Filters

__all__ = ["CatalogLookup"]


@dataclass
class CatalogLookup:
    """The organisations, their statement rows and vectors, and how deep each search goes."""

    orgs: Sequence[Organisation]
    row: Mapping[str, int]
    table: StatementTable
    vectors: StatementIndex
    hits_per_statement: int
    today: dt.date | None = None

    def day(self) -> dt.date:
        return self.today or dt.date.today()

    def allowed(
        self,
        filters: Filters | None,
        exclude: str | None = None,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> I64Array | None:
        """Rows a question may reach (None: every row)."""
        flt = filters or Filters()
        return allowed_rows(self.orgs, self.row, flt, self.day(), exclude, filter_items, items)

    def side(
        self,
        org: Organisation,
        query_space: Space,
        target: Space,
        allowed: I64Array | None,
        vectors: F32Array | None = None,
        found: tuple[F32Array, I64Array] | None = None,
    ) -> SearchSide:
        """One side of a question: ``org``'s texts in ``query_space`` against ``target``;
        ``vectors`` when the caller already encoded the texts, ``found`` when it already
        searched them (`search_many`)."""
        texts = profile_texts(org, query_space)
        if found is None:
            if vectors is None:
                vectors = self.vectors.encode(query_space, texts)
            found = self.search(target, vectors, allowed)
        S, best = found
        return SearchSide(target, S, best, tuple(texts))

    def search(
        self, space: Space, queries: F32Array, allowed: I64Array | None
    ) -> tuple[F32Array, I64Array]:
        """Each query's best score per organisation, and the statement row behind it."""
        flt, excluded = self._limits(space, allowed)
        k = self.hits_per_statement
        scores, rows = self.vectors.search(space, queries, k, flt, excluded=excluded)
        return best_per_org(scores, rows, self.table.org, len(self.orgs))

    def search_many(
        self, space: Space, queries: Sequence[F32Array], allowed: Sequence[I64Array | None]
    ) -> list[tuple[F32Array, I64Array]]:
        """`search` of many query sets (a batch's organisations), the same answers: those
        that leave only a few statements out share one index search."""
        limits = [self._limits(space, a) for a in allowed]
        shared = [i for i, (flt, _) in enumerate(limits) if flt is None]
        left_out = [limits[i][1] for i in shared]
        found = self.vectors.search_excluding_many(
            space,
            [queries[i] for i in shared],
            self.hits_per_statement,
            [np.zeros(0, dtype=np.int64) if e is None else e for e in left_out],
        )
        hits = dict(zip(shared, found, strict=True))
        n, owner = len(self.orgs), self.table.org
        return [
            best_per_org(*hits[i], owner, n) if i in hits else self.search(space, q, a)
            for i, (q, a) in enumerate(zip(queries, allowed, strict=True))
        ]

    def _limits(
        self, space: Space, allowed: I64Array | None
    ) -> tuple[I64Array | None, I64Array | None]:
        """The statement ids a search may reach (filter) or, when those are most of the
        space, the ids it leaves out (excluded); None: no limit."""
        if not self.vectors:
            raise InvalidInputError("the engine has no index yet; call build() or load() first")
        n = len(self.orgs)
        if allowed is not None and 2 * len(allowed) > n:  # name the few left out
            keep = np.ones(n, dtype=bool)
            keep[allowed] = False
            excluded = self.table.ids[self.table.rows_for_orgs(np.flatnonzero(keep), space)]
            return None, excluded
        if allowed is not None:
            return self.table.ids[self.table.rows_for_orgs(allowed, space)], None
        return None, None
