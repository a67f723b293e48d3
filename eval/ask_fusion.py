"""Other ways to fuse `ask`'s evidence, measured on dev over evidence gathered once.

Run: ``python -m eval.ask_fusion [--max-queries N] [--check] [--backend B]``. One process
builds the A-share engine (sparse head included), asks every dev question once through the
shipped recipe and keeps each kind's own score per candidate (`QuestionEvidence.scores`);
every variant then re-fuses those scores over the same candidates, so a grid costs seconds:

- the normalisation before the weighted sum (`Normalisation`): z-scores over all candidates
  (shipped), z-scores with the mean and spread of each kind's top k, min-max, and weighted
  reciprocal rank (a lexical kind gives nothing to a candidate it does not match);
- each over sparse 0.25 / 0.5 / 0.75 × bigrams 0.5 / 0.75 / 1.0 (dense 1, faded as shipped);
- the main-business share at 0 / 0.05 / 0.2 / 0.3 / 0.5 beside the shipped 0.1;
- bigram BM25 per offer statement, aggregated per company like dense and sparse (best +
  breadth × second best) instead of over the company's concatenated offers;
- a company offering the asked term word for word answered first. Dev cannot measure it:
  it drops those companies from every ranking, so it also reports ``ask_unfiltered`` (them
  counted as gold), which favours the feature by construction.

Dev is also split in halves (questions alternately, in id order). ``--check`` adds the
Shenwan-industry set for the shipped recipe and the variants named in ``CHECKED`` — only
what the rule in the README adopted; the check set never chooses.
"""

from __future__ import annotations

import argparse
import enum
import itertools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from eval.ashare import AshareData, load_ashare
from eval.askset import AskSet, build_ask_set, build_industry_ask_set
from eval.metrics import Qrels, Run, evaluate
from matcher.askpool import breadth_scores, top_two_per_org
from matcher.engine import MatchEngine
from matcher.fusion import EvidenceKind, FusionWeights
from matcher.hybrid import ASK_RECIPE, too_short
from matcher.lexical import LexicalIndex, Tokens
from matcher.profiles import Space

__all__ = ["Captured", "Normalisation", "capture", "exact_first", "fused", "main", "normalise"]

log = logging.getLogger(__name__)
F64 = npt.NDArray[np.float64]
MEASURES = ("ndcg@10", "mrr", "recall@10", "recall@50")
LEXICAL = (EvidenceKind.BM25, EvidenceKind.NGRAM)
# adopted on dev, so scored on the check set (share 0: the recipe before the share kind)
CHECKED = ("shipped", "shipped, share 0.0", "word for word first")
SHARES = (0.0, 0.05, 0.2, 0.3, 0.5)  # main-business share weights beside the shipped 0.1


class Normalisation(enum.StrEnum):
    """How one kind's scores are put on a common scale before the weighted sum."""

    ZSCORE = "z"  # over all candidates (shipped: `matcher.fusion.standardise`)
    ZSCORE_TOP = "z-top"  # mean and spread of the kind's top k, applied to all
    MINMAX = "min-max"  # over the top k (all: k = 0), clipped at 0 below it
    RECIPROCAL_RANK = "rrf"  # 1 / (k + rank)


def normalise(values: npt.ArrayLike, how: Normalisation, k: int = 0, lexical: bool = False) -> F64:
    """One kind's scores on ``how``'s scale; ``lexical``: a zero score (no shared term)
    gets no reciprocal-rank credit."""
    x = np.asarray(values, dtype=np.float64)
    if len(x) == 0:
        return x
    top = np.sort(x)[::-1][: k or len(x)]
    if how is Normalisation.RECIPROCAL_RANK:
        if k < 1:
            raise ValueError("reciprocal rank needs k ≥ 1")
        rank = np.empty(len(x))
        rank[np.argsort(-x, kind="stable")] = np.arange(1, len(x) + 1)
        out = 1.0 / (k + rank)
        return np.where(x > 0, out, 0.0) if lexical else out
    if how is Normalisation.MINMAX:
        lo, hi = float(top.min()), float(top.max())
        return np.zeros_like(x) if hi - lo <= 1e-12 else np.clip((x - lo) / (hi - lo), 0.0, None)
    sd = float(top.std())
    return np.zeros_like(x) if sd <= 1e-12 else (x - float(top.mean())) / sd


