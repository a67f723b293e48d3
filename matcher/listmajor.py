"""FAISS's own answer to a large batch of IVF-Flat inner-product queries, reading each
inverted list once per batch instead of once per query.

A batch job (every organisation's needs at 10⁵ organisations: ≈ 550 queries a chunk, each
probing a third of the lists) spent most of its search re-reading the same lists from
memory, one query at a time. Here each probed list is scored once, as one BLAS product
against all the queries probing it; that product only *bounds* where each query's top k
can be, and FAISS then scores those few candidates itself, with the coarse assignment and
the kernel of its own search. The answer is therefore FAISS's, to the bit:

- ``t`` = the k-th largest of the per-list best ``_TOP`` BLAS scores of a query: k distinct
  vectors score at least ``t``, so FAISS's k-th best score is at least ``t − δ``;
- δ bounds the gap between two summation orders of one dot product: both BLAS and FAISS
  are within γ_d·|q|·|x| of the exact value (γ_d ≈ d·2⁻²⁴), so a vector in FAISS's top k has
  a BLAS score above ``t − 2δ``; every such vector is a candidate (with a 4× margin);
- FAISS searches each query over its own probed lists with the candidates as an
  `IDSelector` (`search_preassigned`, the assignment of the whole batch, as `search` makes
  it): the same scores, and the same hits up to the order of equal scores at the cut,
  which `tie_stable` settles by id for every caller.

On the 10⁵ engine's offers index (51,721 vectors, 909 lists, 303 probed) one chunk's 550
queries at depth 240 took 0.81 s through `IndexIVF.search` (see `FaissIVFIndex.search`).
"""

from __future__ import annotations

import faiss
import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array
from matcher.index_io import I64Array

__all__ = ["MIN_QUERIES", "list_major_search", "supports"]

MIN_QUERIES = 64  # a smaller batch reads little twice: FAISS's own search is as fast
_TOP = 8  # best scores kept per (query, list) for the bound
_MARGIN = 4.0  # times the two-order rounding bound δ


def supports(index: faiss.IndexIVF) -> bool:
    """Raw float vectors scored by inner product (what the BLAS bound computes), in lists
    whose codes stay where `get_codes` points (in memory, or memory-mapped)."""
    if not isinstance(index, faiss.IndexIVFFlat):
        return False
    if index.metric_type != faiss.METRIC_INNER_PRODUCT:
        return False
    if index.invlists is None:
        return False
    lists = faiss.downcast_InvertedLists(index.invlists)
    return isinstance(lists, (faiss.ArrayInvertedLists, faiss.OnDiskInvertedLists))


