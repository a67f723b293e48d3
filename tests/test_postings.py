"""BM25 postings built a chunk at a time: bit for bit what bm25s (the library they replace)
scores, whatever the chunk size, and pinned by a hand-computed example."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from matcher.lexical import LexicalIndex, Tokens
from matcher.postings import Postings

TERMS = ["硫酸", "尿素", "液氨", "电池", "锂电池", "隔膜", "pcb", "光伏", "玻璃", "胶膜"]


def _corpus(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    # lengths 1–12 with repeats, so tf, lengths and df all vary
    return [
        [rng.choice(TERMS[: rng.randint(2, 10)]) for _ in range(rng.randint(1, 12))]
        for _ in range(n)
    ]


def _bm25s(corpus: list[list[str]], k1: float, b: float) -> object:
    import bm25s

    ref = bm25s.BM25(k1=k1, b=b)
    ref.index(corpus, show_progress=False)
    return ref


def test_a_hand_computed_example() -> None:
    """N = 2, mean length 2: idf(尿素) = ln(1 + 0.5 / 2.5) = ln 1.2; document 0 has it once
    in 2 tokens: ln 1.2 · 1 / (1 + 1.2); document 1 twice: ln 1.2 · 2 / (2 + 1.2)."""
    vocab: dict[str, int] = {}
    p = Postings.build([["硫酸", "尿素"], ["尿素", "尿素"]], vocab)
    assert vocab == {"硫酸": 0, "尿素": 1}
    assert p.df.tolist() == [1, 2] and p.indptr.tolist() == [0, 1, 3]
    assert p.scores([1]).tolist() == pytest.approx([math.log(1.2) / 2.2, math.log(1.2) * 2 / 3.2])
    # a term asked twice counts twice; no term, nothing
    assert p.scores([1, 1]).tolist() == pytest.approx((2 * p.scores([1])).tolist())
    assert p.scores([]).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("chunk", [1, 3, 64, 8192])
@pytest.mark.parametrize(("k1", "b"), [(1.2, 0.75), (1.5, 0.3)])
def test_scores_are_bm25s_to_the_last_bit(chunk: int, k1: float, b: float) -> None:
    corpus = _corpus(200, seed=chunk)
    vocab: dict[str, int] = {}
    p = Postings.build(corpus, vocab, k1, b, chunk=chunk)
    ref = _bm25s(corpus, k1, b)
    assert p.n_docs == 200 and p.avgdl == pytest.approx(np.mean([len(d) for d in corpus]))
    rng = random.Random(1)
    for _ in range(30):
        query = [rng.choice([*TERMS, "未知"]) for _ in range(rng.randint(1, 4))]
        terms = [vocab[t] for t in query if t in vocab]
        want = ref.get_scores(query)  # type: ignore[attr-defined]
        assert np.array_equal(p.scores(terms), want), query


def test_the_chunk_size_changes_no_array() -> None:
    corpus = _corpus(100, seed=5)
    one, many = Postings.build(corpus, {}, chunk=1), Postings.build(corpus, {}, chunk=100)
    for name in ("df", "indptr", "docs", "weights"):
        assert np.array_equal(getattr(one, name), getattr(many, name)), name
    # within a term, documents ascend: chunks are laid in order and stably
    for j in range(len(one.df)):
        col = one.docs[one.indptr[j] : one.indptr[j + 1]]
        assert (np.diff(col) > 0).all()


def test_an_empty_document_or_chunk_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="document 4 has no token"):
        Postings.build([["a"], ["b"], ["c"], ["a"], []], {}, chunk=3)
    with pytest.raises(ValueError, match="chunk must be ≥ 1 document, got 0"):
        Postings.build([["a"]], {}, chunk=0)
    empty = Postings.build([], {})
    assert empty.n_docs == 0 and empty.scores([]).tolist() == []


@pytest.mark.parametrize("tokens", list(Tokens))
def test_the_lexical_index_scores_as_bm25s_over_its_own_tokens(tokens: Tokens) -> None:
    docs = ["磷酸铁锂电池 储能电池", "电池", "", "光伏玻璃 EVA胶膜 光伏组件", "PCB 电路板 电池管理"]
    lex = LexicalIndex.fit(docs, tokens=tokens)
    corpus = [lex._cut(d, document=True) or ["\x00"] for d in docs]
    ref = _bm25s(corpus, lex.k1, lex.b)
    for q in ["电池", "光伏玻璃", "pcb 电池", "钨"]:
        toks = lex._cut(q, document=False)
        want = ref.get_scores(toks) if toks else np.zeros(len(docs), np.float32)  # type: ignore[attr-defined]
        assert np.array_equal(lex.scores([q]), want), q