def fused(
    scores: Mapping[EvidenceKind, npt.ArrayLike],
    weights: FusionWeights,
    how: Normalisation = Normalisation.ZSCORE,
    k: int = 0,
) -> F64:
    """Σ weight × normalised score over the kinds weighed (z over all: the shipped order)."""
    arrays = {kind: np.asarray(v, dtype=np.float64) for kind, v in scores.items()}
    total = np.zeros(len(next(iter(arrays.values()))) if arrays else 0)
    for kind, values in arrays.items():
        if weights.of(kind):
            total += weights.of(kind) * normalise(values, how, k, lexical=kind in LEXICAL)
    return total


def exact_first(score: npt.ArrayLike, exact: npt.ArrayLike) -> F64:
    """``score`` with every word-for-word offerer above every other candidate."""
    s = np.asarray(score, dtype=np.float64)
    spread = float(s.max() - s.min()) + 1.0 if len(s) else 1.0
    return s + spread * np.asarray(exact, dtype=np.float64)


@dataclass(frozen=True)
class Captured:
    """One question's candidates (organisation ids), each kind's scores and weights."""

    ids: list[str]
    scores: dict[EvidenceKind, F64]
    weights: FusionWeights
    exact: F64  # 1 where the candidate offers the question word for word
    per_statement: F64  # bigram BM25 per offer statement, best + breadth × second


def capture(engine: MatchEngine, asks: AskSet) -> dict[str, Captured]:
    """Every question's evidence through the shipped recipe, plus bigram BM25 per offer
    statement (best + breadth × second) and who offers the question word for word."""
    table, hybrid = engine.vectors.table, engine.hybrid
    rows = np.flatnonzero(table.mask(Space.OFFERS)).astype(np.int64)
    texts = [table.texts[int(r)] for r in rows]
    owner = table.org[rows].astype(np.int64)
    per_statement = LexicalIndex.fit(texts, tokens=Tokens.BIGRAMS)
    offered: dict[str, set[int]] = {}
    for text, org in zip(texts, owner.tolist(), strict=True):
        offered.setdefault(text.strip().casefold(), set()).add(org)
    out: dict[str, Captured] = {}
    for q in asks.qrels.evaluated_queries():
        text = asks.questions[q].strip()
        if too_short(text):
            continue
        ev = hybrid.evidence(text, None)
        s = per_statement.scores([text])
        best, second, _ = top_two_per_org(
            s, owner, np.arange(len(s), dtype=np.int64), len(engine.orgs)
        )
        scores = {k: np.asarray(v, dtype=np.float64) for k, v in ev.scores.items()}
        lexical = breadth_scores(best, second, hybrid.recipe.breadth)[ev.rows]
        makers = offered.get(text.casefold(), set())
        exact = np.asarray([int(r) in makers for r in ev.rows], dtype=np.float64)
        ids = [engine.orgs[int(r)].id for r in ev.rows]
        out[q] = Captured(ids, scores, ev.weights, exact, lexical.astype(np.float64))
    return out


Scorer = Callable[[Captured], F64]


def measure(
    caps: Mapping[str, Captured],
    asks: AskSet,
    scorer: Scorer,
    queries: Sequence[str] | None = None,
    depth: int = 100,
) -> dict[str, float]:
    """The four measures of ``scorer``'s rankings (ties: candidate order), each question's
    ``drop`` removed as `eval.askset.make_ask_run` does."""
    qs = list(queries if queries is not None else asks.qrels.evaluated_queries())
    results: dict[str, dict[str, float]] = {}
    for q in qs:
        cap = caps.get(q)
        if cap is None:
            results[q] = {}
            continue
        s = scorer(cap)
        order = np.lexsort((np.arange(len(s)), -s))
        kept = [cap.ids[int(i)] for i in order if cap.ids[int(i)] not in asks.drop[q]][:depth]
        results[q] = {c: float(len(kept) - j) for j, c in enumerate(kept)}
    return evaluate(Qrels({q: asks.qrels[q] for q in qs}), Run(results), list(MEASURES))


