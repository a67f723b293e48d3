"""Background upkeep of an engine generation: refit its catalog-wide knowledge, fold its
overlays into plain indexes, and lay either under a newer generation of the same lineage.

`refit` gives exactly what a fresh engine over the same catalog learns (tested); the others
change no answer. `matcher.live.LiveEngine` runs them on its background thread.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from matcher.cancel import checkpoint
from matcher.engine import MatchEngine
from matcher.fusion import EvidenceKind
from matcher.generation import attach, carry
from matcher.index import VectorIndex
from matcher.overlay import OverlayIndex
from matcher.profiles import Space
from matcher.stale import Fitted

__all__ = ["compacted", "rebased", "refit", "with_fits"]


def refit(engine: MatchEngine) -> MatchEngine:
    """The same generation with its catalog-wide knowledge fitted on its own catalog: what
    a fresh engine would learn (its BM25 indexes too, built now rather than on first use)."""
    new = copy.copy(engine)
    new.hybrid = copy.copy(engine.hybrid)
    carry(new, Fitted(None, {}, new._row))
    new.learned()
    for kind in new.hybrid.kinds():
        if kind in (EvidenceKind.BM25, EvidenceKind.NGRAM):
            checkpoint()
            new.hybrid.lexical(kind)
    new.hybrid.warm()
    carry(new, Fitted(new._learned, dict(new.hybrid._lexical), new._row, new.hybrid.documents))
    return new


def with_fits(engine: MatchEngine, fitted: Fitted) -> MatchEngine:
    """``engine`` answering with ``fitted`` (a refit of it or of an older generation)."""
    new = copy.copy(engine)
    new.hybrid = copy.copy(engine.hybrid)
    carry(new, fitted)
    return new


def compacted(engine: MatchEngine) -> MatchEngine:
    """The same generation over plain indexes (overlays merged into copies of the base),
    its sparse rows one matrix again."""
    new = _with_indexes(engine, lambda space, ix: _plain(ix))
    if new.vectors.sparse is not None:
        new.vectors.sparse = new.vectors.sparse.packed()
    return new


def rebased(current: MatchEngine, packed: MatchEngine) -> MatchEngine:
    """``current`` over the plain indexes of ``packed`` (`compacted` of an older generation
    of ``current``'s lineage): writes published since stay in small overlays."""
    old, cur = packed.vectors, current.vectors

    def over(space: Space | None, ix: VectorIndex) -> VectorIndex:
        base = old.plain_ if space is None else old.indexes[space]
        if base is None or not isinstance(ix, OverlayIndex):
            return ix
        ids_space = Space.OFFERS if space is None else space
        base_live = np.sort(old.table.ids[old.table.mask(ids_space)])
        live = np.sort(cur.table.ids[cur.table.mask(ids_space)])
        return ix.rebased(base, base_live, live)

    return _with_indexes(current, over)


def _with_indexes(
    engine: MatchEngine, index_for: Callable[[Space | None, VectorIndex], VectorIndex]
) -> MatchEngine:
    """``engine`` with each index replaced (space None: the plain offers' index)."""
    new = copy.copy(engine)
    old = engine.vectors
    vectors = copy.copy(old)
    vectors.indexes = {s: _step(index_for, s, ix) for s, ix in old.indexes.items()}
    vectors.plain_ = index_for(None, old.plain_) if old.plain_ is not None else None
    vectors._ids_cache = dict(old._ids_cache)
    new.vectors = vectors
    attach(new, engine.lookup, engine.evidence)
    new.hybrid = copy.copy(engine.hybrid)
    new.hybrid.vectors = vectors
    if new._peers is not None:
        new._peers = copy.copy(new._peers)
        new._peers.vectors = vectors
    return new


def _step(
    index_for: Callable[[Space | None, VectorIndex], VectorIndex], space: Space, ix: VectorIndex
) -> VectorIndex:
    checkpoint()  # one index at a time: a closing LiveEngine stops a compaction between them
    return index_for(space, ix)


def _plain(index: VectorIndex) -> VectorIndex:
    return index.merged() if isinstance(index, OverlayIndex) else index