def list_major_search(
    index: faiss.IndexIVF, q: F32Array, k: int, nprobe: int
) -> tuple[F32Array, I64Array]:
    """``index.search(q, k, params=SearchParametersIVF(nprobe=nprobe))``, list by list."""
    if not supports(index):
        raise ValueError("list-major search needs an IVF-Flat inner-product index")
    nq, d = q.shape
    coarse, assign = index.quantizer.search(q, nprobe)  # what IndexIVF::search computes
    lists = index.invlists
    if lists is None:
        raise ValueError("the IVF index holds no lists")
    vecs: dict[int, F32Array] = {}
    ids: dict[int, I64Array] = {}
    for li in np.unique(assign[assign >= 0]).tolist():
        size = lists.list_size(li)
        if size:
            codes = faiss.rev_swig_ptr(lists.get_codes(li), size * d * 4)  # views, no copy
            vecs[li] = codes.view(np.float32).reshape(size, d)
            ids[li] = faiss.rev_swig_ptr(lists.get_ids(li), size).view(np.int64)
    by_list = _queries_by_list(assign)
    tops = np.full((nq, assign.shape[1], _TOP), -np.inf, dtype=np.float32)
    scored: list[tuple[int, I64Array, I64Array, F32Array]] = []
    widest = 0.0
    for li, (qs, slots) in by_list.items():
        x = vecs.get(li)
        if x is None:
            continue
        s = q[qs] @ x.T
        widest = max(widest, float(np.sqrt(np.einsum("ij,ij->i", x, x).max())))
        best = s if s.shape[1] <= _TOP else np.partition(s, s.shape[1] - _TOP, axis=1)[:, -_TOP:]
        tops[qs, slots, : best.shape[1]] = best
        scored.append((li, qs, slots, s))
    flat = tops.reshape(nq, -1)
    if k <= flat.shape[1]:
        t = -np.partition(-flat, k - 1, axis=1)[:, k - 1]  # −inf: fewer than k scored
    else:  # fewer than k bounded scores: every probed vector may be in the top k
        t = np.full(nq, -np.inf, dtype=np.float32)
    gamma = d * 2.0**-24 / (1 - d * 2.0**-24)
    delta = gamma * np.sqrt((q * q).sum(axis=1)) * widest
    floor = t - _MARGIN * 2 * delta - 1e-30
    cand_q: list[I64Array] = []
    cand_i: list[I64Array] = []
    holds = np.zeros(assign.shape, dtype=bool)  # (query, probe): the list has a candidate
    for li, qs, slots, s in scored:
        r, c = np.nonzero(s >= floor[qs][:, None])
        cand_q.append(qs[r])
        cand_i.append(ids[li][c])
        holds[qs[r], slots[r]] = True
    # FAISS skips a probe of −1: each query reads only the lists holding its candidates
    return _verify(index, q, k, nprobe, coarse, np.where(holds, assign, -1), cand_q, cand_i)


def _queries_by_list(assign: I64Array) -> dict[int, tuple[I64Array, I64Array]]:
    """Each probed list's queries and the slot (probe rank) it holds in each."""
    nq, nprobe = assign.shape
    flat = assign.ravel()
    keep = np.flatnonzero(flat >= 0)
    order = keep[np.argsort(flat[keep], kind="stable")]
    lists = flat[order]
    cuts = np.flatnonzero(np.diff(lists)) + 1
    out: dict[int, tuple[I64Array, I64Array]] = {}
    for part in np.split(order, cuts):
        if len(part):
            out[int(flat[part[0]])] = (part // nprobe, part % nprobe)
    return out


def _verify(
    index: faiss.IndexIVF,
    q: F32Array,
    k: int,
    nprobe: int,
    coarse: F32Array,
    assign: npt.NDArray[np.int64],
    cand_q: list[I64Array],
    cand_i: list[I64Array],
) -> tuple[F32Array, I64Array]:
    """FAISS's search of each query over its candidates (its kernel, its assignment)."""
    nq = len(q)
    out_s = np.full((nq, k), -np.inf, dtype=np.float32)
    out_i = np.full((nq, k), -1, dtype=np.int64)
    if not cand_q:
        return out_s, out_i
    cq, ci = np.concatenate(cand_q), np.concatenate(cand_i)
    order = np.argsort(cq, kind="stable")
    cq, ci = cq[order], ci[order]
    bounds = np.searchsorted(cq, np.arange(nq + 1))
    q = np.ascontiguousarray(q, dtype=np.float32)
    assign = np.ascontiguousarray(assign, dtype=np.int64)
    coarse = np.ascontiguousarray(coarse, dtype=np.float32)
    for j in range(nq):
        cands = ci[bounds[j] : bounds[j + 1]]
        if not len(cands):
            continue
        sel = faiss.IDSelectorBatch(cands)
        params = faiss.SearchParametersIVF(nprobe=nprobe, sel=sel)  # type: ignore[call-arg]
        # the C entry: faiss's Python wrapper of search_preassigned refuses search params
        index.search_preassigned_c(  # type: ignore[attr-defined]
            1,
            faiss.swig_ptr(q[j]),
            k,
            faiss.swig_ptr(assign[j]),
            faiss.swig_ptr(coarse[j]),
            faiss.swig_ptr(out_s[j]),
            faiss.swig_ptr(out_i[j]),
            False,
            params,
        )
    return out_s, out_i
