"""Ablation of `ask` per evidence kind (dense, sparse, BM25, share) and per recipe step.

Run: ``python -m eval.ask_ablation [--max-queries N] [--out DIR] [--backend openvino|torch]
[--no-demo]``. One process builds the A-share catalog, the baselines and the engine (sparse
head included) once, then asks every question of each set with each variant of
`matcher.hybrid.ASK_RECIPE` swapped in (`MatchEngine.hybrid`):

- the single kinds through the engine: ``dense`` (plain cosine of the best offer — the
  engine with nothing else, equal to the scorecard's ``embedding_max``), ``sparse``,
  ``bm25`` (jieba words), ``ngram`` (BM25 over character bigrams);
- the recipe built up step by step (+ neighbours' feedback, + breadth, + sparse, + ngram,
  + main-business share = shipped), and the shipped recipe with one step removed or changed
  (− feedback, − breadth, − sparse, − ngram, share at 0.2, ngram at 0.5 / 1 / 1.5, + BM25
  over words at 0.1, centered vectors);
- beside them the scorecard's plain baselines, ``bm25`` and ``embedding_max``.

Sets: ``ask`` (ask by product class, the dev set the recipe was chosen on: `eval.askset`),
``ask_industry`` (Shenwan L3 industry names → their companies; a check, never used to
choose) and, as a sanity check only, ``demo_probes`` (the demo park's 50 need → supplier
probes asked as free questions; the demo park is for showing, never for choosing).
The table goes to stdout, the report (Markdown, JSON, plots) to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import replace
from pathlib import Path

from catalog.demo import load_demo_organisations
from catalog.taxonomy import load_default_taxonomy
from embeddings.base import Encoder
from embeddings.choice import (
    Backend,
    default_backend,
    sparse_encoder_for,
)
from eval.ashare import build_organisations, load_ashare
from eval.askset import AskSet, build_ask_set, build_industry_ask_set, make_ask_run
from eval.baselines import BM25Baseline, EmbeddingMaxBaseline
from eval.home import home_e5, home_paths
from eval.metrics import Qrels
from eval.report import BenchResult, score_run, write_report
from eval.runner import EngineScorer, build_engine
from matcher.engine import MatchEngine
from matcher.fusion import EvidenceKind, FusionWeights
from matcher.hybrid import ASK_RECIPE, AskEvidence, AskRecipe
from matcher.index import set_faiss_threads

__all__ = ["VARIANTS", "demo_probe_set", "main", "run_ask_ablation"]

log = logging.getLogger(__name__)

_K = EvidenceKind
_ALONE = AskRecipe()  # plain cosine, no feedback, no breadth, dense only
VARIANTS: dict[str, AskRecipe] = {
    "dense": _ALONE,
    "sparse": replace(_ALONE, weights=FusionWeights().only(_K.SPARSE)),
    "bm25 (engine)": replace(_ALONE, weights=FusionWeights().only(_K.BM25)),
    "ngram (engine)": replace(_ALONE, weights=FusionWeights().only(_K.NGRAM)),
    "dense + feedback": replace(_ALONE, feedback=ASK_RECIPE.feedback),
    "dense + feedback + breadth": replace(ASK_RECIPE, weights=FusionWeights()),
    "+ sparse": replace(ASK_RECIPE, weights=FusionWeights(sparse=ASK_RECIPE.weights.sparse)),
    "+ sparse + bm25 0.1 (shipped before ngram)": replace(
        ASK_RECIPE, weights=FusionWeights(sparse=ASK_RECIPE.weights.sparse, bm25=0.1)
    ),
    "+ sparse + ngram (shipped before share)": replace(
        ASK_RECIPE, weights=ASK_RECIPE.weights.without(_K.SHARE)
    ),
    "chainmatch (shipped)": ASK_RECIPE,
    "shipped − feedback": replace(ASK_RECIPE, feedback=0),
    "shipped − breadth": replace(ASK_RECIPE, breadth=0.0),
    "shipped − sparse": replace(ASK_RECIPE, weights=ASK_RECIPE.weights.without(_K.SPARSE)),
    "shipped − ngram": replace(ASK_RECIPE, weights=ASK_RECIPE.weights.without(_K.NGRAM)),
    "shipped, share 0.2": replace(ASK_RECIPE, weights=replace(ASK_RECIPE.weights, share=0.2)),
    **{
        f"shipped, ngram {w}": replace(ASK_RECIPE, weights=replace(ASK_RECIPE.weights, ngram=w))
        for w in (0.5, 1.0, 1.5)
    },
    "shipped, bm25 0.1": replace(ASK_RECIPE, weights=replace(ASK_RECIPE.weights, bm25=0.1)),
    "shipped, centered": replace(ASK_RECIPE, plain=False),
}


def demo_probe_set() -> AskSet:
    """The demo park's need → supplier probes as free questions (sanity check only)."""
    doc = json.loads(
        (Path(__file__).resolve().parents[1] / "tests" / "data" / "demo_probes.json").read_text(
            "utf-8"
        )
    )
    questions: dict[str, str] = {}
    gold: dict[str, dict[str, int]] = {}
    for i, p in enumerate(doc["probes"]):
        q = f"probe-{i:02d}"
        questions[q] = p["need"]
        gold[q] = dict.fromkeys([p["supplier_org"], *p.get("other_suppliers", [])], 1)
    return AskSet(questions, Qrels(gold), {q: set() for q in questions})


