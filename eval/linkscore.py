"""Find-supplier scored macro over hidden links, so that each link weighs 1.

The dev gold holds 402 queries but only about 208 hidden (query product → supplier product)
links, and one link (电力 → 用电) is the gold of 59 queries: a macro over queries mostly
measures that link. Here the gold pairs are grouped by link; a link's value is the metric
over its queries, each query's gold restricted to the suppliers it has through that link and
its other gold suppliers dropped from its ranking (neither gold nor errors for this link, as
known suppliers are for the filtered ranking; `eval.fit_weights.link_halves` restricts the
same way); the set's value is the mean over links.

Example usage::

    pairs = list(read_jsonl(gold_path))
    values, per_link = evaluate_by_link(pairs, run, ["ndcg@10", "mrr"])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from eval.metrics import Measure, Metric, Qrels, Run, coverage, evaluate, parse_measure
from eval.report import CURVE_DEPTH, MEASURES, RunResult

__all__ = ["evaluate_by_link", "link_gold", "score_by_link"]

LINK_FIELDS = ("query_product", "supplier_product")


def link_gold(
    pairs: Iterable[Mapping[str, Any]], queries: Collection[str] | None = None
) -> tuple[dict[str, dict[str, set[str]]], dict[str, set[str]]]:
    """Link ("尿素 → 液氨") → query → its gold suppliers through that link; and every query's
    whole gold (pairs that name no link included). Only ``queries``, when given."""
    links: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    gold: dict[str, set[str]] = defaultdict(set)
    for p in pairs:
        q, s = str(p["query"]), str(p["supplier"])
        if queries is not None and q not in queries:
            continue
        gold[q].add(s)
        if all(p.get(f) for f in LINK_FIELDS):
            links[" → ".join(str(p[f]) for f in LINK_FIELDS)][q].add(s)
    return {k: dict(v) for k, v in links.items()}, dict(gold)


def evaluate_by_link(
    pairs: Iterable[Mapping[str, Any]],
    run: Run,
    measures: Sequence[str | Measure],
    queries: Collection[str] | None = None,
) -> tuple[dict[str, float], list[Metric]]:
    """Means over links of each link's macro over its queries; and each link's values
    (``Metric.query_id`` is the link). Raises ``ValueError`` when no pair names its link."""
    names = list(dict.fromkeys(str(parse_measure(m)) for m in measures))
    links, gold = link_gold(pairs, queries)
    if not links:
        raise ValueError("no gold pair names its link (query_product, supplier_product)")
    per_link: list[Metric] = []
    for link in sorted(links):
        mine = links[link]
        qrels = Qrels({q: dict.fromkeys(s, 1) for q, s in mine.items()})
        rankings = {
            q: [d for d in run.ranking(q) if d not in gold[q] - suppliers]
            for q, suppliers in mine.items()
        }
        values = evaluate(qrels, Run.from_rankings(rankings, run.name), names)
        per_link.extend(Metric(link, name, values[name]) for name in names)
    sums = dict.fromkeys(names, 0.0)
    for m in per_link:
        sums[m.measure] += m.value
    return {name: sums[name] / len(links) for name in names}, per_link


def score_by_link(
    pairs: Sequence[Mapping[str, Any]],
    run: Run,
    task: str,
    catalog: list[str],
    seconds: float = 0.0,
    queries: Collection[str] | None = None,
) -> RunResult:
    """`eval.report.score_run`'s numbers, macro over links (``queries`` counts links and
    the per-query breakdown is per link)."""
    curve_measures = [f"recall@{k}" for k in range(1, CURVE_DEPTH + 1)]
    values, per_link = evaluate_by_link(pairs, run, [*MEASURES, *curve_measures], queries)
    return RunResult(
        run=run.name,
        task=task,
        metrics={m: values[m] for m in MEASURES},
        queries=len({m.query_id for m in per_link}),
        coverage=coverage(run, catalog, k=10),
        recall_curve=[values[m] for m in curve_measures],
        per_query=[m for m in per_link if m.measure in MEASURES],
        seconds=seconds,
    )
