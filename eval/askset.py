"""Ask by product class: free questions with a gold answer, built from the subclass taxonomy.

Each question is a ``parent`` term of ``product_subclasses.jsonl`` exactly as it stands (no
template around it). Its gold is every company that makes one of the term's children
(``company_products.jsonl``); companies that list the term itself among their products are
removed from the ranking before the metrics — the filtered ranking, as for known suppliers:
they answer the question, but word for word, so they are neither gold nor errors. A term is
kept when 2–50 companies remain in its gold (359 terms on the dev data).

Example usage::

    asks = build_ask_set(load_ashare())
    run = make_ask_run(scorer, asks)
    evaluate(asks.qrels, run, ["ndcg@10", "mrr"])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from eval.ashare import AshareData
from eval.metrics import Qrels, Run

__all__ = ["AskSet", "Asker", "build_ask_set", "build_industry_ask_set", "make_ask_run"]

MIN_GOLD, MAX_GOLD = 2, 50


class Asker(Protocol):
    """A system that answers a free question: best first, ``(company, score)`` pairs."""

    name: str

    def answer(self, text: str, k: int) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class AskSet:
    """Questions (id → text), their gold and what each question's ranking drops."""

    questions: dict[str, str]
    qrels: Qrels
    drop: dict[str, set[str]]

    def head(self, n: int | None) -> AskSet:
        """The first ``n`` questions in id order (all when ``n`` is None)."""
        keep = self.qrels.evaluated_queries()[:n]
        return AskSet(
            {q: self.questions[q] for q in keep},
            Qrels({q: self.qrels[q] for q in keep}),
            {q: self.drop[q] for q in keep},
        )


def build_ask_set(
    data: AshareData, *, min_gold: int = MIN_GOLD, max_gold: int = MAX_GOLD
) -> AskSet:
    """One question per parent term whose gold (makers of its children, minus makers of
    the term itself) holds ``min_gold`` to ``max_gold`` companies; the id is the term."""
    children: Mapping[str, set[str]] = _children(data.subclasses)
    questions: dict[str, str] = {}
    gold: dict[str, dict[str, int]] = {}
    drop: dict[str, set[str]] = {}
    for term in sorted(children):
        own = data.makers.get(term, set())
        makers = set().union(*(data.makers.get(c, set()) for c in children[term])) - own
        if min_gold <= len(makers) <= max_gold:
            questions[term] = term
            gold[term] = dict.fromkeys(sorted(makers), 1)
            drop[term] = set(own)
    return AskSet(questions, Qrels(gold), drop)


def build_industry_ask_set(
    data: AshareData, *, min_gold: int = MIN_GOLD, max_gold: int = MAX_GOLD
) -> AskSet:
    """A second real ask set, for checks: each Shenwan L3 industry name (its trailing Ⅱ/Ⅲ
    dropped) is a question, its gold the companies of that industry; names that say no
    product (其他…, 综合…) are left out, and an industry is kept with 2–50 companies.
    Nothing is dropped from the ranking. The industry names come from the data, not from
    the subclass taxonomy, so this set shares no construction with `build_ask_set`."""
    members: dict[str, set[str]] = defaultdict(set)
    for code, row in data.companies.items():
        name = str(row.get("sw_l3") or "").rstrip("ⅠⅡⅢ").strip()
        if name and not name.startswith(("其他", "综合")):
            members[name].add(code)
    questions: dict[str, str] = {}
    gold: dict[str, dict[str, int]] = {}
    for name in sorted(members):
        if min_gold <= len(members[name]) <= max_gold:
            questions[name] = name
            gold[name] = dict.fromkeys(sorted(members[name]), 1)
    return AskSet(questions, Qrels(gold), {q: set() for q in questions})


def _children(subclasses: list[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for parent, child in subclasses:
        if child != parent:
            out[parent].add(child)
    return dict(out)


def make_ask_run(
    asker: Asker,
    asks: AskSet,
    *,
    depth: int = 100,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Each question's answer, its ``drop`` removed, cut at ``depth`` (as `make_run`)."""
    results: dict[str, dict[str, float]] = {}
    for i, q in enumerate(asks.qrels.evaluated_queries()):
        drop = asks.drop[q]
        ranked = asker.answer(asks.questions[q], depth + len(drop))
        kept = [c for c, _ in ranked if c not in drop][:depth]
        results[q] = {c: float(len(kept) - r) for r, c in enumerate(kept)}
        if progress is not None:
            progress(i + 1)
    return Run(results, name=asker.name)
