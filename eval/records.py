"""Recorded find-supplier candidates, re-weighted into runs: how the weight fit and the
ablation score a weighting without re-running the engine.

The engine scores each dev query once with `RankWeights.unit` (`record`); a weighting is
then `matcher.rank.rescore` of the recorded parts, ordered by `matcher.rank.rank_candidates`
(the engine's own order, diversity left out), filtered by the protocol and scored by
`eval.metrics.evaluate` (`records_run`).

Example usage::

    run, qrels = records_run(records, RankWeights.fitted(), depth=10)
    evaluate(qrels, run, ["ndcg@10"])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from eval.ashare import AshareData
from eval.metrics import Qrels, Run
from eval.protocol import GoldTask, query_exclusions
from matcher.engine import MatchEngine
from matcher.rank import rank_candidates, rescore
from matcher.ranker import RankWeights
from matcher.types import Direction, Task

__all__ = ["Record", "record", "record_substitutes", "records_run"]


class Record(NamedTuple):
    """One query's candidates and their unit-weight score parts, its gold and what the
    protocol drops from its ranking (known suppliers, the query itself)."""

    query: str
    ids: list[str]
    parts: dict[str, np.ndarray]
    gold: set[str]
    drop: set[str]


def record(
    engine: MatchEngine, qrels: Qrels, data: AshareData, max_queries: int | None = None
) -> list[Record]:
    """Every evaluated find-supplier query's candidates and parts, as ``engine`` scores
    them (build it with `RankWeights.unit` to re-weight them later); a query the engine
    cannot ask (no needs, nothing inferred) or that finds no candidate is left out."""
    out: list[Record] = []
    for q in qrels.evaluated_queries()[:max_queries]:
        try:
            scored = engine.partner_candidates(q, direction=Direction.SUPPLIERS)
        except ValueError:
            continue
        if len(scored):
            drop = query_exclusions(data, GoldTask.SUPPLIER, q)
            out.append(Record(q, scored.ids, scored.parts, qrels.relevant(q), drop))
    return out


def record_substitutes(
    engine: MatchEngine, qrels: Qrels, max_queries: int | None = None
) -> list[Record]:
    """Every evaluated find-substitute query's candidates and parts (unfiltered: only the
    query itself is dropped); a query without offers or candidates is left out."""
    out: list[Record] = []
    for q in qrels.evaluated_queries()[:max_queries]:
        try:
            scored = engine.substitute_candidates(q)
        except (ValueError, KeyError):
            continue
        if len(scored):
            out.append(Record(q, scored.ids, scored.parts, qrels.relevant(q), {q}))
    return out


def records_run(
    records: Sequence[Record],
    weights: RankWeights,
    *,
    depth: int = 100,
    name: str = "run",
    task: Task = Task.PARTNERS,
) -> tuple[Run, Qrels]:
    """The records ranked under ``weights``, filtered, cut at ``depth``; with their gold.

    Queries are numbered in record order (a record set may hold a query twice, as the
    link halves of `eval.fit_weights` may), so the metrics average in that order too.
    """
    scales = weights.scales(task)
    ranked: dict[str, list[str]] = {}
    gold: dict[str, dict[str, int]] = {}
    for i, (_, ids, parts, rel, drop) in enumerate(records):
        order, _ = rank_candidates(ids, rescore(parts, scales, len(ids)))
        q = f"q{i:06d}"
        ranked[q] = [ids[j] for j in order if ids[j] not in drop][:depth]
        gold[q] = dict.fromkeys(rel, 1)
    return Run.from_rankings(ranked, name), Qrels(gold)
