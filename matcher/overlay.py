"""A statement index of one engine generation: a frozen base, a small exact delta, and
tombstones (an LSM-style overlay).

A catalog write must be visible at once without touching the index a reader is searching:
the base index (flat or IVF, possibly memory-mapped) is never mutated while a generation
uses it. The next generation shares that base and carries, as new small objects, the
vectors of statements written since (``delta``, a NumPy `ExactIndex`) and the base ids no
longer live (``tombstones``). Invariant: the live ids are ``(base − tombstones) ⊔ delta``;
an id written again after its removal lives in the delta and stays tombstoned in the base.

A search asks the base for ``k + |tombstones|`` hits (so dropping the tombstoned ones
still leaves its exact top-k, the argument of `matcher.indexset._search_excluding`), asks
the delta for ``k``, and merges by (score descending, id ascending) — the order
`ExactIndex` uses — so over an exact base the answer is the one a rebuilt index gives.
`merged` folds delta and tombstones into a new base (compaction), off the request path.

Example usage::

    gen1 = OverlayIndex(base).changed(remove=[11, 12], ids=[99], vectors=v)
    scores, ids = gen1.search(queries, 10)        # as if 11, 12 were gone and 99 indexed
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array
from matcher.distinct import DistinctIndex
from matcher.index import ExactIndex, FaissFlatIndex, FaissIVFIndex, VectorIndex
from matcher.index_io import I64Array, check_vectors, in_sorted, query_vectors

__all__ = ["OverlayIndex", "copy_index"]

_OVERFETCH = 1024  # up to this many tombstones a filtered base search over-fetches past them
_WIDE = 20_000  # ids: a filter an IVF base keeps prepared (`matcher.ivf`), worth keeping stable
_SENT = 4  # wide base filters remembered per lineage (ask: one per language)
_PREPARING = (FaissIVFIndex, DistinctIndex)  # bases that keep wide filters prepared


class _BaseFilters:
    """The wide filters a lineage of generations sent to its (shared, frozen) IVF base.

    The base keeps a wide filter prepared (sorted, hashed into a selector) and recognises
    it by content; a write changes `ask`'s per-language id lists, so each generation's first
    question paid the preparation again (a sort of 10⁶ ids at 10⁵ organisations). A filter
    that differs from one sent before only by tombstoned ids selects the same live vectors
    (tombstoned hits are dropped after an over-fetch), so the one sent before is sent again.
    """

    def __init__(self) -> None:
        self._sent: list[I64Array] = []  # newest last; replaced, never mutated (threads)

    def stable(self, wanted: I64Array, tombstones: I64Array) -> I64Array:
        """A filter the base already knows that selects what ``wanted`` does, or
        ``wanted`` itself (then remembered)."""
        for sent in reversed(self._sent):
            extra = len(sent) - len(wanted)
            if extra < 0 or extra > len(tombstones):
                continue
            rest = sent if extra == 0 else sent[~in_sorted(sent, tombstones)]
            if np.array_equal(rest, wanted):
                return sent
        self._sent = [*self._sent[-(_SENT - 1) :], wanted.copy()]
        return wanted


class OverlayIndex:
    """``base`` (frozen) minus ``tombstones`` plus ``delta``; immutable once built."""

    def __init__(
        self,
        base: VectorIndex,
        delta: ExactIndex | None = None,
        tombstones: I64Array | None = None,
        sent: _BaseFilters | None = None,
    ) -> None:
        self.base = base
        self.delta = delta if delta is not None else ExactIndex(base.dim)
        self.tombstones = np.zeros(0, np.int64) if tombstones is None else tombstones  # sorted
        self._sent = sent if sent is not None else _BaseFilters()  # shared by the lineage

    @property
    def dim(self) -> int:
        return self.base.dim

    @property
    def kind(self) -> object:
        return getattr(self.base, "kind", None)

    def __len__(self) -> int:
        return len(self.base) - len(self.tombstones) + len(self.delta)

    def pending(self) -> int:
        """Delta vectors plus tombstones: how far this generation is from its base."""
        return len(self.delta) + len(self.tombstones)

    def ids(self) -> I64Array:
        live = np.setdiff1d(self.base.ids(), self.tombstones, assume_unique=True)
        return np.union1d(live, self.delta.ids()).astype(np.int64)

    # ------------------------------------------------------------- generations
    def changed(
        self, *, remove: npt.ArrayLike, ids: npt.ArrayLike, vectors: npt.ArrayLike
    ) -> OverlayIndex:
        """The next generation: live ids ``remove`` gone, ``ids`` (not live here) added.
        Nothing of this generation is mutated: a reader searching it is unaffected."""
        gone = np.unique(np.asarray(remove, dtype=np.int64).reshape(-1))
        add_ids, add_vecs = check_vectors(ids, vectors, self.dim)
        delta_ids = self.delta.ids()
        in_delta = np.isin(gone, delta_ids)
        delta = ExactIndex(self.dim)
        # ExactIndex replaces its arrays on every change: sharing them is safe
        delta._ids, delta._vecs = self.delta._ids, self.delta._vecs
        if in_delta.any():
            delta.delete(gone[in_delta])
        if len(add_ids):
            delta.upsert(add_ids, add_vecs)
        tombstones = np.union1d(self.tombstones, gone[~in_delta]).astype(np.int64)
        return OverlayIndex(self.base, delta, tombstones, self._sent)

    def rebased(self, base: VectorIndex, base_live: I64Array, live: I64Array) -> OverlayIndex:
        """This generation over another ``base`` (a compaction of an older generation of
        the same lineage, holding ``base_live``): the ids of ``live`` it lacks come from
        this delta, the ones it has beyond ``live`` become tombstones."""
        tombstones = np.setdiff1d(base_live, live).astype(np.int64)
        came = np.setdiff1d(live, base_live)
        pos = np.zeros(0, np.int64)
        if len(came):
            order = np.argsort(self.delta._ids)
            at = np.searchsorted(self.delta._ids[order], came)
            pos = order[np.minimum(at, len(order) - 1)] if len(order) else pos
            if len(pos) != len(came) or not np.array_equal(self.delta._ids[pos], came):
                raise ValueError("rebased onto a base that is not an ancestor of this one")
        delta = ExactIndex(self.dim)
        if len(came):
            delta.upsert(came, self.delta._vecs[pos])
        return OverlayIndex(base, delta, tombstones)

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        raise TypeError("an engine generation's index is frozen; use changed()")

    def delete(self, ids: npt.ArrayLike) -> int:
        raise TypeError("an engine generation's index is frozen; use changed()")

    # ------------------------------------------------------------------ search
    def search(
        self, vectors: npt.ArrayLike, k: int, filter: npt.ArrayLike | None = None
    ) -> tuple[F32Array, I64Array]:
        """Inner-product top-k over the live ids: (scores, ids), each (n, k)."""
        q = query_vectors(vectors, self.dim, k)
        flt = None if filter is None else np.asarray(filter, dtype=np.int64).reshape(-1)
        tomb = self.tombstones
        base_flt = flt
        if flt is not None and len(tomb) > _OVERFETCH:  # many tombstones: filter them out
            base_flt = flt[~in_sorted(flt, tomb)]
            tomb = np.zeros(0, np.int64)
        elif flt is not None and len(flt) > _WIDE and isinstance(self.base, _PREPARING):
            in_base = flt if not len(self.delta) else flt[~in_sorted(flt, self._delta_sorted())]
            base_flt = self._sent.stable(in_base, tomb)
        parts = []
        if len(self.base):
            kk = min(len(self.base), k + len(tomb))
            s, i = self.base.search(q, kk, base_flt)
            if len(tomb):
                dead = in_sorted(i, tomb)
                s, i = np.where(dead, -np.inf, s), np.where(dead, -1, i)
            parts.append((s, i))
        if len(self.delta):
            # the few delta ids a (wide) filter allows, found without sorting the filter
            d_flt = None if flt is None else flt[in_sorted(flt, self._delta_sorted())]
            parts.append(self.delta.search(q, min(k, len(self.delta)), d_flt))
        if not parts:
            return (
                np.full((len(q), k), -np.inf, dtype=np.float32),
                np.full((len(q), k), -1, dtype=np.int64),
            )
        scores = np.concatenate([s for s, _ in parts], axis=1).astype(np.float32)
        ids = np.concatenate([i for _, i in parts], axis=1).astype(np.int64)
        key = np.where(ids < 0, np.iinfo(np.int64).max, ids)  # padding last among -inf
        order = np.lexsort((key, -scores), axis=1)[:, :k]
        out_s = np.take_along_axis(scores, order, axis=1)
        out_i = np.take_along_axis(ids, order, axis=1)
        if out_i.shape[1] < k:
            pad = k - out_i.shape[1]
            out_s = np.pad(out_s, ((0, 0), (0, pad)), constant_values=-np.inf)
            out_i = np.pad(out_i, ((0, 0), (0, pad)), constant_values=-1)
        return out_s, out_i

    def _delta_sorted(self) -> I64Array:
        return np.sort(self.delta._ids)

    # ------------------------------------------------------------- compaction
    def merged(self) -> VectorIndex:
        """A new plain index holding exactly the live vectors (the base is copied, never
        changed): IVF and flat remove and add natively on the copy."""
        if not self.pending():
            return self.base
        out = copy_index(self.base)
        if len(self.tombstones):
            out.delete(self.tombstones)
        if len(self.delta):
            out.upsert(self.delta._ids, self.delta._vecs)
        return out

    def save(self, path: Path) -> None:
        self.merged().save(path)


def copy_index(index: VectorIndex) -> VectorIndex:
    """An independent copy of a plain index (an overlay is merged first)."""
    if isinstance(index, OverlayIndex):
        return copy_index(index.merged())
    if isinstance(index, DistinctIndex):
        inner = copy_index(index.inner)
        if not isinstance(inner, FaissIVFIndex):
            raise TypeError(f"a copy of an IVF index is a {type(inner).__name__}")
        return index.copy(inner)
    if isinstance(index, ExactIndex):
        out = ExactIndex(index.dim)
        out._ids, out._vecs = index._ids, index._vecs  # replaced, never mutated, on change
        return out
    if isinstance(index, FaissFlatIndex):
        flat = FaissFlatIndex(index.dim)
        flat._index = faiss.clone_index(index._index)  # type: ignore[assignment]
        return flat
    if isinstance(index, FaissIVFIndex):
        ivf = FaissIVFIndex(
            index.dim,
            nlist=index.nlist,
            nprobe=index.nprobe,
            sq8=index.sq8,
            exact_limit=index.exact_limit,
            train_max=index.train_max,
            probe_share=index.probe_share,
        )
        if index._mapped is not None:  # read the lists into memory; the base stays mapped
            ivf._index = faiss.read_index(str(index._mapped))  # type: ignore[assignment]
        elif index._index is not None:
            ivf._index = faiss.clone_index(index._index)  # type: ignore[assignment]
        ivf._ids = index._ids.copy()
        return ivf
    raise TypeError(f"cannot copy a {type(index).__name__}")
