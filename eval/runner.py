"""One benchmark invocation: build the A-share catalog, run every system, score every run.

All systems see the same `Organisation` objects and are scored in the same process by the
same protocol (`eval.protocol`), so the table compares like with like. ChainMatch is the
product's own `MatchEngine` with its default ranker — the one the demo, the CLI and the API
use; nothing here is benchmark-only scoring.

Example usage::

    result = run_ashare(encoder, gold={GoldTask.SUPPLIER: path_s, GoldTask.SUBSTITUTE: path_b})
    write_report(result, Path("reports/now"))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.errors import InvalidInputError
from embeddings.base import Encoder, SparseTextEncoder
from eval.ashare import (
    AshareData,
    build_organisations,
    build_product_graph,
    build_taxonomy,
    load_ashare,
)
from eval.baselines import BM25Baseline, EmbeddingBaseline
from eval.metrics import Qrels
from eval.protocol import GoldTask, Scorer, gold_groups, load_gold, make_run
from eval.report import BenchResult, score_run
from matcher.ranker import ChainAwareRanker, RankWeights
from matcher.types import Direction

if TYPE_CHECKING:
    from matcher.engine import MatchEngine

__all__ = [
    "RUNS",
    "EngineScorer",
    "Progress",
    "StageTimer",
    "build_engine",
    "dev_gold",
    "run_ashare",
]

log = logging.getLogger(__name__)

RUNS = ("bm25", "embedding", "chainmatch")
Progress = Callable[[str, int, int], None]  # (stage, done, total)


class EngineScorer:
    """The product's engine as a benchmark system: find_partners / find_substitutes."""

    def __init__(self, engine: MatchEngine, name: str = "chainmatch") -> None:
        self.engine = engine
        self.name = name

    def rank(self, task: GoldTask, query: str, k: int) -> list[tuple[str, float]]:
        k = min(k, 1000, len(self.engine.orgs) - 1)
        try:
            if task is GoldTask.SUPPLIER:
                res = self.engine.find_partners(query, direction=Direction.SUPPLIERS, k=k)
            else:
                res = self.engine.find_substitutes(query, k=k)
        except InvalidInputError:  # nothing to ask with (no needs, no products): no answer
            return []
        return [(m.org_id, m.score) for m in res.matches]

    def answer(self, text: str, k: int) -> list[tuple[str, float]]:
        """A free question through `MatchEngine.ask`."""
        k = min(k, 1000, len(self.engine.orgs))
        try:
            res = self.engine.ask(text, k=k)
        except InvalidInputError:  # too short to ask: no answer
            return []
        return [(m.org_id, m.score) for m in res.matches]


def dev_gold(data_dir: Path) -> dict[GoldTask, Path]:
    return {t: data_dir / f"gold_{t.value}_dev.jsonl" for t in GoldTask}


def build_engine(
    data: AshareData,
    encoder: Encoder,
    weights: RankWeights | None = None,
    *,
    language_centering: float | None = None,
    sparse_encoder: SparseTextEncoder | None = None,
) -> MatchEngine:
    """The A-share catalog in the product's engine (statements encoded, cache permitting);
    ``language_centering`` overrides the engine's default (a measurement, not a setting);
    ``sparse_encoder`` gives `ask` its sparse evidence (the service always has it; find-
    supplier and find-substitute do not read it, so `run_ashare` leaves it out)."""
    from matcher.engine import MatchEngine  # FAISS: loaded by a run, not by `eval --help`

    orgs = build_organisations(data)
    taxonomy = build_taxonomy(data)
    ranker = ChainAwareRanker(taxonomy, weights=weights)
    graph = build_product_graph(data)
    extra: dict[str, Any] = {"sparse_encoder": sparse_encoder}
    if language_centering is not None:  # else the engine's own default
        extra["language_centering"] = language_centering
    engine = MatchEngine(orgs, taxonomy, encoder, ranker=ranker, product_graph=graph, **extra)
    return engine.build()


@dataclass
class StageTimer:
    """Seconds per named stage, as the report lists them."""

    timings: dict[str, float] = field(default_factory=dict)

    def stage(self, name: str, start: float) -> None:
        self.timings[name] = round(time.perf_counter() - start, 1)


def run_ashare(
    encoder: Encoder,
    gold: Mapping[GoldTask, Path],
    *,
    data_dir: Path | None = None,
    runs: Sequence[str] = RUNS,
    depth: int = 100,
    max_queries: int | None = None,
    progress: Progress | None = None,
    name: str = "ashare",
) -> BenchResult:
    """Every requested run on every task that has a gold file; timings per stage."""
    unknown = set(runs) - set(RUNS)
    if unknown:
        raise InvalidInputError(f"unknown runs {sorted(unknown)}; choose from {', '.join(RUNS)}")
    from matcher.index import faiss_threads  # FAISS: loaded by a run, not by `eval --help`

    timer = StageTimer()
    t0 = time.perf_counter()
    # one query's search is small: FAISS's OpenMP threads only contend with torch's (and with
    # each other) on 2 cores — 10× slower measured here — so this process searches on one
    with faiss_threads(1):
        return _run(encoder, gold, data_dir, runs, depth, max_queries, progress, name, timer, t0)


def _run(
    encoder: Encoder,
    gold: Mapping[GoldTask, Path],
    data_dir: Path | None,
    runs: Sequence[str],
    depth: int,
    max_queries: int | None,
    progress: Progress | None,
    name: str,
    timer: StageTimer,
    t0: float,
) -> BenchResult:
    data = load_ashare(data_dir)
    golds: dict[GoldTask, Qrels] = {task: load_gold(path, task) for task, path in gold.items()}
    timer.stage("load data", t0)
    scorers: list[Scorer] = []
    orgs = build_organisations(data)
    if "bm25" in runs:
        t = time.perf_counter()
        scorers.append(BM25Baseline(orgs))
        timer.stage("bm25 index", t)
    if "embedding" in runs:
        scorers.append(EmbeddingBaseline(orgs, encoder))
    if "chainmatch" in runs:
        t = time.perf_counter()
        engine = build_engine(data, encoder)
        timer.stage("chainmatch build (encode + index)", t)
        t = time.perf_counter()
        engine.learned()
        timer.stage("chainmatch learn (signals + need inference)", t)
        scorers.append(EngineScorer(engine))
    catalog = sorted(data.companies)
    result = BenchResult(name)
    result.groups = {task.value: gold_groups(path, task) for task, path in gold.items()}
    for task, qrels in golds.items():
        queries = qrels.evaluated_queries()[:max_queries]
        if max_queries is not None:
            qrels = Qrels({q: qrels[q] for q in queries})
        for scorer in scorers:
            t = time.perf_counter()

            def tick(
                done: int, scorer: Scorer = scorer, task: GoldTask = task, total: int = len(queries)
            ) -> None:
                if progress is not None:
                    progress(f"{task.value}/{scorer.name}", done, total)

            run = make_run(scorer, task, queries, data, depth=depth, progress=tick)
            seconds = time.perf_counter() - t
            result.add(score_run(qrels, run, task.value, catalog, seconds))
            timer.stage(f"{task.value}/{scorer.name}", t)
            log.info("%s/%s: %d queries in %.0f s", task.value, scorer.name, len(queries), seconds)
    timer.stage("total", t0)
    result.timings = timer.timings
    result.notes = {"data": str(data.folder), "gold": {t.value: str(p) for t, p in gold.items()}}
    return result
