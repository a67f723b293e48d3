"""The ask fusion variants of `eval.ask_fusion`: each normalisation against hand-computed
values, the shipped z-score variant ordering as the engine's own fusion, and the evidence
the engine hands out re-fusing to exactly its fused score."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.demo import load_demo_organisations
from catalog.taxonomy import load_default_taxonomy
from embeddings.fake import FakeEncoder
from embeddings.hashing import HashingSparseEncoder
from eval.ask_fusion import (
    Captured,
    Normalisation,
    exact_first,
    fused,
    normalise,
    unfiltered,
    variants,
)
from eval.askset import AskSet
from eval.metrics import Qrels
from matcher import MatchEngine
from matcher.fusion import EvidenceKind, FusionWeights, fuse

K = EvidenceKind


def test_z_over_the_top_k_takes_mean_and_spread_of_the_top_only() -> None:
    x = [10.0, 8.0, 1.0, 0.0]
    got = normalise(x, Normalisation.ZSCORE_TOP, k=2)  # top two: mean 9, sd 1
    assert got.tolist() == pytest.approx([1.0, -1.0, -8.0, -9.0])
    assert normalise(x, Normalisation.ZSCORE).tolist() == pytest.approx(
        ((np.array(x) - 4.75) / np.std(x)).tolist()
    )


def test_min_max_over_the_top_k_clips_below_it_at_zero() -> None:
    got = normalise([4.0, 2.0, 0.0], Normalisation.MINMAX, k=2)
    assert got.tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert normalise([4.0, 2.0, 0.0], Normalisation.MINMAX).tolist() == pytest.approx([1, 0.5, 0])


def test_reciprocal_rank_gives_an_unmatched_lexical_candidate_nothing() -> None:
    x = [0.0, 3.0, 1.0]
    dense = normalise(x, Normalisation.RECIPROCAL_RANK, k=60)
    assert dense.tolist() == pytest.approx([1 / 63, 1 / 61, 1 / 62])
    lexical = normalise(x, Normalisation.RECIPROCAL_RANK, k=60, lexical=True)
    assert lexical.tolist() == pytest.approx([0.0, 1 / 61, 1 / 62])
    with pytest.raises(ValueError, match="k ≥ 1"):
        normalise(x, Normalisation.RECIPROCAL_RANK)


def test_shipped_variant_orders_as_the_engines_fusion_and_skips_unweighed_kinds() -> None:
    rng = np.random.default_rng(3)
    scores = {K.DENSE: rng.normal(0.8, 0.05, 30), K.SPARSE: rng.random(30), K.NGRAM: rng.random(30)}
    w = FusionWeights(dense=1.0, sparse=0.5, ngram=0.75)
    ours, theirs = fused(scores, w), fuse(scores, w).total
    assert np.argsort(-ours).tolist() == np.argsort(-theirs).tolist()
    assert fused(scores, FusionWeights()).tolist() == pytest.approx(
        normalise(scores[K.DENSE], Normalisation.ZSCORE).tolist()
    )


def test_word_for_word_offerers_come_first_in_their_own_order() -> None:
    got = exact_first([0.9, 0.1, 0.5, -3.0], [0.0, 1.0, 0.0, 1.0])
    assert np.argsort(-got).tolist() == [1, 3, 0, 2]


def test_unfiltered_counts_the_dropped_companies_as_gold() -> None:
    asks = AskSet({"电池": "电池"}, Qrels({"电池": {"a": 1}}), {"电池": {"b"}})
    got = unfiltered(asks)
    assert got.qrels.relevant("电池") == {"a", "b"} and got.drop == {"电池": set()}


def test_question_evidence_refuses_to_exactly_the_engines_fused_score() -> None:
    orgs = load_demo_organisations()
    enc = FakeEncoder(["碳化硅|SiC", "检测|测试|testing"], dim=64)
    engine = MatchEngine(
        orgs, load_default_taxonomy(), enc, sparse_encoder=HashingSparseEncoder()
    ).build()
    ev = engine.hybrid.evidence("碳化硅功率模块", None)
    assert set(ev.scores) == {K.DENSE, K.SPARSE, K.NGRAM, K.SHARE}
    # six bigrams: the bigram weight fades as 4 / 6 (ASK_RECIPE.lexical_range), the share's not
    assert ev.weights == FusionWeights(dense=1.0, sparse=0.5, ngram=0.75 * 4 / 6, share=0.1)
    again = fuse(ev.scores, ev.weights).total
    assert again.tolist() == pytest.approx(ev.fused[ev.rows].tolist(), abs=1e-6)


def test_grid_at_the_shipped_weights_is_the_shipped_variant_and_keeps_the_fade() -> None:
    rng = np.random.default_rng(5)
    scores = {K.DENSE: rng.random(20), K.SPARSE: rng.random(20), K.NGRAM: rng.random(20)}
    scores[K.SHARE] = rng.random(20)
    faded = FusionWeights(dense=1.0, sparse=0.5, ngram=0.75 * 4 / 9, share=0.1)  # 9 bigrams
    cap = Captured([f"o{i}" for i in range(20)], scores, faded, np.zeros(20), rng.random(20))
    table = variants()
    grid = table["z k=0 sparse=0.5 ngram=0.75"](cap)
    assert grid.tolist() == pytest.approx(table["shipped"](cap).tolist())
    assert grid.tolist() == pytest.approx(fused(scores, faded).tolist())
    without = {k: v for k, v in scores.items() if k is not K.SHARE}
    assert table["shipped, share 0.0"](cap).tolist() == pytest.approx(
        fused(without, faded).tolist()
    )
    assert table["shipped, share 0.2"](cap).tolist() == pytest.approx(
        (fused(without, faded) + 0.2 * normalise(scores[K.SHARE], Normalisation.ZSCORE)).tolist()
    )
    per_statement = table["ngram per statement"](cap)
    assert per_statement.tolist() == pytest.approx(
        fused({**scores, K.NGRAM: cap.per_statement}, faded).tolist()
    )
