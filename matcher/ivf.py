"""Approximate search for large catalogs: FAISS IVF (inverted lists) behind `VectorIndex`.

Why IVF and not HNSW: a catalog write must be visible at once, and HNSW cannot remove a
vector (it would need tombstones filtered in every search and periodic rebuilds), while
IVF removes natively (``remove_ids``), keeps a hash-table direct map so a vector can be
read back by id, memory-maps its inverted lists on load (``IO_FLAG_MMAP``), and applies an
`IDSelector` inside the search like the flat index. Optionally 8-bit scalar quantised
(``sq8``: a quarter of the memory, scores within ≈ 1e-3).

Search is approximate only where it must be: a filter admitting at most ``exact_limit``
vectors (or a small share of the index) is scored exactly over those vectors, so a narrow
filter never loses its true neighbours to unprobed lists; a wide filter probes
proportionally more lists. Deletes and upserts are exact.

The lists are trained on the first upsert (k-means over up to ``train_max`` vectors, a
fixed seed); vectors added later are assigned to those lists, so a catalog that grows by
an order of magnitude should be rebuilt (``chainmatch index rebuild``).

Example usage::

    index = FaissIVFIndex(384, nprobe=48)
    index.upsert(ids, vectors)
    scores, hits = index.search(queries, 200, filter=allowed_ids)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array
from matcher import listmajor
from matcher.index_io import (
    I64Array,
    IndexKind,
    atomic_write,
    blas_for_every_batch,
    check_vectors,
    exact_scores,
    few_threads,
    query_vectors,
    tie_stable,
)

__all__ = ["DEFAULT_PROBE_SHARE", "FaissIVFIndex", "default_nlist"]

_SEED = 20261121
DEFAULT_PROBE_SHARE = 1 / 12  # of the lists an unfiltered query scans (`probes`)
# Wide filters kept prepared per index, least recently used dropped first: `ask` passes the
# same per-language id lists with every question (two languages at most), each up to the
# whole offer space, and then its candidates' statements (new each time; wide at 10⁵
# organisations). Two slots, first-in first-out, let the candidates evict a language list
# on every question (each then re-sorted and re-hashed: ~1 s of an ask at 10⁵).
_PREPARED = 4
_PREPARE_ABOVE = 20_000  # ids; a shorter filter is cheap to prepare and rarely repeats


@dataclass
class _Prepared:
    """One filter as passed (to recognise it), its ids present in the index (sorted), and
    its FAISS selector once a search needed one."""

    raw: I64Array
    allowed: I64Array
    selector: faiss.IDSelectorBatch | None = None


def default_nlist(n: int) -> int:
    """Inverted lists for ``n`` training vectors: about 4·√n, at least 39 points each
    (FAISS's k-means minimum)."""
    return int(max(1, min(4 * math.sqrt(max(n, 1)), n // 39)))


class FaissIVFIndex:
    """FAISS ``IndexIVFFlat`` (or IVF-SQ8) over inner product, with exact narrow filters."""

    kind = IndexKind.FAISS_IVF

    def __init__(
        self,
        dim: int,
        *,
        nlist: int | None = None,
        nprobe: int | None = None,
        sq8: bool = False,
        exact_limit: int = 20_000,
        train_max: int = 100_000,
        probe_share: float = DEFAULT_PROBE_SHARE,
    ) -> None:
        if not 0 < probe_share <= 1:
            raise ValueError(f"probe_share must be in (0, 1], got {probe_share}")
        self._dim = dim
        self.nlist = nlist
        self.nprobe = nprobe
        self.probe_share = probe_share
        self.sq8 = sq8
        self.exact_limit = exact_limit
        self.train_max = train_max
        self._index: faiss.IndexIVF | None = None
        self._ids = np.zeros(0, dtype=np.int64)  # sorted: membership without FAISS
        self._mapped: Path | None = None  # lists memory-mapped from this file (read-only)
        self._prepared: list[_Prepared] = []  # newest last; cleared by every write

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> I64Array:
        return self._ids.copy()

    @property
    def lists(self) -> int:
        return 0 if self._index is None else int(self._index.nlist)

    def probes(self) -> int:
        """Lists one unfiltered query scans: ``nprobe``, else ``probe_share`` of them (≥ 16)."""
        if self.nprobe is not None:
            return max(1, min(self.nprobe, self.lists))
        return max(1, min(self.lists, max(16, int(self.lists * self.probe_share + 1e-9))))

    # ------------------------------------------------------------------ writes
    def _writable(self) -> faiss.IndexIVF:
        if self._mapped is not None:  # copy the mapped lists into memory on the first write
            self._index = _read_ivf(self._mapped, 0)
            self._mapped = None
        if self._index is None:
            raise RuntimeError("the IVF index is not trained yet")
        return self._index

    def _train(self, vec: F32Array) -> None:
        n = len(vec)
        # about 4·√n lists, but never fewer than 39 training points per list
        nlist = self.nlist or min(default_nlist(n), max(1, min(n, self.train_max) // 39))
        quantizer = faiss.IndexFlatIP(self._dim)
        index: faiss.IndexIVF
        if self.sq8:
            index = faiss.IndexIVFScalarQuantizer(
                quantizer,
                self._dim,
                nlist,
                faiss.ScalarQuantizer.QT_8bit,
                faiss.METRIC_INNER_PRODUCT,
            )
        else:
            index = faiss.IndexIVFFlat(quantizer, self._dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = 10
        index.cp.seed = _SEED
        rng = np.random.default_rng(_SEED)
        sample = vec if n <= self.train_max else vec[rng.choice(n, self.train_max, replace=False)]
        index.train(np.ascontiguousarray(sample))
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
        self._index = index

    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        id_arr, vec = check_vectors(ids, vectors, self._dim)
        if len(id_arr) == 0:
            return
        if self._index is None and self._mapped is None:
            self._train(vec)
        self.delete(id_arr)
        self._writable().add_with_ids(vec, id_arr)
        self._ids = np.union1d(self._ids, id_arr)
        self._prepared = []

    def delete(self, ids: npt.ArrayLike) -> int:
        want = np.unique(np.asarray(ids, dtype=np.int64).reshape(-1))
        present = want[self._has(want)]
        if len(present) == 0:
            return 0
        # the hash-table direct map removes by an explicit id array only
        removed = int(self._writable().remove_ids(faiss.IDSelectorArray(present)))
        self._ids = np.setdiff1d(self._ids, present, assume_unique=True)
        self._prepared = []
        return removed

    def _has(self, ids: I64Array) -> npt.NDArray[np.bool_]:
        if len(self._ids) == 0:
            return np.zeros(len(ids), dtype=bool)
        pos = np.clip(np.searchsorted(self._ids, ids), 0, len(self._ids) - 1)
        found: npt.NDArray[np.bool_] = self._ids[pos] == ids
        return found

    def vectors(self, ids: npt.ArrayLike) -> F32Array:
        """The held vectors of ``ids`` (each must be held), read back through the direct map."""
        if self._index is None:
            raise RuntimeError("the IVF index is not trained yet")
        found: F32Array = self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))
        return found

    # ------------------------------------------------------------------ search
    def search(
        self,
        vectors: npt.ArrayLike,
        k: int,
        filter: npt.ArrayLike | None = None,
        *,
        exact: bool | None = None,
        first: int | None = None,
    ) -> tuple[F32Array, I64Array]:
        """``exact``: score a filter's vectors exactly (True) or probe (False) instead of
        choosing by its size (`DistinctIndex` chooses by its statements, not its vectors);
        ``first``: the first fetch's depth (`tie_stable`; the same hits at any depth)."""
        q = query_vectors(vectors, self._dim, k)
        empty = (
            np.full((len(q), k), -np.inf, dtype=np.float32),
            np.full((len(q), k), -1, dtype=np.int64),
        )
        if self._index is None and self._mapped is None or len(self._ids) == 0:
            return empty
        index = self._index
        if index is None:
            raise RuntimeError("the IVF index is not loaded")
        probes = self.probes()
        params = faiss.SearchParametersIVF(nprobe=probes)  # type: ignore[call-arg]
        if filter is not None:
            prepared = self._prepare(np.asarray(filter, dtype=np.int64).reshape(-1))
            allowed = prepared.allowed
            if len(allowed) == 0:
                return empty
            share = len(allowed) / len(self._ids)
            if exact is None:
                exact = len(allowed) <= max(self.exact_limit, k) or share < 0.02
            if exact:
                return self._exact(q, k, allowed, first)
            if prepared.selector is None:
                prepared.selector = faiss.IDSelectorBatch(allowed)
            # a filter keeping a share of the vectors probes 1/share as many lists
            wider = min(self.lists, math.ceil(probes / share))
            params = faiss.SearchParametersIVF(  # type: ignore[call-arg]
                sel=prepared.selector, nprobe=wider
            )
        blas_for_every_batch()

        # a batch without a filter reads each list once (`matcher.listmajor`: the same hits)
        by_list = filter is None and len(q) >= listmajor.MIN_QUERIES and listmajor.supports(index)

        def fetch(rows: I64Array, kk: int) -> tuple[F32Array, I64Array]:
            with few_threads(len(rows)):
                if by_list and len(rows) >= listmajor.MIN_QUERIES:
                    return listmajor.list_major_search(index, q[rows], kk, probes)
                found: tuple[F32Array, I64Array] = index.search(q[rows], kk, params=params)
            return found

        return tie_stable(fetch, len(q), k, len(self._ids), first=first)

    def _prepare(self, raw: I64Array) -> _Prepared:
        """``raw``'s distinct ids present in the index, sorted; a wide filter seen before
        comes back prepared. Recognised by its content (a length check, then a memory
        compare), so the same ids give the same search. At 10⁵ organisations sorting a
        10⁶-id language filter and hashing it into a selector was ~70 % of an `ask`."""
        for seen in reversed(self._prepared):
            if len(seen.raw) == len(raw) and np.array_equal(seen.raw, raw):
                if seen is not self._prepared[-1]:  # most recently used last (replaced)
                    self._prepared = [*(p for p in self._prepared if p is not seen), seen]
                return seen
        allowed = np.unique(raw)
        prepared = _Prepared(raw, allowed[self._has(allowed)])
        if len(raw) > _PREPARE_ABOVE:  # a copy: the caller's array may change later
            prepared.raw = raw.copy()
            self._prepared = [*self._prepared[-(_PREPARED - 1) :], prepared]
        return prepared

    def _exact(
        self, q: F32Array, k: int, allowed: I64Array, first: int | None = None
    ) -> tuple[F32Array, I64Array]:
        """Top-k over ``allowed`` only, every vector read back and scored."""
        if self._index is None:
            raise RuntimeError("the IVF index is not loaded")
        vecs = self._index.reconstruct_batch(allowed)
        sims = exact_scores(q, vecs)

        def fetch(rows: I64Array, kk: int) -> tuple[F32Array, I64Array]:
            part = sims[rows]
            if kk < len(allowed):  # the kk best, in no order (`tie_stable` sorts them)
                cand = np.argpartition(-part, kk - 1, axis=1)[:, :kk]
                return np.take_along_axis(part, cand, axis=1), allowed[cand]
            return part, np.broadcast_to(allowed, part.shape)

        return tie_stable(fetch, len(q), k, len(allowed), first=first)

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        if self._mapped is not None:
            self._writable()  # write_index needs the lists in memory
        index = self._index
        if index is None:
            raise RuntimeError("an untrained IVF index has nothing to save")
        atomic_write(Path(path), lambda tmp: faiss.write_index(index, tmp))

    @classmethod
    def load(cls, path: Path, *, mmap: bool = True) -> FaissIVFIndex:
        """Open a saved index; with ``mmap`` its lists stay on disk, paged in as searched
        (the first write copies them into memory)."""
        ivf = _read_ivf(Path(path), faiss.IO_FLAG_MMAP if mmap else 0)
        index = cls(int(ivf.d))  # search settings are the class's; lists come from the file
        index._index = ivf
        index._mapped = Path(path) if mmap else None
        lists = ivf.invlists
        if lists is None:
            raise ValueError(f"{path}: an IVF index without inverted lists")
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
            for i in range(ivf.nlist)
            if lists.list_size(i)
        ]
        index._ids = np.sort(np.concatenate(parts)).astype(np.int64) if parts else index._ids
        return index


def _read_ivf(path: Path, flags: int) -> faiss.IndexIVF:
    raw = faiss.read_index(str(path), flags)
    if not isinstance(raw, faiss.IndexIVF):  # read_index returns the concrete class
        raise ValueError(f"{path} holds a {type(raw).__name__}, not an IVF index")
    return raw