def variants() -> dict[str, Scorer]:
    """Every variant: each normalisation over the weight grid, then the two others."""
    out: dict[str, Scorer] = {}
    families = [(Normalisation.ZSCORE, 0)]
    families += [(Normalisation.ZSCORE_TOP, k) for k in (10, 20, 50, 100)]
    families += [(Normalisation.MINMAX, k) for k in (0, 20, 50)]
    families += [(Normalisation.RECIPROCAL_RANK, k) for k in (1, 5, 10, 20, 60)]
    for (how, k), sparse, ngram in itertools.product(families, (0.25, 0.5, 0.75), (0.5, 0.75, 1.0)):
        out[f"{how.value} k={k} sparse={sparse} ngram={ngram}"] = _grid_scorer(
            how, k, sparse, ngram
        )
    out["shipped"] = lambda c: fused(c.scores, c.weights)
    for share in SHARES:
        out[f"shipped, share {share}"] = _share_scorer(share)
    out["ngram per statement"] = _per_statement
    out["word for word first"] = lambda c: exact_first(fused(c.scores, c.weights), c.exact)
    return out


def _grid_scorer(how: Normalisation, k: int, sparse: float, ngram: float) -> Scorer:
    def score(c: Captured) -> F64:
        fade = c.weights.ngram / ASK_RECIPE.weights.ngram  # as shipped for long questions
        w = replace(c.weights, sparse=sparse, ngram=ngram * fade)  # the rest as shipped
        return fused(c.scores, w, how, k)

    return score


def _share_scorer(share: float) -> Scorer:
    return lambda c: fused(c.scores, replace(c.weights, share=share))


def _per_statement(c: Captured) -> F64:
    return fused({**c.scores, EvidenceKind.NGRAM: c.per_statement}, c.weights)


def unfiltered(asks: AskSet) -> AskSet:
    """The dev set with the companies offering the term word for word counted as gold."""
    gold = {q: {**asks.qrels[q], **dict.fromkeys(asks.drop[q], 1)} for q in asks.questions}
    return AskSet(asks.questions, Qrels(gold), {q: set() for q in asks.questions})


def run(
    data: AshareData, engine: MatchEngine, *, max_queries: int | None, check: bool
) -> list[list[str]]:
    """One row per (set, variant): set, variant, the four measures, dev halves' nDCG@10."""
    rows: list[list[str]] = []
    dev = build_ask_set(data).head(max_queries)
    caps = capture(engine, dev)
    qs = dev.qrels.evaluated_queries()
    for name, scorer in variants().items():
        m = measure(caps, dev, scorer)
        halves = [measure(caps, dev, scorer, qs[i::2])["ndcg@10"] for i in (0, 1)]
        rows.append(
            ["ask", name, *(f"{m[x]:.4f}" for x in MEASURES), *(f"{h:.4f}" for h in halves)]
        )
    for name in ("shipped", "word for word first"):
        m = measure(caps, unfiltered(dev), variants()[name])
        rows.append(["ask_unfiltered", name, *(f"{m[x]:.4f}" for x in MEASURES), "", ""])
    if check:
        industry = build_industry_ask_set(data).head(max_queries)
        caps = capture(engine, industry)
        for name in CHECKED:
            m = measure(caps, industry, variants()[name])
            rows.append(["ask_industry", name, *(f"{m[x]:.4f}" for x in MEASURES), "", ""])
    return rows


def main(argv: list[str] | None = None) -> None:
    from embeddings.choice import (
        Backend,
        default_backend,
        sparse_encoder_for,
    )
    from eval.home import home_e5
    from eval.runner import build_engine
    from matcher.index import set_faiss_threads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-queries", type=int, default=None)
    parser.add_argument("--check", action="store_true", help="also score CHECKED on ask_industry")
    parser.add_argument("--backend", type=Backend, default=default_backend())
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    set_faiss_threads(1)
    enc = home_e5(args.backend)
    try:
        data = load_ashare()
        engine = build_engine(data, enc, sparse_encoder=sparse_encoder_for(enc))
        table = run(data, engine, max_queries=args.max_queries, check=args.check)
    finally:
        enc.cache.close()
    print("set\tvariant\t" + "\t".join(MEASURES) + "\thalf 1 ndcg@10\thalf 2 ndcg@10")  # noqa: T201
    for row in table:
        print("\t".join(row))  # noqa: T201


if __name__ == "__main__":
    main()
