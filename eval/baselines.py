"""The two baselines every report shows beside ChainMatch, measured in the same run.

- ``bm25``: BM25 (bm25s + jieba) of the query company's needs (find-supplier) or products
  (find-substitute), or of a free question, against one document per company: its products
  and offers.
- ``embedding``: one e5 vector per company — the mean of its statement vectors — and
  cosine similarity: needs (``query:``) against products (``passage:``) for suppliers and
  for a free question (``query:``), products against products (``query:`` on both sides)
  for substitutes.
- ``embedding_max`` (free questions only): the same cosine, a company scored by its best
  product instead of its mean vector — a mean dilutes a company's one matching product
  among its others.

Both see exactly the catalog the engine sees (the same `Organisation` objects).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from catalog.models import Organisation
from embeddings.base import Encoder, F32Array, l2_normalise
from eval.protocol import GoldTask
from matcher.lexical import LexicalIndex
from matcher.profiles import Space, encode_for, profile_texts

__all__ = ["BM25Baseline", "EmbeddingBaseline", "EmbeddingMaxBaseline", "top_k"]


def top_k(ids: Sequence[str], scores: F32Array, k: int) -> list[tuple[str, float]]:
    """Best ``k`` by score, ties by id (the metrics' own tie-break)."""
    k = min(k, len(ids))
    if k <= 0:
        return []
    cut = np.partition(-scores, k - 1)[k - 1]
    pool = [int(i) for i in np.flatnonzero(-scores <= cut)]
    order = sorted(pool, key=lambda i: (-float(scores[i]), ids[i]))[:k]
    return [(ids[i], float(scores[i])) for i in order]


def _query_texts(org: Organisation, task: GoldTask) -> list[str]:
    if task is GoldTask.SUPPLIER:
        return list(dict.fromkeys(org.needs))
    return profile_texts(org, Space.OFFERS)


class BM25Baseline:
    name = "bm25"

    def __init__(self, orgs: Sequence[Organisation]) -> None:
        self.orgs = list(orgs)
        self._row = {o.id: i for i, o in enumerate(self.orgs)}
        self._ids = [o.id for o in self.orgs]
        docs = [" ".join(profile_texts(o, Space.OFFERS)) for o in self.orgs]
        self.index = LexicalIndex.fit(docs)

    def rank(self, task: GoldTask, query: str, k: int) -> list[tuple[str, float]]:
        texts = _query_texts(self.orgs[self._row[query]], task)
        scores = self.index.scores([" ".join(texts)]) if texts else np.zeros(len(self.orgs))
        return top_k(self._ids, np.asarray(scores, dtype=np.float32), k)

    def answer(self, text: str, k: int) -> list[tuple[str, float]]:
        """A free question as the BM25 query."""
        scores = np.asarray(self.index.scores([text]), dtype=np.float32)
        return top_k(self._ids, scores, k)


class EmbeddingBaseline:
    name = "embedding"

    def __init__(self, orgs: Sequence[Organisation], encoder: Encoder) -> None:
        self.orgs = list(orgs)
        self.encoder = encoder
        self._row = {o.id: i for i, o in enumerate(self.orgs)}
        self._ids = [o.id for o in self.orgs]
        self._vectors: dict[Space, F32Array] = {}

    def _company_vectors(self, space: Space) -> F32Array:
        """One vector per company: the normalised mean of its statement vectors in ``space``."""
        if space not in self._vectors:
            texts = [profile_texts(o, space) for o in self.orgs]
            distinct = list(dict.fromkeys(t for ts in texts for t in ts))
            pos = {t: i for i, t in enumerate(distinct)}
            vecs = encode_for(self.encoder, space, distinct)
            out = np.zeros((len(self.orgs), self.encoder.dim), dtype=np.float32)
            for r, ts in enumerate(texts):
                if ts:
                    out[r] = vecs[[pos[t] for t in ts]].mean(axis=0)
            self._vectors[space] = l2_normalise(out)
        return self._vectors[space]

    def rank(self, task: GoldTask, query: str, k: int) -> list[tuple[str, float]]:
        org = self.orgs[self._row[query]]
        if task is GoldTask.SUPPLIER:
            texts, q_space, c_space = list(dict.fromkeys(org.needs)), Space.NEEDS, Space.OFFERS
        else:
            texts, q_space, c_space = (
                profile_texts(org, Space.OFFERS),
                Space.OFFERS_SYM,
                Space.OFFERS_SYM,
            )
        cands = self._company_vectors(c_space)
        if not texts:
            return top_k(self._ids, np.zeros(len(self.orgs), dtype=np.float32), k)
        q = l2_normalise(encode_for(self.encoder, q_space, texts).mean(axis=0, keepdims=True))
        return top_k(self._ids, (cands @ q[0]).astype(np.float32), k)

    def answer(self, text: str, k: int) -> list[tuple[str, float]]:
        """A free question (``query:``) against each company's mean offer vector."""
        q = encode_for(self.encoder, Space.NEEDS, [text])[0]
        return top_k(self._ids, (self._company_vectors(Space.OFFERS) @ q).astype(np.float32), k)


class EmbeddingMaxBaseline:
    """Plain cosine, a company scored by its best statement: max over its offer vectors."""

    name = "embedding_max"

    def __init__(self, orgs: Sequence[Organisation], encoder: Encoder) -> None:
        self.orgs = list(orgs)
        self.encoder = encoder
        self._ids = [o.id for o in self.orgs]
        self._flat: tuple[F32Array, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _statements(self) -> tuple[F32Array, np.ndarray, np.ndarray, np.ndarray]:
        """Distinct offer vectors (``passage:``), every company's rows into them laid end to
        end, where each company starts, and which companies state anything."""
        if self._flat is None:
            texts = [profile_texts(o, Space.OFFERS) for o in self.orgs]
            distinct = list(dict.fromkeys(t for ts in texts for t in ts))
            pos = {t: i for i, t in enumerate(distinct)}
            vecs = encode_for(self.encoder, Space.OFFERS, distinct)
            rows = np.array([pos[t] for ts in texts for t in ts], dtype=np.int64)
            sizes = np.array([len(ts) for ts in texts], dtype=np.int64)
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
            self._flat = (vecs, rows, starts, sizes > 0)
        return self._flat

    def answer(self, text: str, k: int) -> list[tuple[str, float]]:
        vecs, rows, starts, stated = self._statements()
        q = encode_for(self.encoder, Space.NEEDS, [text])[0]
        scores = np.full(len(self.orgs), -1.0, dtype=np.float32)
        if len(rows):
            best = np.maximum.reduceat((vecs @ q)[rows], starts[stated])
            scores[stated] = best
        return top_k(self._ids, scores, k)
