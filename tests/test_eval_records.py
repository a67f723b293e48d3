"""The one rescoring path of the weight fit and the ablation, on a hand-checked example:
recorded parts × weights → `rank_candidates` → a filtered `Run` → `evaluate`."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval.fit_weights import ndcg_at_10
from eval.metrics import evaluate
from eval.records import Record, records_run
from matcher.ranker import RankWeights, Signal


def _records() -> list[Record]:
    f = np.float32
    return [
        # semantic alone: k1 (dropped, a known supplier) > g1 > x > g2; inferred lifts g2
        Record(
            "q1",
            ["g1", "g2", "x", "k1"],
            {
                "semantic": np.array([0.8, 0.5, 0.7, 0.9], f),
                "inferred": np.array([0.0, 1.0, 0.0, 0.0], f),
            },
            {"g1", "g2"},
            {"k1", "q1"},
        ),
        # a tie on the total: broken by id, "a" before "g"
        Record(
            "q2",
            ["g", "a"],
            {"semantic": np.array([0.5, 0.5], f), "chain": np.array([0.0, 0.0], f)},
            {"g"},
            {"q2"},
        ),
    ]


def test_records_run_reweights_filters_and_breaks_ties_by_id() -> None:
    off = RankWeights()  # every signal at 0
    run, qrels = records_run(_records(), off, depth=10)
    assert run.ranking("q000000") == ["g1", "x", "g2"]
    assert run.ranking("q000001") == ["a", "g"]
    assert qrels.relevant("q000000") == {"g1", "g2"}
    on, _ = records_run(_records(), RankWeights(inferred=0.5), depth=2)
    assert on.ranking("q000000") == ["g2", "g1"]  # 0.5 + 0.5 > 0.8; cut at depth 2


def test_evaluate_gives_the_hand_computed_ndcg_at_10() -> None:
    def dcg(hits: list[bool]) -> float:
        return sum(1 / math.log2(i + 2) for i, h in enumerate(hits) if h)

    q1 = dcg([True, False, True]) / dcg([True, True])
    q2 = dcg([False, True]) / dcg([True])
    assert ndcg_at_10(_records(), RankWeights()) == pytest.approx((q1 + q2) / 2, abs=1e-15)
    assert ndcg_at_10(_records(), RankWeights(inferred=0.5)) == pytest.approx(
        (1.0 + q2) / 2, abs=1e-15
    )
    assert ndcg_at_10([], RankWeights()) == 0.0
    run, qrels = records_run(_records(), RankWeights(), depth=10)
    assert evaluate(qrels, run, ["ndcg@10"])["ndcg@10"] == ndcg_at_10(_records(), RankWeights())


def test_tried_signals_are_signals() -> None:
    from eval.ablation import TRIED
    from eval.fit_weights import FITTED

    assert set(TRIED) | set(FITTED) <= set(Signal)
    assert Signal.STATED not in FITTED and Signal.LEXICAL not in FITTED