def _score_variants(
    result: BenchResult,
    engine: MatchEngine,
    task: str,
    asks: AskSet,
    baselines: list[EngineScorer | BM25Baseline | EmbeddingMaxBaseline],
    catalog: list[str],
) -> None:
    for base in baselines:
        t = time.perf_counter()
        run = make_ask_run(base, asks)
        result.add(score_run(asks.qrels, run, task, catalog, time.perf_counter() - t))
    for name, recipe in VARIANTS.items():
        engine.hybrid = AskEvidence(engine.vectors, engine.orgs, recipe)
        t = time.perf_counter()
        run = make_ask_run(EngineScorer(engine, name), asks)
        result.add(score_run(asks.qrels, run, task, catalog, time.perf_counter() - t))
        log.info("%s/%s: %s", task, name, result.tasks[task][name].metrics)
    engine.hybrid = AskEvidence(engine.vectors, engine.orgs, ASK_RECIPE)


def run_ask_ablation(
    encoder: Encoder, *, max_queries: int | None = None, demo: bool = True
) -> BenchResult:
    data = load_ashare()
    orgs = build_organisations(data)
    catalog = sorted(data.companies)
    engine = build_engine(data, encoder, sparse_encoder=sparse_encoder_for(encoder))
    baselines = [BM25Baseline(orgs), EmbeddingMaxBaseline(orgs, encoder)]
    result = BenchResult("ask ablation", caption="Every row but the baselines is the engine.")
    for task, asks in (
        ("ask", build_ask_set(data).head(max_queries)),
        ("ask_industry", build_industry_ask_set(data).head(max_queries)),
    ):
        _score_variants(result, engine, task, asks, baselines, catalog)  # type: ignore[arg-type]
    if demo:
        demo_orgs = load_demo_organisations()
        demo_engine = MatchEngine(
            demo_orgs,
            load_default_taxonomy(),
            encoder,
            sparse_encoder=sparse_encoder_for(encoder),
        ).build()
        demo_base = [BM25Baseline(demo_orgs), EmbeddingMaxBaseline(demo_orgs, encoder)]
        ids = sorted(o.id for o in demo_orgs)
        _score_variants(result, demo_engine, "demo_probes", demo_probe_set(), demo_base, ids)  # type: ignore[arg-type]
    result.notes = {"encoder": encoder.model_id, "recipe": repr(ASK_RECIPE)}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-queries", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--backend", type=Backend, default=default_backend())
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    set_faiss_threads(1)
    enc = home_e5(args.backend)
    try:
        result = run_ask_ablation(enc, max_queries=args.max_queries, demo=not args.no_demo)
    finally:
        enc.cache.close()
    out = args.out or home_paths().reports / f"ask-ablation-{time.strftime('%Y%m%d-%H%M%S')}"
    write_report(result, out)
    for row in result.table():
        print(" | ".join(row))  # noqa: T201
    print(f"report: {out}")  # noqa: T201


if __name__ == "__main__":
    main()
