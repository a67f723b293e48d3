"""Catalog-wide fits carried into a newer engine generation until they are refitted.

Fitting what the engine learns from the whole catalog (`ChainKnowledge`: supply links, demand,
segment transitions, need inference, the supply lookup's hub scores; BM25 over every
organisation's offers for `ask`) costs seconds on the demo park and minutes at 10⁵
organisations, so a catalog write does not wait for it: the new generation keeps the last
fit, keyed by the rows of the catalog it was fitted on, and a background refit replaces it.

What is stale, and how (until the next refit publishes):

- an organisation added since the fit gets 0 for every fitted supplier signal (coverage,
  inferred coverage, exact, peer suppliers, demand, segment transition, lexical) and, as a
  query, no peer-suppliers or transition prior;
- a changed organisation keeps those values of its previous version (its old offers count
  for coverage; as a query its old profile finds its peers);
- BM25 evidence (`ask`'s n-gram kind, the lexical signal) of an added or changed
  organisation is its new document folded into the fitted statistics
  (`LexicalIndex.fold_in`): what a refit gives, up to the shift of the corpus statistics;
- a removed one is gone from every answer at once (its values are simply not mapped);
- every other organisation's values are the fit's, computed on the previous catalog (e.g.
  demand still counts the needs of a removed organisation).

The semantic search, the stated-needs match (`Signal.STATED`), the substitute signals
(`matcher.peers`) and explanations are never stale: they come from the generation itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from catalog.models import Organisation
from embeddings.base import F32Array
from matcher.fusion import EvidenceKind
from matcher.knowledge import ChainKnowledge
from matcher.lexical import LexicalIndex
from matcher.rowmap import RowMap
from matcher.scoring import Aggregation, aggregate
from matcher.types import Signal

__all__ = ["Fitted", "StaleKnowledge", "StaleLexical", "remap"]


def remap(values: F32Array, src: npt.NDArray[np.int64]) -> F32Array:
    """Values per row of a newer catalog: ``values[src]``, 0 where ``src`` is −1."""
    out = np.zeros(len(src), dtype=np.float32)
    has = src >= 0
    out[has] = values[src[has]]
    return out


@dataclass(frozen=True)
class Fitted:
    """The catalog-wide fits of one catalog and the row of each of its organisations."""

    knowledge: ChainKnowledge | None
    lexical: Mapping[EvidenceKind, LexicalIndex]
    row: Mapping[str, int]
    documents: Sequence[str] = ()  # each organisation's offers as BM25 saw them

    def fresh_rows(
        self, src: npt.NDArray[np.int64], documents: Sequence[str]
    ) -> npt.NDArray[np.int64]:
        """Rows of a newer catalog whose document this fit never saw (new or changed)."""
        fitted = self.documents
        return np.asarray(
            [
                r
                for r, (s, d) in enumerate(zip(src.tolist(), documents, strict=True))
                if s < 0 or fitted[s] != d
            ],
            dtype=np.int64,
        )

    def source_rows(self, orgs: Sequence[Organisation]) -> npt.NDArray[np.int64]:
        """For each organisation of a newer catalog, its row in the fitted one (−1: new; a
        changed one keeps its old row: stale, see the module text)."""
        if isinstance(self.row, RowMap):  # a generation's map: look up in bulk
            return self.row.rows(o.id for o in orgs)
        return np.asarray([self.row.get(o.id, -1) for o in orgs], dtype=np.int64)


class StaleKnowledge(ChainKnowledge):
    """A fitted `ChainKnowledge` answering for a newer catalog through a row map."""

    def __init__(self, inner: ChainKnowledge, src: npt.NDArray[np.int64]) -> None:
        super().__init__(inner.signals, inner.inference, inner.supply)
        self.inner = inner
        self.src = src  # newer row → fitted row (−1: not in the fitted catalog)

    def supplier_signals(
        self,
        org: Organisation,
        row: int | None,
        *,
        stated: F32Array | None,
        needs: F32Array | None = None,
        infer: bool,
        limit: int,
        wanted: Collection[Signal],
    ) -> dict[Signal, F32Array]:
        """The fitted signals, mapped onto the newer rows; the stated-needs match comes from
        this generation's own search, so it is exact."""
        fitted_row = None
        if row is not None and self.src[row] >= 0:
            fitted_row = int(self.src[row])
        got = self.inner.supplier_signals(
            org,
            fitted_row,
            stated=None,
            needs=needs,
            infer=infer,
            limit=limit,
            wanted=[s for s in wanted if s is not Signal.STATED],
        )
        out = {s: remap(v, self.src) for s, v in got.items()}
        if stated is not None and Signal.STATED in wanted:
            power = aggregate(stated, Aggregation.POWER, power=8.0)
            out[Signal.STATED] = np.where(np.isfinite(power), power, 0.0).astype(np.float32)
        return out

    def on_candidates(
        self,
        org: Organisation,
        needs: F32Array | None,
        rows: npt.NDArray[np.int64],
        wanted: Collection[Signal],
    ) -> dict[Signal, F32Array]:
        """The fitted catalog's values of the candidates it knows; 0 for the new ones."""
        src = self.src[rows]
        known = src >= 0
        out: dict[Signal, F32Array] = {}
        for signal, values in self.inner.on_candidates(org, needs, src[known], wanted).items():
            out[signal] = np.zeros(len(rows), dtype=np.float32)
            out[signal][known] = values
        return out


class StaleLexical(LexicalIndex):
    """A BM25 index fitted on an older catalog, scoring the rows of a newer one: rows whose
    document is new (written since the fit) are scored by folding it in (`fold_in`)."""

    def __init__(
        self,
        inner: LexicalIndex,
        src: npt.NDArray[np.int64],
        fresh: npt.NDArray[np.int64],
        documents: Sequence[str],
    ) -> None:
        super().__init__(inner.k1, inner.b, inner.tokens)
        self.inner = inner
        self.src = src
        self.fresh = fresh  # rows whose document the fit never saw
        self.documents = [documents[int(r)] for r in fresh]
        self.n_docs_ = len(src)

    def scores(self, queries: Sequence[str], weights: Sequence[float] | None = None) -> F32Array:
        out = remap(self.inner.scores(queries, weights), self.src)
        if len(self.fresh):
            out[self.fresh] = self.inner.fold_in(queries, weights, self.documents)
        return out
