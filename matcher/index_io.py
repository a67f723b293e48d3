"""What every vector index shares: input checks, atomic file writes, FAISS threads.

Kept apart from the index classes so that the exact, flat and IVF indexes (`matcher.index`,
`matcher.ivf`) share one copy without importing each other.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array

__all__ = [
    "APPROXIMATE_ABOVE",
    "I64Array",
    "TIE_MARGIN",
    "IndexKind",
    "as_vectors",
    "atomic_write",
    "blas_for_every_batch",
    "check_ids",
    "check_vectors",
    "exact_scores",
    "faiss_threads",
    "few_threads",
    "in_sorted",
    "query_vectors",
    "set_faiss_threads",
    "tie_stable",
    "write_json_atomic",
]

I64Array = npt.NDArray[np.int64]
_SMALL_BATCH = 64  # query batches below this search single-threaded (see few_threads)
# `IndexKind.AUTO` indexes a space holding more vectors than this approximately (FAISS IVF),
# and exactly (FAISS flat) below: the measurements put the exact scan at ≈ 120 ms
# for 2·10⁵ statements, the point past which the demo latency target no longer holds.
APPROXIMATE_ABOVE = 200_000
# Hits first fetched for a top-k: 4k (at least k + 16), so that a tie group at the cut is
# seen whole. At 10⁵ generated organisations (repeated statement texts) a 200-hit search
# fetching k + 25 re-searched half its queries, some three times (+77 % of the scans);
# fetching 800 instead of 230 costs ≈ 3 % on the IVF scan (heap work, not distances).
TIE_MARGIN = 16
_TIE_DEPTH = 4
_LAST_ID = np.iinfo(np.int64).max  # a missing hit (id −1) sorts after every real one


class IndexKind(enum.StrEnum):
    """Which vector index holds a space's statements."""

    EXACT = "exact"  # NumPy brute force: the reference
    FAISS_FLAT = "faiss-flat"  # exact FAISS scan
    FAISS_IVF = "faiss-ivf"  # approximate: inverted lists (`matcher.ivf`)
    AUTO = "auto"  # flat up to APPROXIMATE_ABOVE vectors, IVF above
    MILVUS = "milvus"  # a Milvus collection (`matcher.milvus`): lite file or cluster; never AUTO

    def for_size(self, n: int) -> IndexKind:
        """The concrete kind for a space of ``n`` vectors."""
        if self is not IndexKind.AUTO:
            return self
        return IndexKind.FAISS_IVF if n > APPROXIMATE_ABOVE else IndexKind.FAISS_FLAT


def as_vectors(vectors: npt.ArrayLike, dim: int) -> F32Array:
    vec = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if vec.ndim != 2 or vec.shape[1] != dim:
        raise ValueError(f"expected vectors of shape (n, {dim}), got {vec.shape}")
    return vec


def check_ids(ids: npt.ArrayLike, n: int, of: str = "vectors") -> I64Array:
    """``ids`` as int64, one per each of ``n`` ``of``, none twice."""
    id_arr = np.asarray(ids, dtype=np.int64).reshape(-1)
    if len(id_arr) != n:
        raise ValueError(f"{len(id_arr)} ids for {n} {of}")
    if len(np.unique(id_arr)) != len(id_arr):
        raise ValueError("duplicate ids in one upsert")
    return id_arr


def check_vectors(
    ids: npt.ArrayLike, vectors: npt.ArrayLike, dim: int
) -> tuple[I64Array, F32Array]:
    vec = as_vectors(vectors, dim)
    return check_ids(ids, len(vec)), vec


