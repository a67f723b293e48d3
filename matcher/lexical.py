"""Lexical evidence: BM25 (bm25s) over jieba-segmented organisation profiles.

Embeddings blur rare, exact product words (型号, chemical names) that a park user types and
expects to be found verbatim; BM25 keeps them. It is one signal of the chain-aware ranker
and, alone, the lexical baseline of the evaluation.

Example usage::

    lex = LexicalIndex.fit(["硫酸 液氨 尿素", "光伏玻璃 EVA胶膜"])
    lex.scores(["尿素"])          # array([0.96, 0.  ], dtype=float32)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from embeddings.base import F32Array

__all__ = ["LexicalIndex", "tokenize"]

_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not our log
    return jieba


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    cut = _jieba().lcut(text.lower())  # type: ignore[attr-defined]
    return tuple(t for t in (w.strip() for w in cut) if t and _WORD.search(t))


def tokenize(text: str) -> list[str]:
    """jieba words of ``text``, lower-cased, without punctuation or spaces."""
    return list(_tokens(text))


class LexicalIndex:
    """BM25 over one document per organisation (row order = the organisation list)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.n_docs_ = 0
        self._bm25: object | None = None

    @classmethod
    def fit(cls, documents: Sequence[str], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        return cls(k1, b).build(documents)

    def build(self, documents: Sequence[str]) -> LexicalIndex:
        import bm25s

        # bm25s sets its own logger to DEBUG on import: one line per index is not our log
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        corpus = [tokenize(d) or ["\x00"] for d in documents]  # bm25s wants no empty doc
        if corpus:
            bm25.index(corpus, show_progress=False)
        self._bm25 = bm25
        self.n_docs_ = len(corpus)
        return self

    def scores(self, queries: Sequence[str], weights: Sequence[float] | None = None) -> F32Array:
        """Summed BM25 of each query text (times its weight) for every document."""
        out = np.zeros(self.n_docs_, dtype=np.float32)
        if self._bm25 is None or self.n_docs_ == 0:
            return out
        ws = list(weights) if weights is not None else [1.0] * len(queries)
        if len(ws) != len(queries):
            raise ValueError(f"{len(ws)} weights for {len(queries)} queries")
        for text, w in zip(queries, ws, strict=True):
            toks = tokenize(text)
            if toks and w:
                out += w * np.asarray(self._bm25.get_scores(toks), dtype=np.float32)  # type: ignore[attr-defined]
        return out
