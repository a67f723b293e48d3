"""Vector indexes behind one small protocol: exact NumPy (the reference) and FAISS.

Ids are int64 statement ids chosen by the caller; a filter is the set of ids a search may
return, applied inside the search (FAISS IDSelector), never by trimming results afterwards.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable

import faiss
import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array

__all__ = [
    "ExactIndex",
    "FaissFlatIndex",
    "I64Array",
    "IndexKind",
    "VectorIndex",
    "faiss_threads",
    "make_index",
    "open_index",
    "set_faiss_threads",
]

I64Array = npt.NDArray[np.int64]
_SMALL_BATCH = 64  # query batches below this search single-threaded (see _few_threads)


class IndexKind(enum.StrEnum):
    EXACT = "exact"
    FAISS_FLAT = "faiss-flat"


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


def _check(ids: npt.ArrayLike, vectors: npt.ArrayLike, dim: int) -> tuple[I64Array, F32Array]:
    id_arr = np.asarray(ids, dtype=np.int64).reshape(-1)
    vec = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if vec.ndim != 2 or vec.shape[1] != dim:
        raise ValueError(f"expected vectors of shape (n, {dim}), got {vec.shape}")
    if len(id_arr) != len(vec):
        raise ValueError(f"{len(id_arr)} ids for {len(vec)} vectors")
    if len(np.unique(id_arr)) != len(id_arr):
        raise ValueError("duplicate ids in one upsert")
    return id_arr, vec


def _queries(vectors: npt.ArrayLike, dim: int, k: int) -> F32Array:
    q = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if q.ndim == 1:
        q = q.reshape(1, -1)
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValueError(f"expected query vectors of shape (n, {dim}), got {q.shape}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return q


def _atomic_write(path: Path, write: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)  # type: ignore[operator]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        id_arr, vec = _check(ids, vectors, self._dim)
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
        q = _queries(vectors, self._dim, k)
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

        _atomic_write(Path(path), write)

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
        id_arr, vec = _check(ids, vectors, self._dim)
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
        q = _queries(vectors, self._dim, k)
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
        _blas_for_every_batch()
        with _few_threads(len(q)):
            scores, ids = self._index.search(q, k, params=params)
        ids = ids.astype(np.int64)
        scores = np.where(ids < 0, -np.inf, scores).astype(np.float32)
        return scores, ids

    def save(self, path: Path) -> None:
        _atomic_write(Path(path), lambda tmp: faiss.write_index(self._index, tmp))

    @classmethod
    def load(cls, path: Path) -> FaissFlatIndex:
        raw = faiss.read_index(str(path))
        index = cls(int(raw.d))
        index._index = raw  # type: ignore[assignment]  # read_index returns the IDMap2
        return index


def set_faiss_threads(n: int) -> int:
    """FAISS's OpenMP threads for this process from now on; returns the previous count.

    The one place FAISS threads are set (the service, the evaluation, `faiss_threads`).
    """
    if n < 1:
        raise ValueError(f"FAISS needs at least one thread, got {n}")
    before = int(faiss.omp_get_max_threads())
    faiss.omp_set_num_threads(n)
    return before


@contextmanager
def faiss_threads(n: int) -> Iterator[None]:
    """FAISS searches on ``n`` OpenMP threads inside the block; the count is restored."""
    before = set_faiss_threads(n)
    try:
        yield
    finally:
        set_faiss_threads(before)


@contextmanager
def _few_threads(n_queries: int) -> Iterator[None]:
    """Small query batches run on one OpenMP thread.

    Measured here (2 cores, 2,000 × 256-d vectors, 5 queries): 19 ms per search with two
    OpenMP threads against 0.26 ms with one — waking the thread pool costs far more than
    the arithmetic. Large batches (evaluation) keep every thread.
    """
    if n_queries >= _SMALL_BATCH:
        yield
        return
    with faiss_threads(1):
        yield


@functools.cache
def _blas_for_every_batch() -> None:
    """Set once, before the first FAISS search: every batch, even one query, goes through
    BLAS (faiss-cpu's default threshold is 20 queries; one query's statements are fewer).

    Process-wide, as it was when set on import. Measured here (faiss-cpu 1.15.1, 2 shared
    cores, 30,000 × 384-d vectors, k = 200, one thread): bit-identical scores and ids
    either way, and no speed-up (5 queries: 65 ms with the default, 68 ms with BLAS); the
    gain it was set for does not reproduce on this machine. Kept so results do not move.
    """
    faiss.cvar.distance_compute_blas_threshold = 1


def make_index(kind: IndexKind, dim: int) -> ExactIndex | FaissFlatIndex:
    if kind is IndexKind.EXACT:
        return ExactIndex(dim)
    return FaissFlatIndex(dim)


def open_index(kind: IndexKind, path: Path) -> ExactIndex | FaissFlatIndex:
    if kind is IndexKind.EXACT:
        return ExactIndex.load(path)
    return FaissFlatIndex.load(path)


def write_json_atomic(path: Path, doc: object) -> None:
    """Small manifests next to index files get the same temp-file-and-rename treatment."""

    def write(tmp: str) -> None:
        Path(tmp).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")

    _atomic_write(path, write)
