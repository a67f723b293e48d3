"""Evaluation: metrics, baselines, benchmarks and reports (drives matcher directly).

ranx's vocabulary: ``from eval import Qrels, Run, evaluate`` then
``evaluate(qrels, run, ["recall@10", "ndcg@10", "mrr"])``.
"""

from __future__ import annotations

from eval.metrics import (
    Measure,
    MeasureName,
    Metric,
    Qrels,
    Run,
    coverage,
    evaluate,
    evaluate_per_query,
    parse_measure,
)

__all__ = [
    "Measure",
    "MeasureName",
    "Metric",
    "Qrels",
    "Run",
    "coverage",
    "evaluate",
    "evaluate_per_query",
    "parse_measure",
]
