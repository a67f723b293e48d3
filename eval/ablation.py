"""Ablation on the A-share dev split: the shipped ranker, then each signal removed in turn.

Run: ``python -m eval.ablation [--records FILE]``. Find-supplier reuses the recorded score
parts of ``eval.fit_weights`` (same candidates, one weight set to 0, diversity left out);
find-substitute re-runs the engine for each variant (the chain relation's bonus back at
0.04; other aggregations of the per-product matches). Metrics come from ``eval.metrics`` with the
protocol's filtering.
"""

from __future__ import annotations

import argparse
import logging
import pickle
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from embeddings.choice import EncoderKind, open_encoder
from eval.ashare import default_data_dir, load_ashare
from eval.fit_weights import FITTED, record_dev
from eval.home import home_paths
from eval.metrics import evaluate
from eval.protocol import GoldTask, load_gold, make_run
from eval.records import Record, records_run
from eval.report import MEASURES
from eval.runner import EngineScorer, build_engine
from matcher.index import set_faiss_threads
from matcher.ranker import ChainAwareRanker, RankWeights
from matcher.scoring import Aggregation
from matcher.types import Signal

__all__ = ["TRIED", "main", "supplier_ablation"]

TRIED = {Signal.STATED: 0.32, Signal.LEXICAL: 0.005, Signal.TRANSITION: 0.02}

log = logging.getLogger(__name__)


def supplier_ablation(
    records: Sequence[Record], weights: RankWeights
) -> dict[str, dict[str, float]]:
    """Metrics of the shipped weights and of each fitted weight set to 0."""
    out: dict[str, dict[str, float]] = {}
    variants = [("chainmatch", weights)]
    scales = weights.scales()  # the chain and every signal
    names = ("chain", *FITTED)
    variants += [(f"− {n}", weights.without(n)) for n in names if scales[n]]
    # signals the fit leaves at 0, added back at the weight that was tried (fit_weights)
    for signal, value in TRIED.items():
        if not weights.of(signal):
            variants.append((f"+ {signal} ({value})", replace(weights, **{signal: value})))
    for name, w in variants:
        run, qrels = records_run(records, w, name=name)
        out[name] = evaluate(qrels, run, MEASURES)
    return out


def substitute_ablation() -> dict[str, dict[str, float]]:
    paths = home_paths()
    enc = open_encoder(EncoderKind.E5_SMALL, models=paths.models, cache=paths.cache, progress=False)
    data = load_ashare()
    qrels = load_gold(default_data_dir() / "gold_substitute_dev.jsonl", GoldTask.SUBSTITUTE)
    queries = qrels.evaluated_queries()
    engine = build_engine(data, enc)
    shipped = RankWeights.fitted()
    out: dict[str, dict[str, float]] = {}
    for name, weights, how in (
        ("chainmatch", shipped, Aggregation.BLEND),
        ("+ chain relation (0.04)", replace(shipped, substitute_chain=0.04), Aggregation.BLEND),
        ("power (p = 16) instead of blend", shipped, Aggregation.POWER),
        ("max instead of blend", shipped, Aggregation.MAX),
    ):
        engine.ranker = ChainAwareRanker(engine.taxonomy, weights=weights)
        engine.substitute_aggregation = how
        run = make_run(EngineScorer(engine, name), GoldTask.SUBSTITUTE, queries, data)
        out[name] = evaluate(qrels, run, MEASURES)
        log.info("%s: %s", name, out[name])
    return out


def _table(title: str, rows: dict[str, dict[str, float]]) -> str:
    lines = [f"### {title}", "", "| variant | " + " | ".join(MEASURES) + " |"]
    lines.append("|---|" + "---|" * len(MEASURES))
    for name, m in rows.items():
        lines.append(f"| {name} | " + " | ".join(f"{m[k]:.3f}" for k in MEASURES) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, help="recorded parts from eval.fit_weights")
    parser.add_argument("--skip-substitute", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    set_faiss_threads(1)
    if args.records is not None and args.records.is_file():
        recs: list[Record] = pickle.loads(args.records.read_bytes())
    else:
        recs = record_dev()
    weights = RankWeights.fitted()
    log.info("weights: %s", asdict(weights))
    text = _table("find-supplier (filtered), dev", supplier_ablation(recs, weights))
    if not args.skip_substitute:
        text += "\n\n" + _table("find-substitute, dev", substitute_ablation())
    log.info("\n%s", text)


if __name__ == "__main__":
    main()
