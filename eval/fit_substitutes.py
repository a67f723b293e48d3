"""Fit find-substitute's weights on two real dev sets at once; write them into
``matcher/data/weights.json``.

Run: ``python -m eval.fit_substitutes [--max-queries N] [--records FILE] [--write]``.

The two sets ask different things of one verb: ``gold_substitute_dev`` says "makes one of
the same rare products", ``gold_competitor_dev`` says "what analysts and the news call a
competitor". One weighting serves both, so the fit maximises the **worse** of the two lifts
over the set's better plain baseline (BM25 or one-vector e5 cosine, measured in the same
run): lift = nDCG@10 of ChainMatch / nDCG@10 of that baseline. A weighting that buys one set
at the other's expense does not win; the substitute targets (MRR ≥ 0.60, nDCG@10 ≥ 0.40)
are checked as a bound, and a weighting below them is rejected.

As in `eval.fit_weights`, the engine scores each query once with `RankWeights.unit` and a
weighting is a dot product over the recorded parts (`eval.records`); coordinate ascent over
`GRID` costs seconds. The held-out check splits the **companies** (stable hash of the query
code) into two halves: weights fitted on one half of both sets are scored on the other.
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from embeddings.choice import EncoderKind, open_encoder
from eval.ashare import build_organisations, default_data_dir, load_ashare
from eval.baselines import BM25Baseline, EmbeddingBaseline
from eval.home import home_paths
from eval.metrics import Qrels, evaluate, evaluate_per_query
from eval.protocol import GoldTask, load_gold, make_run
from eval.records import Record, record_substitutes, records_run
from eval.runner import build_engine
from matcher.index import set_faiss_threads
from matcher.ranker import RankWeights
from matcher.types import Task

__all__ = ["FITTED", "GRID", "SETS", "SubstituteSet", "fit", "lift", "main", "record_sets"]

log = logging.getLogger(__name__)

SETS = ("substitute", "competitor")
FITTED = ("substitute_chain", "group", "overlap", "profile", "breadth")
GRID = (0.0, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12, 0.16, 0.24, 0.32)
TARGETS = {"mrr": 0.60, "ndcg@10": 0.40}  # find-substitute's own targets, kept as a bound
MEASURES = ["ndcg@10", "recall@10", "recall@50", "mrr"]


@dataclass
class SubstituteSet:
    """One dev set's recorded candidates, the queries it evaluates (one the engine cannot
    ask scores 0) and its plain baselines' nDCG@10 per query (missing: 0)."""

    name: str
    records: list[Record]
    queries: list[str]
    baselines: dict[str, dict[str, float]]

    def baseline(self) -> float:
        """The better baseline's nDCG@10 over this set's queries."""
        n = max(len(self.queries), 1)
        means = [sum(per.get(q, 0.0) for q in self.queries) / n for per in self.baselines.values()]
        return max(means, default=0.0)

    def half(self, h: int) -> SubstituteSet:
        """The queries of one company half (stable hash of the query code)."""
        return SubstituteSet(
            self.name,
            [r for r in self.records if _half(r.query) == h],
            [q for q in self.queries if _half(q) == h],
            self.baselines,
        )


def _half(query: str) -> int:
    return zlib.crc32(query.encode()) % 2


def scores(s: SubstituteSet, weights: RankWeights) -> dict[str, float]:
    """Macro averages over all the set's queries (unanswerable ones count 0)."""
    if not s.records:
        return dict.fromkeys(MEASURES, 0.0)
    run, qrels = records_run(s.records, weights, depth=50, task=Task.SUBSTITUTES)
    got = evaluate(qrels, run, MEASURES)
    share = len(s.records) / max(len(s.queries), 1)
    return {m: v * share for m, v in got.items()}


def lift(sets: Sequence[SubstituteSet], weights: RankWeights) -> float:
    """The worse set's nDCG@10 over its better baseline; −1 below the substitute targets."""
    out = []
    for s in sets:
        got = scores(s, weights)
        if s.name == "substitute" and any(got[m] < t for m, t in TARGETS.items()):
            return -1.0
        out.append(got["ndcg@10"] / max(s.baseline(), 1e-9))
    return min(out)


def fit(
    sets: Sequence[SubstituteSet], start: RankWeights, rounds: int = 2
) -> tuple[RankWeights, float]:
    """Coordinate ascent of `lift` over `GRID` for each of `FITTED` (ties: keep)."""
    best_w, best = start, lift(sets, start)
    for _ in range(rounds):
        for name in FITTED:
            for value in GRID:
                w = replace(best_w, **{name: value})
                v = lift(sets, w)
                if v > best + 1e-9:
                    best_w, best = w, v
        log.info("round: worse lift %.4f with %s", best, {n: getattr(best_w, n) for n in FITTED})
    return best_w, best


