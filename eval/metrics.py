"""Ranking metrics: ``Qrels`` and ``Run`` values, measures parsed from names, ``evaluate``.

Modelled on ranx's vocabulary (``evaluate(qrels, run, ["ndcg@10", "mrr"])``) and on
ir_measures' idea that a measure is a hashable value that only declares itself, while one
function computes all of them. Input is validated with ``ValueError`` (never ``assert``) and
never mutated: both wrappers copy what they are given.

Conventions, pinned by golden tests in ``tests/test_eval_metrics.py``:

- A run is ranked by score, highest first; **ties are broken by document id, ascending**,
  so the same run always gives the same numbers whatever order its dict happens to have.
- Gains are linear (``rel / log2(rank + 1)``, as trec_eval does); a document the qrels do
  not mention has relevance 0.
- Only queries with at least one relevant document (relevance > 0) are evaluated; a query
  the run does not answer scores 0 on every measure. Queries of the run that the qrels do
  not know are ignored. Averages are macro: every evaluated query counts once.

Example usage::

    qrels = Qrels({"q1": {"d1": 1, "d3": 1}})
    run = Run({"q1": {"d1": 0.9, "d2": 0.8, "d3": 0.1}})
    evaluate(qrels, run, ["recall@2", "ndcg@3", "mrr"])
    # {'recall@2': 0.5, 'ndcg@3': 0.919..., 'mrr': 1.0}
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Generic, NamedTuple, TypeVar

__all__ = [
    "Measure",
    "MeasureName",
    "Metric",
    "Qrels",
    "Run",
    "coverage",
    "evaluate",
    "evaluate_per_query",
    "parse_measure",
]


class MeasureName(enum.StrEnum):
    RECALL = "recall"
    PRECISION = "precision"
    NDCG = "ndcg"
    MRR = "mrr"
    MAP = "map"  # average precision; "map" because the mean over queries is what is shown
    HITS = "hits"  # success: 1 when any relevant document is in the top k


_NEEDS_CUTOFF = {MeasureName.RECALL, MeasureName.PRECISION}


class Measure(NamedTuple):
    """A measure and its cutoff (``None``: the whole ranking). ``str()`` gives its name."""

    name: MeasureName
    cutoff: int | None = None

    def __str__(self) -> str:
        return self.name.value if self.cutoff is None else f"{self.name.value}@{self.cutoff}"


class Metric(NamedTuple):
    """One value of one measure for one query (the per-query breakdown)."""

    query_id: str
    measure: str
    value: float


def parse_measure(text: str | Measure) -> Measure:
    """``"ndcg@10"`` → ``Measure(NDCG, 10)``; unknown names raise listing the valid ones."""
    if isinstance(text, Measure):
        return text
    raw = text.strip().lower()
    name, sep, cut = raw.partition("@")
    try:
        kind = MeasureName(name)
    except ValueError:
        valid = ", ".join(m.value for m in MeasureName)
        raise ValueError(f"unknown measure {text!r}; valid measures: {valid}") from None
    cutoff: int | None = None
    if sep:
        if not cut.isdigit() or int(cut) < 1:
            raise ValueError(f"measure {text!r}: the cutoff after @ must be a positive integer")
        cutoff = int(cut)
    elif kind in _NEEDS_CUTOFF:
        raise ValueError(f"measure {text!r} needs a cutoff, e.g. {kind.value}@10")
    return Measure(kind, cutoff)


V = TypeVar("V", int, float)


def _check_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _relevance(q: str, d: str, rel: object) -> int:
    if isinstance(rel, bool) or not isinstance(rel, int) or rel < 0:
        raise ValueError(f"relevance of {q!r}/{d!r} must be an integer ≥ 0, got {rel!r}")
    return rel


def _score_value(q: str, d: str, score: object) -> float:
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise ValueError(f"score of {q!r}/{d!r} must be a number, got {score!r}")
    if not math.isfinite(score):
        raise ValueError(f"score of {q!r}/{d!r} must be finite, got {score!r}")
    return float(score)


class _ByQuery(Generic[V]):
    """Read-only access by query id, shared by judgements and runs."""

    _data: dict[str, dict[str, V]]

    def __getitem__(self, query_id: str) -> Mapping[str, V]:
        return dict(self._data[query_id])

    def __contains__(self, query_id: object) -> bool:
        return query_id in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    @staticmethod
    def _validated(
        given: Mapping[str, Mapping[str, V]],
        kind: str,
        values: str,
        value: Callable[[str, str, object], V],
    ) -> dict[str, dict[str, V]]:
        """A checked copy: ids are non-empty strings, each query maps document ids to
        ``values``, each value goes through ``value(query, document, raw)``."""
        data: dict[str, dict[str, V]] = {}
        for q, docs in given.items():
            _check_id(q, "query id")
            if not isinstance(docs, Mapping):
                raise ValueError(f"{kind} of query {q!r} must map document ids to {values}")
            data[q] = {
                _check_id(d, f"document id (query {q!r})"): value(q, d, v) for d, v in docs.items()
            }
        return data


class Qrels(_ByQuery[int]):
    """Relevance judgements: query id → document id → relevance (int ≥ 0)."""

    def __init__(self, judgements: Mapping[str, Mapping[str, int]]) -> None:
        self._data = self._validated(judgements, "qrels", "relevance", _relevance)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> Qrels:
        """Binary judgements from (query, relevant document) pairs; duplicates count once."""
        data: dict[str, dict[str, int]] = {}
        for q, d in pairs:
            data.setdefault(q, {})[d] = 1
        return cls(data)

    def relevant(self, query_id: str) -> set[str]:
        return {d for d, r in self._data.get(query_id, {}).items() if r > 0}

    def evaluated_queries(self) -> list[str]:
        """Queries with at least one relevant document, in sorted order."""
        return sorted(q for q, docs in self._data.items() if any(r > 0 for r in docs.values()))


class Run(_ByQuery[float]):
    """Retrieved documents with scores: query id → document id → score (finite float)."""

    def __init__(self, results: Mapping[str, Mapping[str, float]], name: str = "run") -> None:
        self._data = self._validated(results, "run", "scores", _score_value)
        self.name = name

    @classmethod
    def from_rankings(cls, rankings: Mapping[str, Sequence[str]], name: str = "run") -> Run:
        """Ranked lists (best first) as a run: scores descend from the list length to 1."""
        data: dict[str, dict[str, float]] = {}
        for q, docs in rankings.items():
            if len(set(docs)) != len(docs):
                raise ValueError(f"ranking of query {q!r} lists a document twice")
            data[q] = {d: float(len(docs) - i) for i, d in enumerate(docs)}
        return cls(data, name)

    def ranking(self, query_id: str) -> list[str]:
        """Document ids best first: score descending, ties by document id ascending."""
        docs = self._data.get(query_id, {})
        return sorted(docs, key=lambda d: (-docs[d], d))


# ----------------------------------------------------------------------- one query
def _score(m: Measure, ranked: Sequence[str], rels: Mapping[str, int]) -> float:
    n_rel = sum(1 for r in rels.values() if r > 0)
    top = ranked if m.cutoff is None else ranked[: m.cutoff]
    hit = [rels.get(d, 0) > 0 for d in top]
    if m.name is MeasureName.RECALL:
        return sum(hit) / n_rel
    if m.name is MeasureName.PRECISION:
        return sum(hit) / (m.cutoff or len(top) or 1)
    if m.name is MeasureName.HITS:
        return 1.0 if any(hit) else 0.0
    if m.name is MeasureName.MRR:
        return next((1.0 / (i + 1) for i, h in enumerate(hit) if h), 0.0)
    if m.name is MeasureName.MAP:
        found, total = 0, 0.0
        for i, h in enumerate(hit):
            if h:
                found += 1
                total += found / (i + 1)
        return total / n_rel
    # nDCG with linear gains; the ideal ranking sorts the judged relevances
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(top))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)
    if m.cutoff is not None:
        ideal = ideal[: m.cutoff]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg


def evaluate_per_query(qrels: Qrels, run: Run, measures: Sequence[str | Measure]) -> list[Metric]:
    """Every measure for every evaluated query, in query then measure order."""
    parsed = [parse_measure(m) for m in measures]
    if not parsed:
        raise ValueError("no measures given; e.g. ['recall@10', 'ndcg@10', 'mrr']")
    out: list[Metric] = []
    for q in qrels.evaluated_queries():
        ranked = run.ranking(q)
        rels = qrels[q]
        out.extend(Metric(q, str(m), _score(m, ranked, rels)) for m in parsed)
    return out


def evaluate(qrels: Qrels, run: Run, measures: Sequence[str | Measure]) -> dict[str, float]:
    """Macro averages over the evaluated queries, keyed by the measure's name.

    Raises ``ValueError`` when no query of the qrels has a relevant document: a mean over
    nothing would be a silent 0.
    """
    per_query = evaluate_per_query(qrels, run, measures)
    names = [str(parse_measure(m)) for m in measures]
    if not per_query:
        raise ValueError("the qrels hold no query with a relevant document")
    sums = dict.fromkeys(names, 0.0)
    for metric in per_query:
        sums[metric.measure] += metric.value
    n = len(qrels.evaluated_queries())
    return {name: sums[name] / n for name in names}


def coverage(run: Run, catalog: Iterable[str], k: int = 10) -> float:
    """Share of the catalog that appears in some query's top ``k``: is anyone ever shown?"""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    items = set(catalog)
    if not items:
        raise ValueError("the catalog is empty")
    shown: set[str] = set()
    for q in run:
        shown.update(run.ranking(q)[:k])
    return len(shown & items) / len(items)
