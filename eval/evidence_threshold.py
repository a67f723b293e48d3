"""Choose the evidence threshold on real labelled pairs: ``python -m eval.evidence_threshold``.

A result cites a need → offer pair only when the pair's *margin* — its cosine minus the
need's reference in the catalog, as `matcher.evidence` computes it — reaches the threshold.
This measures that margin on the pairs the engine itself would cite, in its own vectors
(e5, prefixes, language centering), on the A-share dev data:

- **ask** (choose): each ask-by-product-class question (`eval.askset`) and its top answers
  (``--depth``, after the question's own makers are dropped); a pair is relevant when the
  answering company is gold (makes a child of the asked term), other otherwise. The
  threshold is the one with the best F1 here.
- **supplier** (check): each find-supplier dev query and its top suppliers, unfiltered; a
  pair is relevant when the candidate is a *known* supplier (makes a stated input of the
  query's products, `AshareData.known_suppliers`), other when it is neither known nor gold.
  Gold suppliers come through hidden links that the query's stated needs never name, so
  their best pair is no evidence of the link; they are reported apart — how many would be
  exploratory and what they rest on instead.

The plain cosine is measured the same way, for comparison. Logs both sets' figures (and
``--json`` the whole report); the chosen value is written by hand beside
`matcher.evidence.EVIDENCE_THRESHOLD` with these figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from catalog.errors import InvalidInputError
from eval.ashare import AshareData
from eval.askset import AskSet
from eval.metrics import Qrels
from matcher.evidence import Basis
from matcher.types import Direction, Match

if TYPE_CHECKING:
    from matcher.engine import MatchEngine

__all__ = [
    "Figures",
    "Labelled",
    "ask_pairs",
    "choose_threshold",
    "figures_at",
    "main",
    "supplier_pairs",
]

log = logging.getLogger(__name__)


@dataclass
class Labelled:
    """One set's cited pairs by label: margins and, for comparison, plain cosines. Pairs of
    gold suppliers (supplier set) are kept apart, with what their matches rest on."""

    name: str
    relevant: list[float] = field(default_factory=list)
    other: list[float] = field(default_factory=list)
    relevant_cos: list[float] = field(default_factory=list)
    other_cos: list[float] = field(default_factory=list)
    apart: list[float] = field(default_factory=list)
    apart_bases: Counter[str] = field(default_factory=Counter)

    def add(self, m: Match, label: bool | None) -> None:
        """A match's best margin and best cosine under ``label`` (None: kept apart)."""
        if m.evidence_margin is None or not m.evidence:
            return  # nothing judged: no statement pair to cite at all
        cos = max(e.score for e in m.evidence)
        if label is None:
            self.apart.append(m.evidence_margin)
            self.apart_bases.update(b for b in m.rests_on if b != Basis.STATEMENTS)
        elif label:
            self.relevant.append(m.evidence_margin)
            self.relevant_cos.append(cos)
        else:
            self.other.append(m.evidence_margin)
            self.other_cos.append(cos)


@dataclass(frozen=True)
class Figures:
    """A threshold's figures on one set: a pair is cited when its value ≥ ``threshold``."""

    threshold: float
    precision: float
    recall: float
    f1: float
    other_cited: float  # share of the other pairs that would still be cited
    auc: float  # P(a relevant pair's value > an other pair's), ties count half
    relevant: int
    other: int


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    ranked = np.sort(neg)
    below = np.searchsorted(ranked, pos, side="left")
    ties = np.searchsorted(ranked, pos, side="right") - below
    return float((below + 0.5 * ties).sum() / (len(pos) * len(neg)))


