"""Golden tests: every metric against values computed by hand (in the comments)."""

from __future__ import annotations

import math

import pytest

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

L3 = math.log2(3)  # the discount at rank 2


def _qrels() -> Qrels:
    return Qrels(
        {
            "q1": {"d1": 1, "d3": 1},
            "q2": {"d2": 2, "d4": 1, "d5": 0},
            "q3": {"d1": 0},  # no relevant document: not evaluated
            "q4": {"x": 1},  # not answered by the run: 0 on every measure
        }
    )


def _run() -> Run:
    return Run(
        {
            "q1": {"d1": 0.9, "d2": 0.8, "d3": 0.1},  # d1 d2 d3
            "q2": {"d4": 0.5, "d5": 0.5, "d2": 0.2, "d9": 0.7},  # d9 d4 d5 d2 (tie: d4 < d5)
            "q9": {"d1": 1.0},  # unknown to the qrels: ignored
        }
    )


def test_per_query_values_by_hand() -> None:
    got = {
        (m.query_id, m.measure): m.value
        for m in evaluate_per_query(
            _qrels(), _run(), ["recall@2", "precision@2", "ndcg@3", "mrr", "map", "hits@1"]
        )
    }
    expected = {
        ("q1", "recall@2"): 1 / 2,
        ("q1", "precision@2"): 1 / 2,
        # DCG 1 + 1/log2(4) = 1.5; IDCG 1 + 1/log2(3)
        ("q1", "ndcg@3"): 1.5 / (1 + 1 / L3),
        ("q1", "mrr"): 1.0,
        ("q1", "map"): (1 / 1 + 2 / 3) / 2,
        ("q1", "hits@1"): 1.0,
        ("q2", "recall@2"): 1 / 2,
        ("q2", "precision@2"): 1 / 2,
        # DCG: d4 (rel 1) at rank 2 = 1/log2(3); IDCG: 2/1 + 1/log2(3) (graded gains)
        ("q2", "ndcg@3"): (1 / L3) / (2 + 1 / L3),
        ("q2", "mrr"): 1 / 2,
        ("q2", "map"): (1 / 2 + 2 / 4) / 2,
        ("q2", "hits@1"): 0.0,
        ("q4", "recall@2"): 0.0,
        ("q4", "precision@2"): 0.0,
        ("q4", "ndcg@3"): 0.0,
        ("q4", "mrr"): 0.0,
        ("q4", "map"): 0.0,
        ("q4", "hits@1"): 0.0,
    }
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-12), key


def test_macro_average_counts_every_evaluated_query_once() -> None:
    res = evaluate(_qrels(), _run(), ["recall@2", "ndcg@3", "mrr"])
    assert list(res) == ["recall@2", "ndcg@3", "mrr"]
    assert res["recall@2"] == pytest.approx((0.5 + 0.5 + 0) / 3)
    assert res["ndcg@3"] == pytest.approx((1.5 / (1 + 1 / L3) + (1 / L3) / (2 + 1 / L3)) / 3)
    assert res["mrr"] == pytest.approx((1 + 0.5) / 3)


def test_ties_are_broken_by_document_id() -> None:
    qrels = Qrels({"q": {"b": 1}})
    assert Run({"q": {"a": 1.0, "b": 1.0}}).ranking("q") == ["a", "b"]
    assert evaluate(qrels, Run({"q": {"a": 1.0, "b": 1.0}}), ["mrr"])["mrr"] == 0.5
    assert evaluate(qrels, Run({"q": {"c": 1.0, "b": 1.0}}), ["mrr"])["mrr"] == 1.0
    # dict order does not matter
    assert evaluate(qrels, Run({"q": {"b": 1.0, "a": 1.0}}), ["mrr"])["mrr"] == 0.5


