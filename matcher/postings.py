"""BM25 postings built a chunk of documents at a time: the term-major (CSC) matrix of each
(term, document) pair's BM25 weight that a query sums column by column.

The weights are bm25s's Lucene variant — idf ``log(1 + (N − df + ½) / (df + ½))`` and term
part ``tf / (tf + k1 (1 − b + b · len / avg len))``, computed in float64 and kept in float32
as bm25s keeps them — so a query's scores equal bm25s's to the last bit (tested against
bm25s itself). They are built here because bm25s holds every document's tokens as Python
lists twice over and then three arrays of every pair before its matrix: at 10⁶
organisations its build peaked ≈ 2.9 GB above what it keeps. Here each chunk of documents
becomes (term, count) arrays of 6 B a pair, and those are laid term-major into the 8 B a
pair that is kept, the chunks freed as they are laid.

Example usage::

    vocab: dict[str, int] = {}
    p = Postings.build([["硫酸", "尿素"], ["尿素", "尿素"]], vocab)
    p.scores([vocab["尿素"]])     # array([0.0829, 0.1140], dtype=float32)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array

__all__ = ["CHUNK_DOCS", "Postings", "length_norm", "lucene_idf"]

CHUNK_DOCS = 8192  # documents cut at a time: bounds the build's Python lists

I32Array = npt.NDArray[np.int32]
I64Array = npt.NDArray[np.int64]


def lucene_idf(df: npt.ArrayLike, n: int) -> npt.NDArray[np.float64]:
    """bm25s's Lucene idf, ``log(1 + (N − df + ½) / (df + ½))``: one formula for the
    postings and for a document folded in (`LexicalIndex.fold_in`)."""
    out: npt.NDArray[np.float64] = np.log(1 + (n - np.asarray(df) + 0.5) / (np.asarray(df) + 0.5))
    return out


def length_norm(
    length: npt.ArrayLike, avgdl: float, k1: float, b: float
) -> npt.NDArray[np.float64]:
    """``k1 (1 − b + b · len / avg len)``, in float64 as bm25s computes it per document."""
    out: npt.NDArray[np.float64] = k1 * ((1 - b) + b * np.asarray(length) / avgdl)
    return out


@dataclass(frozen=True)
class _Chunk:
    """One chunk's (document, term) pairs, document-major, terms ascending within one."""

    start: int  # its first document
    per_doc: I64Array  # pairs of each of its documents
    terms: I32Array
    counts: npt.NDArray[np.unsignedinteger] | I64Array  # term frequency of each pair


def _cut(
    token_lists: Iterable[Sequence[str]], vocab: dict[str, int], start: int
) -> tuple[_Chunk, I64Array]:
    """A chunk's pairs and its documents' lengths (tokens, repeats counted); new terms are
    given the next ids of ``vocab``."""
    docs = list(token_lists)
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    ids = np.fromiter(
        (vocab.setdefault(t, len(vocab)) for t in chain.from_iterable(docs)),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    doc = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    pairs, tf = np.unique((doc << 32) | ids, return_counts=True)
    per_doc = np.bincount(pairs >> 32, minlength=len(docs)).astype(np.int64)
    terms = (pairs & 0xFFFFFFFF).astype(np.int32)
    counts = tf.astype(np.uint16) if tf.size and tf.max() < 2**16 else tf.astype(np.int64)
    return _Chunk(start, per_doc, terms, counts), lengths


@dataclass(frozen=True)
class Postings:
    """BM25 weights, term-major: column ``j`` holds ``docs[indptr[j]:indptr[j+1]]``."""

    n_docs: int
    avgdl: float
    df: I64Array  # documents holding each term
    indptr: I64Array
    docs: I32Array
    weights: F32Array

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Sequence[str]],
        vocab: dict[str, int],
        k1: float = 1.2,
        b: float = 0.75,
        chunk: int = CHUNK_DOCS,
    ) -> Postings:
        """Postings of documents given as token lists (none empty: bm25s refuses empty
        documents, and callers stand a placeholder token in for one). ``vocab`` is filled
        with the terms' ids."""
        if chunk < 1:
            raise ValueError(f"chunk must be ≥ 1 document, got {chunk}")
        it = iter(token_lists)
        chunks: deque[_Chunk] = deque()
        lengths: list[I64Array] = []
        df = np.zeros(0, dtype=np.int64)
        n = 0
        while part := list(islice(it, chunk)):
            if not all(part):
                empty = n + next(i for i, d in enumerate(part) if not d)
                raise ValueError(f"document {empty} has no token")
            c, lens = _cut(part, vocab, n)
            grown = np.zeros(len(vocab), dtype=np.int64)
            grown[: len(df)] = df
            df = grown + np.bincount(c.terms, minlength=len(vocab))
            chunks.append(c)
            lengths.append(lens)
            n += len(part)
        length = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        avgdl = float(length.mean()) if n else 1.0
        idf = lucene_idf(df, n).astype(np.float32).astype(np.float64)  # kept as bm25s keeps it
        norm = length_norm(length, avgdl, k1, b)
        indptr = np.zeros(len(df) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        docs = np.empty(int(indptr[-1]), dtype=np.int32)
        weights = np.empty(int(indptr[-1]), dtype=np.float32)
        fill = indptr[:-1].copy()
        while chunks:
            c = chunks.popleft()  # freed once laid
            rows = np.repeat(np.arange(c.start, c.start + len(c.per_doc)), c.per_doc)
            tf = c.counts.astype(np.float64)
            w = (idf[c.terms] * (tf / (norm[rows] + tf))).astype(np.float32)
            order = np.argsort(c.terms, kind="stable")  # keeps documents ascending
            terms = c.terms[order]
            per_term = np.bincount(terms, minlength=len(df))
            first = np.cumsum(per_term) - per_term
            pos = fill[terms] + (np.arange(len(terms)) - first[terms])
            docs[pos] = rows[order]
            weights[pos] = w[order]
            fill += per_term
        return cls(n, avgdl, df, indptr, docs, weights)

    def scores(self, terms: Sequence[int]) -> F32Array:
        """Summed weights of ``terms`` (ids; repeats count again) for every document, added
        in float32 term by term, as bm25s adds them."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for j in terms:
            lo, hi = self.indptr[j], self.indptr[j + 1]
            out[self.docs[lo:hi]] += self.weights[lo:hi]  # a document once per column
        return out

    @property
    def nbytes(self) -> int:
        return self.df.nbytes + self.indptr.nbytes + self.docs.nbytes + self.weights.nbytes