def figures_at(relevant: Sequence[float], other: Sequence[float], threshold: float) -> Figures:
    """Precision, recall, F1 and the share of other pairs cited at ``threshold``."""
    pos, neg = np.asarray(relevant, dtype=np.float64), np.asarray(other, dtype=np.float64)
    if not len(pos):
        raise InvalidInputError("no relevant pairs to measure a threshold on")
    tp, fp = int((pos >= threshold).sum()), int((neg >= threshold).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(pos)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Figures(
        threshold=threshold,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        other_cited=round(fp / len(neg), 4) if len(neg) else 0.0,
        auc=round(_auc(pos, neg), 4),
        relevant=len(pos),
        other=len(neg),
    )


def choose_threshold(
    relevant: Sequence[float], other: Sequence[float], *, decimals: int = 3
) -> Figures:
    """The threshold with the best F1 among the values floored to ``decimals`` (its figures
    are those of the floored value); of equal F1 the higher, stricter one."""
    scale = 10**decimals  # each value floored, so a value is always cited at its own threshold
    values = sorted(
        {math.floor(round(float(v) * scale, 6)) / scale for v in [*relevant, *other]},
        reverse=True,
    )
    if not values:
        raise InvalidInputError("no labelled pairs to choose a threshold on")
    best = max(
        (figures_at(relevant, other, t) for t in values),
        key=lambda f: (f.f1, f.threshold),
    )
    return best


def ask_pairs(
    engine: MatchEngine, asks: AskSet, depth: int, progress: Callable[[int], None] | None = None
) -> Labelled:
    """Each question's top ``depth`` answers (its own makers dropped): gold or other."""
    out = Labelled("ask")
    for i, q in enumerate(asks.qrels.evaluated_queries()):
        drop, gold = asks.drop[q], asks.qrels.relevant(q)
        k = min(1000, len(engine.orgs), depth + len(drop))
        kept = [m for m in engine.ask(asks.questions[q], k=k).matches if m.org_id not in drop]
        for m in kept[:depth]:
            out.add(m, m.org_id in gold)
        if progress is not None:
            progress(i + 1)
    return out


def supplier_pairs(
    engine: MatchEngine,
    data: AshareData,
    gold: Qrels,
    depth: int,
    progress: Callable[[int], None] | None = None,
) -> Labelled:
    """Each query's top ``depth`` suppliers, unfiltered: known supplier, other, or (apart)
    gold."""
    out = Labelled("supplier")
    for i, q in enumerate(gold.evaluated_queries()):
        known, hidden = data.known_suppliers(q), gold.relevant(q)
        try:
            res = engine.find_partners(q, direction=Direction.SUPPLIERS, k=depth)
        except InvalidInputError:  # no needs to ask with
            continue
        for m in res.matches:
            out.add(m, None if m.org_id in hidden else m.org_id in known)
        if progress is not None:
            progress(i + 1)
    return out


def report(ask: Labelled, supplier: Labelled) -> dict[str, Any]:
    """The margin's threshold chosen on ask and checked on supplier; the same for the plain
    cosine; what the gold suppliers' matches would rest on."""
    chosen = choose_threshold(ask.relevant, ask.other)
    t = chosen.threshold
    cos = choose_threshold(ask.relevant_cos, ask.other_cos)
    apart = np.asarray(supplier.apart)
    n_apart = len(apart)
    return {
        "margin": {
            "ask": asdict(chosen),
            "supplier": asdict(figures_at(supplier.relevant, supplier.other, t)),
        },
        "cosine": {
            "ask": asdict(cos),
            "supplier": asdict(
                figures_at(supplier.relevant_cos, supplier.other_cos, cos.threshold)
            ),
        },
        "gold_suppliers": {
            "pairs": n_apart,
            "exploratory": round(float((apart < t).mean()), 4) if n_apart else 0.0,
            "rest_on": {b: round(n / n_apart, 4) for b, n in supplier.apart_bases.most_common()}
            if n_apart
            else {},
        },
    }


def _table(doc: dict[str, Any]) -> str:
    cols = ("value", "set", "relevant", "other", "AUC", "threshold", "precision", "recall", "F1")
    lines = ["| " + " | ".join((*cols, "other cited")) + " |", "|---" * (len(cols) + 1) + "|"]
    for value in ("margin", "cosine"):
        for name, role in (("ask", "choose"), ("supplier", "check")):
            f = doc[value][name]
            lines.append(
                f"| {value} | {name} ({role}) | {f['relevant']} | {f['other']} | {f['auc']:.3f} "
                f"| {f['threshold']:.3f} | {f['precision']:.3f} | {f['recall']:.3f} "
                f"| {f['f1']:.3f} | {f['other_cited']:.3f} |"
            )
    g = doc["gold_suppliers"]
    rest = ", ".join(f"{b} {share:.2f}" for b, share in g["rest_on"].items())
    lines.append(
        f"\ngold (hidden-link) suppliers: {g['pairs']} matches, {g['exploratory']:.3f} "
        f"exploratory at the margin threshold; they rest on: {rest}"
    )
    return "\n".join(lines)


def measure(
    *,
    data_dir: Path | None,
    depth: int,
    centering: float | None,
    max_queries: int | None,
    backend: str | None,
) -> dict[str, Any]:
    """Build the A-share engine (cache permitting), collect both sets, report."""
    from embeddings.choice import Backend, EncoderKind, default_backend, open_encoder
    from eval.ashare import load_ashare
    from eval.askset import build_ask_set
    from eval.home import home_paths
    from eval.protocol import GoldTask, load_gold
    from eval.runner import build_engine
    from matcher.index import faiss_threads

    paths = home_paths()
    chosen = Backend(backend) if backend else default_backend()
    enc = open_encoder(
        EncoderKind.E5_SMALL, models=paths.models, cache=paths.cache, backend=chosen, progress=False
    )
    try:
        with faiss_threads(1):
            data = load_ashare(data_dir)
            gold = load_gold(data.folder / "gold_supplier_dev.jsonl", GoldTask.SUPPLIER)
            gold = Qrels({q: gold[q] for q in gold.evaluated_queries()[:max_queries]})
            asks = build_ask_set(data).head(max_queries)
            engine = build_engine(data, enc, language_centering=centering)
            engine.evidence.threshold = -math.inf  # cite every pair, record every margin
            engine.learned()
            n_q, n_s = len(asks.questions), len(gold)
            log.info("collecting: %d questions, %d supplier queries", n_q, n_s)
            ask = ask_pairs(engine, asks, depth, _every(100, "ask"))
            sup = supplier_pairs(engine, data, gold, depth, _every(100, "supplier"))
    finally:
        enc.cache.close()
    doc = report(ask, sup)
    doc["setup"] = {
        "model_id": enc.model_id,
        "language_centering": engine.vectors.centering.strength,
        "depth": depth,
        "questions": len(asks.questions),
        "supplier_queries": len(gold),
        "data": str(data.folder),
    }
    return doc


def _every(n: int, stage: str) -> Callable[[int], None]:
    def tick(done: int) -> None:
        if done % n == 0:
            log.info("%s: %d", stage, done)

    return tick


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m eval.evidence_threshold",
        description="Choose the evidence threshold (margin of a cited need → offer pair over "
        "the need's reference) on the A-share ask set and check it on the supplier set.",
    )
    parser.add_argument("--data", type=Path, help="A-share folder (default ../shared/data/ashare)")
    parser.add_argument("--depth", type=int, default=20, help="answers per query (default 20)")
    parser.add_argument(
        "--language-centering",
        type=float,
        help="measure at this centering instead of the engine's default (0.5)",
    )
    parser.add_argument("--max-queries", type=int, help="first N queries of each set (trials)")
    parser.add_argument("--backend", choices=("openvino", "torch"), help="where e5 runs")
    parser.add_argument("--json", action="store_true", help="log the whole report as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.depth < 1:
        parser.error("--depth must be at least 1")
    doc = measure(
        data_dir=args.data,
        depth=args.depth,
        centering=args.language_centering,
        max_queries=args.max_queries,
        backend=args.backend,
    )
    setup = doc["setup"]
    log.info(
        "evidence threshold — %s, language centering %s, top %d answers; %d questions, "
        "%d supplier queries",
        setup["model_id"],
        setup["language_centering"],
        setup["depth"],
        setup["questions"],
        setup["supplier_queries"],
    )
    log.info("\n%s", _table(doc))
    if args.json:
        log.info("%s", json.dumps(doc, ensure_ascii=False))


if __name__ == "__main__":
    main()