def record_sets(max_queries: int | None = None) -> list[SubstituteSet]:
    """Both dev sets: the engine's candidates with unit-weight parts, and the baselines'
    nDCG@10 on the same queries (BM25 and one-vector cosine, as the scorecard runs them)."""
    set_faiss_threads(1)  # see eval.runner: small searches, 2 cores
    paths = home_paths()
    encoder = open_encoder(
        EncoderKind.E5_SMALL, models=paths.models, cache=paths.cache, progress=False
    )
    data = load_ashare()
    engine = build_engine(data, encoder, weights=RankWeights.unit())
    orgs = build_organisations(data)
    baselines = (BM25Baseline(orgs), EmbeddingBaseline(orgs, encoder))
    out = []
    for name in SETS:
        qrels = load_gold(default_data_dir() / f"gold_{name}_dev.jsonl", GoldTask.SUBSTITUTE)
        queries = qrels.evaluated_queries()[:max_queries]
        qrels = Qrels({q: qrels[q] for q in queries})
        base: dict[str, dict[str, float]] = {}
        for b in baselines:
            run = make_run(b, GoldTask.SUBSTITUTE, queries, data, depth=50)
            base[b.name] = {
                m.query_id: m.value for m in evaluate_per_query(qrels, run, ["ndcg@10"])
            }
        records = record_substitutes(engine, qrels)
        out.append(SubstituteSet(name, records, list(queries), base))
        log.info("%s: %d of %d queries recorded", name, len(records), len(queries))
    return out


def _report(sets: Sequence[SubstituteSet], weights: RankWeights) -> dict[str, Any]:
    return {
        s.name: {m: round(v, 4) for m, v in scores(s, weights).items()}
        | {"better_baseline_ndcg@10": round(s.baseline(), 4)}
        for s in sets
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-queries", type=int, default=None, help="first N queries per set")
    parser.add_argument("--records", type=Path, help="pickle of recorded parts: reuse or write")
    parser.add_argument("--write", action="store_true", help="write matcher/data/weights.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.records is not None and args.records.is_file():
        # plain tuples: the class lives in ``__main__`` when run with ``-m``
        sets = [SubstituteSet(*fields) for fields in pickle.loads(args.records.read_bytes())]
    else:
        sets = record_sets(args.max_queries)
        if args.records is not None:
            plain = [(s.name, s.records, s.queries, s.baselines) for s in sets]
            args.records.write_bytes(pickle.dumps(plain))
    shipped = RankWeights.fitted()
    start = replace(shipped, **dict.fromkeys(FITTED, 0.0))
    weights, worse = fit(sets, start)
    halves: dict[str, Any] = {}
    for h, name in enumerate(("companies A", "companies B")):
        mine, other = [s.half(h) for s in sets], [s.half(1 - h) for s in sets]
        w, got = fit(mine, start)
        halves[name] = {
            "fitted": {n: getattr(w, n) for n in FITTED},
            "worse_lift_at_fit": round(got, 4),
            "held_out": _report(other, w),
            "all_dev_weights_on_held_out": _report(other, weights),
        }
    fitted: Mapping[str, Any] = {
        "how": "coordinate ascent over GRID of eval/fit_substitutes.py: the worse of the two "
        "sets' nDCG@10 lifts over their better plain baseline, substitute targets as a bound",
        "sets": ["gold_substitute_dev.jsonl", "gold_competitor_dev.jsonl"],
        "worse_lift_at_fit": round(worse, 4),
        "dev": _report(sets, weights),
        "before (all four at 0)": _report(sets, start),
        "company_halves": halves,
    }
    log.info("%s", json.dumps(fitted, indent=1, ensure_ascii=False))
    target = Path(__file__).resolve().parents[1] / "matcher" / "data" / "weights.json"
    doc = json.loads(target.read_text("utf-8"))
    doc["weights"].update({n: getattr(weights, n) for n in FITTED})
    doc["fitted"].pop("substitute_chain", None)  # superseded by this fit
    doc["fitted"]["substitutes"] = fitted
    if args.write:
        target.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
        log.info("wrote %s", target)
    else:
        log.info("dry run: pass --write to update %s", target)


if __name__ == "__main__":
    main()
