"""Lexical evidence: BM25 over organisation profiles, cut into jieba words or into
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
import sys
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from embeddings.base import F32Array
from matcher.postings import Postings, length_norm, lucene_idf

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
    """Tokens are interned: a corpus of 10⁵ organisations' documents holds ≈ 10⁷ tokens,
    each a new string of ≈ 80 B when sliced; interned, the lists hold pointers to one
    string per distinct token (the first `ask` at 10⁵, which builds the index: +1.24 GB of
    peak memory before, +0.23 GB after)."""
    out: list[str] = []
    for run in _RUN.findall(text.lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(sys.intern(run))
            continue
        out.extend(sys.intern(run[i : i + 2]) for i in range(len(run) - 1))
        if unigrams:
            out.extend(sys.intern(c) for c in run)
    return tuple(out)


def bigrams(text: str, *, unigrams: bool = False) -> list[str]:
    """Overlapping character bigrams of each Chinese run of ``text`` (a one-character run
    stays whole), Latin letters and digits as whole lower-cased words; with ``unigrams``
    every Chinese character as well. Documents are indexed with unigrams, so a question of
    one character (钨, 钴) still finds its word; questions are cut without them, so 电池
    is matched as one bigram, not as 电 and 池 apart."""
    return list(_bigrams(text, unigrams))


class LexicalIndex:
    """BM25 over one document per organisation (row order = the organisation list); the
    postings and their numbers are `matcher.postings`'s (bm25s's Lucene variant)."""

    def __init__(self, k1: float = 1.2, b: float = 0.75, tokens: Tokens = Tokens.WORDS) -> None:
        self.k1 = k1
        self.b = b
        self.tokens = tokens
        self.n_docs_ = 0
        self.avgdl_ = 1.0
        self.vocab_: dict[str, int] = {}
        self._postings: Postings | None = None

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

    def _cut_document(self, text: str) -> Sequence[str]:
        """`_cut` past the caches: a build reads each document once, and 65,536 cached
        documents' tokens are ≈ 0.15 GB that no question reuses."""
        if self.tokens is Tokens.BIGRAMS:
            return _bigrams.__wrapped__(text, True)
        return _tokens.__wrapped__(text)

    def build(self, documents: Sequence[str]) -> LexicalIndex:
        # a document without a token stands as one placeholder term, as before with bm25s
        # (which wants no empty document): it counts in N and the mean length
        corpus = (self._cut_document(d) or ["\x00"] for d in documents)
        self.vocab_ = {}
        self._postings = Postings.build(corpus, self.vocab_, self.k1, self.b)
        self.n_docs_ = self._postings.n_docs
        self.avgdl_ = self._postings.avgdl
        return self

    def _df(self, term: str) -> int:
        j = self.vocab_.get(term)
        return 0 if j is None or self._postings is None else int(self._postings.df[j])

    def fold_in(
        self, queries: Sequence[str], weights: Sequence[float] | None, documents: Sequence[str]
    ) -> F32Array:
        """BM25 of ``queries`` for documents *outside* the index, each scored as if it were
        added to the index alone (N, mean length and its terms' document frequencies count
        it; bm25s's Lucene formula): exactly what a refit over the index's documents plus
        that one gives it. A newly written organisation's lexical evidence before the
        catalog is refitted."""
        out = np.zeros(len(documents), dtype=np.float32)
        ws = list(weights) if weights is not None else [1.0] * len(queries)
        cuts = [(self._cut(q, document=False), w) for q, w in zip(queries, ws, strict=True)]
        n = self.n_docs_ + 1  # the index plus this one document
        for i, doc in enumerate(documents):
            tf = Counter(self._cut(doc, document=True) or ["\x00"])
            length = sum(tf.values())
            avgdl = (self.avgdl_ * self.n_docs_ + length) / n
            norm = float(length_norm(length, avgdl, self.k1, self.b))
            total = 0.0
            for toks, w in cuts:
                for t in toks:
                    if t in tf:
                        idf = float(lucene_idf(self._df(t) + 1, n))
                        total += w * idf * tf[t] / (norm + tf[t])
            out[i] = total
        return out

    def scores(self, queries: Sequence[str], weights: Sequence[float] | None = None) -> F32Array:
        """Summed BM25 of each query text (times its weight) for every document."""
        out = np.zeros(self.n_docs_, dtype=np.float32)
        if self._postings is None or self.n_docs_ == 0:
            return out
        ws = list(weights) if weights is not None else [1.0] * len(queries)
        if len(ws) != len(queries):
            raise ValueError(f"{len(ws)} weights for {len(queries)} queries")
        for text, w in zip(queries, ws, strict=True):
            terms = [
                j for t in self._cut(text, document=False) if (j := self.vocab_.get(t)) is not None
            ]
            if terms and w:
                out += w * self._postings.scores(terms)
        return out
