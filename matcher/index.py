"""Vector indexes behind one small protocol: exact NumPy (the reference) and FAISS.

Ids are int64 statement ids chosen by the caller; a filter is the set of ids a search may
return, applied inside the search (FAISS IDSelector), never by trimming results afterwards.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import faiss
import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array
from matcher.index_io import (
    APPROXIMATE_ABOVE,
    TIE_MARGIN,
    I64Array,
    IndexKind,
    atomic_write,
    blas_for_every_batch,
    check_vectors,
    faiss_threads,
    few_threads,
    query_vectors,
    set_faiss_threads,
    tie_stable,
    write_json_atomic,
)
from matcher.ivf import FaissIVFIndex

if TYPE_CHECKING:
    from matcher.milvus import MilvusIndex

__all__ = [
    "APPROXIMATE_ABOVE",
    "AnyIndex",
    "ExactIndex",
    "FaissFlatIndex",
    "FaissIVFIndex",
    "I64Array",
    "IndexKind",
    "VectorIndex",
    "faiss_threads",
    "make_index",
    "open_index",
    "set_faiss_threads",
    "write_json_atomic",
]


@runtime_checkable
class VectorIndex(Protocol):
    @property
    def dim(self) -> int: ...

    def __len__(self) -> int: ...

    def ids(self) -> I64Array: ...

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None: ...

    def delete(self, ids: npt.ArrayLike) -> int: ...

    def search(
        self, vectors: npt.ArrayLike, k: int, filter: npt.ArrayLike | None = None
    ) -> tuple[F32Array, I64Array]:
        """Inner-product top-k: (scores, ids), each (n, k); missing slots are (-inf, -1)."""
        ...

    def save(self, path: Path) -> None: ...


class ExactIndex:
    """Brute-force NumPy search: slow at scale, obviously right; the reference for tests."""

    kind = IndexKind.EXACT

    def __init__(self, dim: int) -> None:
        self._dim = dim
        self._ids = np.zeros(0, dtype=np.int64)
        self._vecs = np.zeros((0, dim), dtype=np.float32)

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> I64Array:
        return self._ids.copy()

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        id_arr, vec = check_vectors(ids, vectors, self._dim)
        keep = ~np.isin(self._ids, id_arr)
        self._ids = np.concatenate([self._ids[keep], id_arr])
        self._vecs = np.concatenate([self._vecs[keep], vec])

    def delete(self, ids: npt.ArrayLike) -> int:
        drop = np.isin(self._ids, np.asarray(ids, dtype=np.int64))
        self._ids, self._vecs = self._ids[~drop], self._vecs[~drop]
        return int(drop.sum())

    def search(
        self, vectors: npt.ArrayLike, k: int, filter: npt.ArrayLike | None = None
    ) -> tuple[F32Array, I64Array]:
        q = query_vectors(vectors, self._dim, k)
        ids, vecs = self._ids, self._vecs
        if filter is not None:
            mask = np.isin(ids, np.asarray(filter, dtype=np.int64))
            ids, vecs = ids[mask], vecs[mask]
        scores = np.full((len(q), k), -np.inf, dtype=np.float32)
        out = np.full((len(q), k), -1, dtype=np.int64)
        if len(ids) == 0:
            return scores, out
        sims = q @ vecs.T
        kk = min(k, len(ids))
        # stable sort on (-score, id) so ties resolve the same way every time
        order = np.lexsort((np.broadcast_to(ids, sims.shape), -sims), axis=1)[:, :kk]
        scores[:, :kk] = np.take_along_axis(sims, order, axis=1)
        out[:, :kk] = ids[order]
        return scores, out

    def save(self, path: Path) -> None:
        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.savez(fh, ids=self._ids, vecs=self._vecs)

        atomic_write(Path(path), write)

    @classmethod
    def load(cls, path: Path) -> ExactIndex:
        with np.load(path) as data:
            index = cls(int(data["vecs"].shape[1]))
            index._ids, index._vecs = data["ids"], data["vecs"]
        return index


class FaissFlatIndex:
    """FAISS ``IndexIDMap2(IndexFlatIP)``: exact inner product, fine to ~10⁵ vectors."""

    kind = IndexKind.FAISS_FLAT

    def __init__(self, dim: int) -> None:
        self._dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def ids(self) -> I64Array:
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        id_arr, vec = check_vectors(ids, vectors, self._dim)
        self.delete(id_arr)
        if len(id_arr):
            self._index.add_with_ids(vec, id_arr)

    def delete(self, ids: npt.ArrayLike) -> int:
        id_arr = np.ascontiguousarray(np.asarray(ids, dtype=np.int64).reshape(-1))
        if len(id_arr) == 0 or self._index.ntotal == 0:
            return 0
        return int(self._index.remove_ids(faiss.IDSelectorBatch(id_arr)))

    def search(
        self, vectors: npt.ArrayLike, k: int, filter: npt.ArrayLike | None = None
    ) -> tuple[F32Array, I64Array]:
        q = query_vectors(vectors, self._dim, k)
        params = None
        if filter is not None:
            allowed = np.ascontiguousarray(np.asarray(filter, dtype=np.int64).reshape(-1))
            if len(allowed) == 0:
                return (
                    np.full((len(q), k), -np.inf, dtype=np.float32),
                    np.full((len(q), k), -1, dtype=np.int64),
                )
            selector = faiss.IDSelectorBatch(allowed)
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        blas_for_every_batch()

        def fetch(rows: I64Array, kk: int) -> tuple[F32Array, I64Array]:
            with few_threads(len(rows)):
                found: tuple[F32Array, I64Array] = self._index.search(q[rows], kk, params=params)
            return found

        return tie_stable(fetch, len(q), k, len(self), first=k + TIE_MARGIN)

    def save(self, path: Path) -> None:
        atomic_write(Path(path), lambda tmp: faiss.write_index(self._index, tmp))

    @classmethod
    def load(cls, path: Path) -> FaissFlatIndex:
        raw = faiss.read_index(str(path))
        index = cls(int(raw.d))
        index._index = raw  # type: ignore[assignment]  # read_index returns the IDMap2
        return index


AnyIndex = ExactIndex | FaissFlatIndex | FaissIVFIndex


def _milvus() -> type[MilvusIndex]:
    """`MilvusIndex`, imported on first use: pymilvus is an optional extra."""
    try:
        from matcher.milvus import MilvusIndex
    except ImportError as exc:
        raise RuntimeError(
            "the Milvus index is not available. To install: pip install 'chainmatch[milvus]'"
        ) from exc
    return MilvusIndex


def make_index(
    kind: IndexKind, dim: int, size: int = 0, *, milvus_uri: str | None = None
) -> AnyIndex | MilvusIndex:
    """An empty index of ``kind``; `IndexKind.AUTO` picks by ``size``, the number of
    vectors it is about to hold (`IndexKind.for_size`). ``milvus_uri``: where an
    `IndexKind.MILVUS` index keeps its collection (a milvus-lite ``.db`` path or a server)."""
    concrete = kind.for_size(size)
    if concrete is IndexKind.MILVUS:
        if not milvus_uri:
            raise ValueError("index kind milvus needs a Milvus URI (CHAINMATCH_MILVUS_URI)")
        return _milvus()(dim, uri=milvus_uri)
    if concrete is IndexKind.EXACT:
        return ExactIndex(dim)
    if concrete is IndexKind.FAISS_IVF:
        return FaissIVFIndex(dim)
    return FaissFlatIndex(dim)


def open_index(
    kind: IndexKind, path: Path, *, milvus_uri: str | None = None
) -> AnyIndex | MilvusIndex:
    """A saved index; for `IndexKind.AUTO` the file says which one it is (a FAISS IVF
    file opens with ``Iw``, memory-mapped; anything else is the flat ``IndexIDMap2``). A
    Milvus pointer to another server than ``milvus_uri`` is a ValueError (rebuild there)."""
    if kind is IndexKind.MILVUS:
        return _milvus().load(path, uri=milvus_uri)
    if kind is IndexKind.EXACT:
        return ExactIndex.load(path)
    if kind is IndexKind.FAISS_IVF:
        return FaissIVFIndex.load(path)
    if kind is IndexKind.AUTO:
        with open(path, "rb") as fh:
            if fh.read(2) == b"Iw":
                return FaissIVFIndex.load(path)
    return FaissFlatIndex.load(path)
