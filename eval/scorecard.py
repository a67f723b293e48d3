"""The real-data scorecard: every dev set, BM25, plain e5 cosine and ChainMatch, one process.

The catalog, the engine (its statements encoded once, cache permitting) and the baselines
are built once and shared by every set:

- ``supplier``: find-supplier, filtered (known suppliers dropped), macro over queries;
- ``supplier_by_link``: the same rankings, macro over hidden links (`eval.linkscore`);
- ``substitute``: find-substitute on shared products, unfiltered;
- ``competitor``: competitor pairs from news and filings (``gold_competitor_dev.jsonl``)
  through the substitute verb and protocol, unfiltered;
- ``ask``: ask by product class (`eval.askset`), through `MatchEngine.ask` (dense, sparse
  and BM25 evidence, `matcher.hybrid`), BM25 of the question and plain cosine (a company's
  mean vector, and its best product). Per evidence kind: ``python -m eval.ask_ablation``.

Example usage::

    result = run_scorecard(encoder)
    write_report(result, Path("reports/now"))
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from catalog.errors import InvalidInputError
from embeddings.base import Encoder
from embeddings.choice import sparse_encoder_for
from eval.ashare import AshareData, build_organisations, load_ashare, read_jsonl
from eval.askset import Asker, AskSet, build_ask_set, make_ask_run
from eval.baselines import BM25Baseline, EmbeddingBaseline, EmbeddingMaxBaseline
from eval.linkscore import score_by_link
from eval.metrics import Qrels, Run
from eval.protocol import GoldTask, Scorer, gold_groups, load_gold, make_run
from eval.report import BenchResult, score_run
from eval.runner import EngineScorer, Progress, StageTimer, build_engine

__all__ = ["SETS", "run_scorecard", "scorecard_gold"]

log = logging.getLogger(__name__)

SETS = ("supplier", "supplier_by_link", "substitute", "competitor", "ask")
# gold file of each set that has one, and the protocol it is scored with
_GOLD = {
    "supplier": ("gold_supplier_dev.jsonl", GoldTask.SUPPLIER),
    "substitute": ("gold_substitute_dev.jsonl", GoldTask.SUBSTITUTE),
    "competitor": ("gold_competitor_dev.jsonl", GoldTask.SUBSTITUTE),
}
CAPTION = (
    "Macro averages over queries (supplier_by_link: over hidden links, each link's queries "
    "restricted to that link's gold). supplier is filtered (known suppliers removed before "
    "the metrics); substitute and competitor are not; ask drops the companies that list the "
    "asked term itself. embedding_max scores a company by its best product."
)


def scorecard_gold(data_dir: Path) -> dict[str, Path]:
    """The dev gold file of each set that has one; a missing file is an error."""
    files = {name: data_dir / f for name, (f, _) in _GOLD.items()}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise InvalidInputError(f"scorecard gold files not found: {', '.join(missing)}")
    return files


def run_scorecard(
    encoder: Encoder,
    *,
    data_dir: Path | None = None,
    depth: int = 100,
    max_queries: int | None = None,
    language_centering: float | None = None,
    progress: Progress | None = None,
    name: str = "scorecard dev",
) -> BenchResult:
    """Every set, every run; timings per stage. ``max_queries`` keeps the first N queries
    of each set; ``language_centering`` overrides the engine's default."""
    from matcher.index import faiss_threads  # FAISS: loaded by a run, not by `eval --help`

    timer = StageTimer()
    t0 = time.perf_counter()
    with faiss_threads(1):  # small searches on 2 cores: see eval.runner
        data = load_ashare(data_dir)
        files = scorecard_gold(data.folder)
        supplier_pairs = list(read_jsonl(files["supplier"], require=("query", "supplier")))
        golds = {s: load_gold(path, _GOLD[s][1]) for s, path in files.items()}
        asks = build_ask_set(data).head(max_queries)
        timer.stage("load data and gold", t0)

        t = time.perf_counter()
        orgs = build_organisations(data)
        bm25 = BM25Baseline(orgs)
        timer.stage("bm25 index", t)
        emb, emb_max = EmbeddingBaseline(orgs, encoder), EmbeddingMaxBaseline(orgs, encoder)
        t = time.perf_counter()
        sparse = sparse_encoder_for(encoder)  # ask's sparse evidence: the SAE head, cached
        engine = build_engine(
            data, encoder, language_centering=language_centering, sparse_encoder=sparse
        )
        timer.stage("chainmatch build (encode + index)", t)
        t = time.perf_counter()
        engine.learned()
        timer.stage("chainmatch learn (signals + need inference)", t)
        chain = EngineScorer(engine)

        result = BenchResult(name, caption=CAPTION)
        result.groups = {s: gold_groups(files[s], _GOLD[s][1]) for s in ("supplier", "substitute")}
        catalog = sorted(data.companies)
        for set_name in _GOLD:
            qrels = golds[set_name]
            queries = qrels.evaluated_queries()[:max_queries]
            qrels = Qrels({q: qrels[q] for q in queries})
            for scorer in (bm25, emb, chain):
                t = time.perf_counter()
                run = _gold_run(scorer, set_name, queries, data, depth, progress)
                result.add(score_run(qrels, run, set_name, catalog, time.perf_counter() - t))
                if set_name == "supplier":
                    by_link = score_by_link(
                        supplier_pairs, run, "supplier_by_link", catalog, queries=set(queries)
                    )
                    result.add(by_link)
                timer.stage(f"{set_name}/{scorer.name}", t)
        for asker in (bm25, emb, emb_max, chain):
            t = time.perf_counter()
            run = _ask_run(asker, asks, depth, progress)
            result.add(score_run(asks.qrels, run, "ask", catalog, time.perf_counter() - t))
            timer.stage(f"ask/{asker.name}", t)
    timer.stage("total", t0)
    result.timings = timer.timings
    result.notes = {
        "data": str(data.folder),
        "gold": {s: str(p) for s, p in files.items()},
        "ask": f"{len(asks.questions)} parent terms of product_subclasses.jsonl",
        "language_centering": "engine default"
        if language_centering is None
        else language_centering,
        "ask_recipe": repr(engine.hybrid.recipe),
    }
    return result


def _ticker(progress: Progress | None, stage: str, total: int) -> Callable[[int], None]:
    def tick(done: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    return tick


def _gold_run(
    scorer: Scorer,
    set_name: str,
    queries: Sequence[str],
    data: AshareData,
    depth: int,
    progress: Progress | None,
) -> Run:
    stage = f"{set_name}/{scorer.name}"
    tick = _ticker(progress, stage, len(queries))
    run = make_run(scorer, _GOLD[set_name][1], queries, data, depth=depth, progress=tick)
    log.info("%s: %d queries", stage, len(queries))
    return run


def _ask_run(asker: Asker, asks: AskSet, depth: int, progress: Progress | None) -> Run:
    tick = _ticker(progress, f"ask/{asker.name}", len(asks.questions))
    run = make_ask_run(asker, asks, depth=depth, progress=tick)
    log.info("ask/%s: %d questions", asker.name, len(asks.questions))
    return run
