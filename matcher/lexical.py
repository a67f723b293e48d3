"""Lexical evidence: BM25 (bm25s) over organisation profiles, cut into jieba words or into
character bigrams.

Embeddings blur rare, exact product words (型号, chemical names) that a park user types and
expects to be found verbatim; BM25 keeps them. Over jieba words it is the lexical baseline
of the evaluation. Over character bigrams (`Tokens.BIGRAMS`, the CJK bigram scheme of
Lucene's CJKAnalyzer) it also finds a term *inside* a compound: Chinese product names are
head-final, so 锂电池 and 铅酸蓄电池 are kinds of 电池, yet jieba keeps 锂电池 one word and
BM25 over words never sees 电池 in it.

Example usage::

    lex = LexicalIndex.fit(["硫酸 液氨 尿素", "光伏玻璃 EVA胶膜"])
    lex.scores(["尿素"])          # array([0.96, 0.  ], dtype=float32)
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from embeddings.base import F32Array

__all__ = ["LexicalIndex", "Tokens", "bigrams", "tokenize"]

_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]")
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[0-9a-z]+")


class Tokens(enum.StrEnum):
    """How texts are cut into BM25 terms."""

    WORDS = "words"  # jieba words
    BIGRAMS = "bigrams"  # overlapping character bigrams of Chinese runs; Latin words whole


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


@lru_cache(maxsize=65536)
def _bigrams(text: str, unigrams: bool) -> tuple[str, ...]:
    out: list[str] = []
    for run in _RUN.findall(text.lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
        if unigrams:
            out.extend(run)
    return tuple(out)


def bigrams(text: str, *, unigrams: bool = False) -> list[str]:
    """Overlapping character bigrams of each Chinese run of ``text`` (a one-character run
    stays whole), Latin letters and digits as whole lower-cased words; with ``unigrams``
    every Chinese character as well. Documents are indexed with unigrams, so a question of
    one character (钨, 钴) still finds its word; questions are cut without them, so 电池
    is matched as one bigram, not as 电 and 池 apart."""
    return list(_bigrams(text, unigrams))


class LexicalIndex:
    """BM25 over one document per organisation (row order = the organisation list)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, tokens: Tokens = Tokens.WORDS) -> None:
        self.k1 = k1
        self.b = b
        self.tokens = tokens
        self.n_docs_ = 0
        self._bm25: object | None = None

    @classmethod
    def fit(
        cls,
        documents: Sequence[str],
        k1: float = 1.2,
        b: float = 0.75,
        tokens: Tokens = Tokens.WORDS,
    ) -> LexicalIndex:
        return cls(k1, b, tokens).build(documents)

    def _cut(self, text: str, *, document: bool) -> list[str]:
        if self.tokens is Tokens.BIGRAMS:
            return bigrams(text, unigrams=document)
        return tokenize(text)

    def build(self, documents: Sequence[str]) -> LexicalIndex:
        import bm25s

        # bm25s sets its own logger to DEBUG on import: one line per index is not our log
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        # bm25s wants no empty document
        corpus = [self._cut(d, document=True) or ["\x00"] for d in documents]
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
            toks = self._cut(text, document=False)
            if toks and w:
                out += w * np.asarray(self._bm25.get_scores(toks), dtype=np.float32)  # type: ignore[attr-defined]
        return out