def test_cutoffs_truncate_and_mrr_at_k() -> None:
    qrels = Qrels({"q": {"c": 1}})
    run = Run.from_rankings({"q": ["a", "b", "c"]})
    res = evaluate(qrels, run, ["mrr", "mrr@2", "recall@2", "recall@3", "ndcg@2", "ndcg@3"])
    assert res == pytest.approx(
        {
            "mrr": 1 / 3,
            "mrr@2": 0.0,
            "recall@2": 0.0,
            "recall@3": 1.0,
            "ndcg@2": 0.0,
            "ndcg@3": 0.5,
        }  # fmt: skip
    )


def test_ndcg_is_one_for_the_ideal_ranking() -> None:
    qrels = Qrels({"q": {"a": 3, "b": 1, "c": 2}})
    run = Run({"q": {"a": 3.0, "c": 2.0, "b": 1.0, "z": 0.5}})
    assert evaluate(qrels, run, ["ndcg@10", "ndcg@2"]) == pytest.approx(
        {"ndcg@10": 1.0, "ndcg@2": 1.0}
    )


def test_measures_are_values_parsed_from_names() -> None:
    assert parse_measure("nDCG@10") == Measure(MeasureName.NDCG, 10)
    assert str(parse_measure("mrr")) == "mrr"
    assert parse_measure(Measure(MeasureName.MAP)) == Measure(MeasureName.MAP, None)
    assert len({parse_measure("ndcg@10"), parse_measure("NDCG@10")}) == 1  # hashable
    with pytest.raises(ValueError, match="unknown measure 'f1@3'; valid measures: recall,"):
        parse_measure("f1@3")
    with pytest.raises(ValueError, match="needs a cutoff"):
        parse_measure("recall")
    with pytest.raises(ValueError, match="positive integer"):
        parse_measure("ndcg@0")


def test_bad_input_is_rejected_with_value_error() -> None:
    with pytest.raises(ValueError, match="integer ≥ 0"):
        Qrels({"q": {"d": -1}})
    with pytest.raises(ValueError, match="integer ≥ 0"):
        Qrels({"q": {"d": 0.5}})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="must be finite"):
        Run({"q": {"d": float("nan")}})
    with pytest.raises(ValueError, match="non-empty string"):
        Run({"": {"d": 1.0}})
    with pytest.raises(ValueError, match="lists a document twice"):
        Run.from_rankings({"q": ["a", "a"]})
    with pytest.raises(ValueError, match="no query with a relevant document"):
        evaluate(Qrels({"q": {"d": 0}}), Run({}), ["mrr"])
    with pytest.raises(ValueError, match="no measures"):
        evaluate(_qrels(), _run(), [])


def test_inputs_are_not_mutated() -> None:
    judged = {"q": {"a": 1}}
    scores = {"q": {"a": 0.5, "b": 0.7}}
    qrels, run = Qrels(judged), Run(scores)
    judged["q"]["z"] = 1
    scores["q"]["a"] = 9.0
    assert evaluate(qrels, run, ["mrr"])["mrr"] == 0.5
    assert scores == {"q": {"a": 9.0, "b": 0.7}}


def test_coverage_is_the_share_of_the_catalog_ever_shown() -> None:
    run = Run({"q1": {"a": 3.0, "b": 2.0, "c": 1.0}, "q2": {"a": 1.0, "d": 0.5}})
    assert coverage(run, ["a", "b", "c", "d", "e"], k=1) == pytest.approx(1 / 5)
    assert coverage(run, ["a", "b", "c", "d", "e"], k=2) == pytest.approx(3 / 5)
    assert coverage(run, ["a", "b"], k=10) == 1.0
    with pytest.raises(ValueError, match="catalog is empty"):
        coverage(run, [], k=1)


def test_pairs_and_metric_tuples() -> None:
    qrels = Qrels.from_pairs([("q", "a"), ("q", "a"), ("q", "b")])
    assert qrels.relevant("q") == {"a", "b"} and len(qrels) == 1
    metric = evaluate_per_query(qrels, Run.from_rankings({"q": ["b"]}), ["recall@1"])[0]
    assert metric == Metric("q", "recall@1", 0.5)
