"""The benchmark protocol of ``../shared/data/ashare/README.md``, for any ranking system.

A system answers one question: "rank every other company for this query company" —
`Scorer.rank`. The protocol turns those rankings into a `Run`: it removes the query itself
and, for find-supplier, every *known* supplier (a maker of a visible input of the query's
products, hubs excluded) **after** the system ranked — the filtered ranking of link
prediction, so a system that puts stated suppliers first is neither rewarded nor
penalised. Find-substitute rankings are not filtered.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from catalog.errors import InvalidInputError
from eval.ashare import AshareData, read_jsonl
from eval.metrics import Qrels, Run

__all__ = ["GoldTask", "Scorer", "gold_groups", "load_gold", "make_run", "query_exclusions"]


class GoldTask(enum.StrEnum):
    """A benchmark task with a gold file (not `matcher.types.Task`, the engine's question)."""

    SUPPLIER = "supplier"  # find-supplier: whom does the query company buy from?
    SUBSTITUTE = "substitute"  # find-substitute: who makes what the query company makes?

    @property
    def gold_field(self) -> str:
        """The JSONL field naming the relevant company (``query`` names the query)."""
        return self.value


class Scorer(Protocol):
    """A ranking system under evaluation: best first, ``(company, score)`` pairs."""

    name: str

    def rank(self, task: GoldTask, query: str, k: int) -> list[tuple[str, float]]: ...


def load_gold(path: Path, task: GoldTask) -> Qrels:
    """A gold file: JSON lines with ``query`` and ``supplier`` or ``substitute`` fields."""
    if not path.is_file():
        raise InvalidInputError(f"gold file {path} not found")
    rows = read_jsonl(path, require=("query", task.gold_field))
    pairs = [(str(r["query"]), str(r[task.gold_field])) for r in rows]
    if not pairs:
        raise InvalidInputError(f"gold file {path} holds no pairs")
    return Qrels.from_pairs(pairs)


# What a gold pair comes from, when the file says: the hidden link behind a supplier pair,
# the product a substitute pair shares.
_GROUP_FIELDS = {
    GoldTask.SUPPLIER: ("query_product", "supplier_product"),
    GoldTask.SUBSTITUTE: ("shared_product",),
}


def gold_groups(path: Path, task: GoldTask) -> dict[str, set[str]]:
    """Queries by what their gold comes from ("尿素 → 液氨" for a supplier pair, the shared
    product for a substitute pair); empty when the file does not say. A macro average hides
    that one link may be the gold of many queries."""
    fields = _GROUP_FIELDS[task]
    out: dict[str, set[str]] = defaultdict(set)
    for r in read_jsonl(path, require=("query",)):
        if all(r.get(f) for f in fields):
            out[" → ".join(str(r[f]) for f in fields)].add(str(r["query"]))
    return dict(out)


def query_exclusions(data: AshareData, task: GoldTask, query: str) -> set[str]:
    """What the protocol removes from a query's ranking before the metrics."""
    out = {query}
    if task is GoldTask.SUPPLIER:
        out |= data.known_suppliers(query)
    return out


def make_run(
    scorer: Scorer,
    task: GoldTask,
    queries: Iterable[str],
    data: AshareData,
    *,
    depth: int = 100,
    progress: Callable[[int], None] | None = None,
) -> Run:
    """Each query's ranking, filtered by the protocol, cut at ``depth`` results.

    The scorer is asked for ``depth`` plus as many results as will be filtered out, so every
    query keeps ``depth`` results when the catalog has them.
    """
    results: dict[str, dict[str, float]] = {}
    for i, q in enumerate(queries):
        if q not in data.companies:
            raise InvalidInputError(f"gold query {q!r} is not a company of the catalog")
        drop = query_exclusions(data, task, q)
        ranked = scorer.rank(task, q, depth + len(drop))
        kept = [(c, s) for c, s in ranked if c not in drop][:depth]
        # scores are replaced by rank positions: ties inside a system's own scores must not
        # be re-broken by document id in the metrics, the system's order is the ranking
        results[q] = {c: float(len(kept) - r) for r, (c, _) in enumerate(kept)}
        if progress is not None:
            progress(i + 1)
    return Run(results, name=scorer.name)