def query_vectors(vectors: npt.ArrayLike, dim: int, k: int) -> F32Array:
    q = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if q.ndim == 1:
        q = q.reshape(1, -1)
    if q.ndim != 2 or q.shape[1] != dim:
        raise ValueError(f"expected query vectors of shape (n, {dim}), got {q.shape}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return q


def tie_stable(
    fetch: Callable[[I64Array, int], tuple[F32Array, I64Array]],
    n: int,
    k: int,
    size: int,
    *,
    first: int | None = None,
) -> tuple[F32Array, I64Array]:
    """Top-``k`` of ``n`` queries with equal scores in id order, lowest first.

    ``fetch(rows, kk)`` is a raw search of the query rows ``rows`` for ``kk`` hits (scores,
    ids; −1 where missing); ``size`` bounds what it can find. A raw FAISS top-k cuts a
    group of equal scores wherever its scan reaches them (flat: insertion order, IVF: list
    order), so repeated statement texts gave the flat and the IVF index different ids at the
    cut. Fetches 4k, sorts by (−score, id), and fetches four times as deep for a row
    whose tie group at position k runs to the end of its hits. ``first`` overrides the
    first depth: a flat index, whose every fetch is one scan, asks k + `TIE_MARGIN` (on the
    demo park the 4k heap and sort made find_substitutes 3.2 → 4.4 ms a query). Only rows
    holding equal (or unordered) scores are re-sorted; FAISS returns the others in order."""
    scores = np.full((n, k), -np.inf, dtype=np.float32)
    out = np.full((n, k), -1, dtype=np.int64)
    rows = np.arange(n, dtype=np.int64)
    deep = first if first is not None else k + max(TIE_MARGIN, (_TIE_DEPTH - 1) * k)
    kk = max(k, min(size, deep))  # no deeper than size
    while len(rows):
        got_scores, got = fetch(rows, kk)
        got = got.astype(np.int64)
        got_scores = np.where(got < 0, -np.inf, got_scores).astype(np.float32)
        tied = (got_scores[:, 1:] >= got_scores[:, :-1]).any(axis=1)  # ties, or out of order
        if tied.any():
            ts, tg = got_scores[tied], got[tied]
            order = np.lexsort((np.where(tg < 0, _LAST_ID, tg), -ts), axis=1)
            got_scores[tied] = np.take_along_axis(ts, order, axis=1)
            got[tied] = np.take_along_axis(tg, order, axis=1)
        width = min(k, got.shape[1])
        scores[rows, :width], out[rows, :width] = got_scores[:, :width], got[:, :width]
        if kk >= size or got.shape[1] <= k:
            break
        cut, last = got_scores[:, k - 1], got_scores[:, -1]
        open_ended = (got[:, -1] >= 0) & (cut == last) & np.isfinite(cut)
        rows, kk = rows[open_ended], min(_TIE_DEPTH * kk, size)
    out = np.where(np.isfinite(scores), out, -1)
    return scores, out


def atomic_write(path: Path, write: Callable[[str], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
def few_threads(n_queries: int) -> Iterator[None]:
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
def blas_for_every_batch() -> None:
    """Set once, before the first FAISS search: every batch, even one query, goes through
    BLAS (faiss-cpu's default threshold is 20 queries; one query's statements are fewer).

    Process-wide, as it was when set on import. Measured here (faiss-cpu 1.15.1, 2 shared
    cores, 30,000 × 384-d vectors, k = 200, one thread): bit-identical scores and ids
    either way, and no speed-up (5 queries: 65 ms with the default, 68 ms with BLAS); the
    gain it was set for does not reproduce on this machine. Kept so results do not move.
    """
    faiss.cvar.distance_compute_blas_threshold = 1


def exact_scores(queries: F32Array, vectors: F32Array) -> F32Array:
    """(queries × vectors) inner products with every pair summed by the same loop, so
    equal vectors score equally wherever they sit: the tie-stable cut then orders copies
    by id. OpenBLAS's sgemm and sgemv do not promise it: on an AMD EPYC (Zen kernels) a
    vector repeated 1–4,097 times scored in more than one way in 1,598 of 3,195 cases
    (d = 16 … 385), while `np.einsum` (no BLAS) scored each the same (0 of 3,195); it
    costs 2.5 against 1.9 ms for one query over 20,000 × 384-d vectors."""
    out: F32Array = np.einsum("ij,kj->ik", queries, vectors)
    return out


def write_json_atomic(path: Path, doc: object) -> None:
    """Small manifests next to index files get the same temp-file-and-rename treatment."""

    def write(tmp: str) -> None:
        Path(tmp).write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")

    atomic_write(path, write)


def in_sorted(values: I64Array, sorted_set: I64Array) -> npt.NDArray[np.bool_]:
    """``values`` (any shape) found in the sorted array ``sorted_set``."""
    if len(sorted_set) == 0:
        return np.zeros(values.shape, dtype=bool)
    pos = np.clip(np.searchsorted(sorted_set, values), 0, len(sorted_set) - 1)
    found: npt.NDArray[np.bool_] = sorted_set[pos] == values
    return found
