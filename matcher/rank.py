"""Pure array steps from search results to an ordering: who is a candidate, what a
re-weighting of their score parts totals, in which order they show.

The engine, the weight fit and the ablation all order candidates with `rank_candidates`,
so a ranking re-weighted in the evaluation is ordered exactly as the engine orders it.

Example usage::

    total = rescore(parts, RankWeights.fitted().scales(), len(ids))
    order, _ = rank_candidates(ids, total, k=10)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.errors import NotFoundError
from catalog.models import Organisation
from embeddings.base import F32Array
from matcher.index import I64Array
from matcher.index_io import in_sorted
from matcher.profiles import Space
from matcher.scoring import diversify, top_stable
from matcher.types import Direction, Filters, Signal, Task

__all__ = [
    "ADMITTING",
    "Question",
    "ScoredCandidates",
    "SearchSide",
    "admit_candidates",
    "allowed_rows",
    "on_candidates",
    "rank_candidates",
    "rescore",
    "serving_groups",
]

# The learned signals strong enough to name a candidate the text search missed.
ADMITTING = (
    Signal.INFERRED,
    Signal.EXACT,
    Signal.PEERS,
    Signal.LEXICAL,
    Signal.GROUP,
    Signal.PROFILE,
)


@dataclass(frozen=True)
class SearchSide:
    """One searched side of a question (a mutual question has two)."""

    space: Space  # the space searched
    scores: F32Array  # (query statements × organisations) best scores, −inf: no hit
    best_rows: I64Array  # the statement row of each best score, −1: none
    texts: tuple[str, ...]  # the query's statements, one per row of ``scores``


@dataclass(frozen=True)
class Question:
    """What one of the engine's verbs asks the ranking steps: who asks, which sides were
    searched, the learned signals over every organisation, the rows a result may come
    from (None: all). ``semantic``: one score per organisation per side (−inf: not a
    candidate) that ranks in place of the sides' own aggregated scores — a question's
    fused evidence (`matcher.hybrid`), while the sides still show which statements met.
    ``later``: signals computed for the admitted candidates only (their rows in, values
    out), for those that admit no candidate and cost a catalog scan otherwise."""

    task: Task
    direction: Direction | None
    query: Organisation | None
    sides: tuple[SearchSide, ...]
    signals: Mapping[Signal, F32Array]
    allowed: I64Array | None
    semantic: tuple[F32Array, ...] | None = None
    later: Callable[[I64Array], Mapping[Signal, F32Array]] | None = None


@dataclass(frozen=True)
class ScoredCandidates:
    """Every candidate of one question with its score parts, before ordering and
    diversity: what the weight fit and the ablation re-weight."""

    ids: list[str]
    total: F32Array
    parts: dict[str, F32Array]  # by score-part name, as `Match.parts` shows them

    def __len__(self) -> int:
        return len(self.ids)


def allowed_rows(
    orgs: Sequence[Organisation],
    row_of: Mapping[str, int],
    filters: Filters,
    day: dt.date,
    exclude: str | None = None,
    filter_items: Collection[str] | None = None,
    items: Collection[str] | None = None,
) -> I64Array | None:
    """Organisation rows a search may return (None: every row): those ``filters`` admit on
    ``day``, minus ``exclude`` and ``filter_items``, within ``items`` when given (an unknown
    id there is an error, not an empty answer)."""
    if items is None and not filter_items and filters == Filters():  # no filter: O(1) Python
        if exclude is None or exclude not in row_of:
            return None
        return np.delete(np.arange(len(orgs), dtype=np.int64), row_of[exclude])
    if items is not None:
        unknown = [i for i in items if i not in row_of]
        if unknown:
            raise NotFoundError("organisation", unknown[0])
    banned = set(filter_items or ())
    if exclude is not None:
        banned.add(exclude)
    # ``items`` names the candidates: look only at those, not at the whole catalog
    if items is None:  # iterated, not indexed: a generation's organisations are a `Rope`
        pairs: Iterable[tuple[int, Organisation]] = enumerate(orgs)
    else:
        pairs = ((r, orgs[r]) for r in sorted({row_of[i] for i in items}))
    keep = [r for r, o in pairs if o.id not in banned and filters.admits(o, day)]
    if len(keep) == len(orgs):
        return None
    return np.asarray(keep, dtype=np.int64)


def admit_candidates(
    semantic: Sequence[F32Array],
    signals: Mapping[Signal, F32Array],
    allowed: I64Array | None,
    n_orgs: int,
    per_signal: int,
) -> I64Array:
    """Rows of the organisations to score: every text-search hit (finite ``semantic``
    score), plus up to ``per_signal`` of the ``allowed`` rows (ascending, as `allowed_rows`
    gives them) with the highest positive value of each `ADMITTING` signal.

    Only a positive value admits, so each signal's top is taken among its positive rows
    alone: most signals are positive for a few organisations, and masking and partitioning
    every organisation per signal was ≈ 7.6 ms of a 40 ms find_partners at 10⁶."""
    seen = np.zeros(n_orgs, dtype=bool)
    for sem in semantic:
        seen |= np.isfinite(sem)
    for signal in ADMITTING:
        values = signals.get(signal)
        if values is None:
            continue
        rows = np.flatnonzero(values > 0)
        if allowed is not None:
            rows = rows[in_sorted(rows, allowed)]
        if len(rows) > per_signal:  # the largest first, ties by row, as a stable sort
            rows = rows[top_stable(values[rows], per_signal)]
        seen[rows] = True
    return np.flatnonzero(seen)


def on_candidates(semantic: F32Array, rows: I64Array) -> F32Array:
    """The candidates' semantic scores; one the search did not reach gets the weakest
    reached score (a candidate admitted by a signal alone has no text match)."""
    vals = semantic[rows]
    finite = np.isfinite(vals)
    floor = float(vals[finite].min()) if finite.any() else 0.0
    return np.where(finite, vals, floor).astype(np.float32)


def serving_groups(sides: Sequence[SearchSide], rows: I64Array) -> I64Array:
    """Per candidate, the query statement (over all sides) it matches best: what
    diversity spreads the results over."""
    S = np.concatenate([side.scores[:, rows] for side in sides], axis=0)
    best: I64Array = np.argmax(np.where(np.isfinite(S), S, -np.inf), axis=0)
    return best


def rescore(
    parts: Mapping[str, npt.ArrayLike], scales: Mapping[str, float], n: int
) -> npt.NDArray[np.float64]:
    """Total of ``n`` candidates' parts, each multiplied by its scale (a part without a
    scale counts once). Parts recorded with `RankWeights.unit` and scaled by
    ``weights.scales()`` total what a ranker with ``weights`` would give."""
    total = np.zeros(n, dtype=np.float64)
    for name, values in parts.items():
        total += np.asarray(values) * (scales[name] if name in scales else 1.0)
    return total


def rank_candidates(
    ids: Sequence[str],
    total: npt.ArrayLike,
    *,
    k: int | None = None,
    groups: npt.ArrayLike | None = None,
    diversity: float = 0.0,
) -> tuple[I64Array, F32Array]:
    """Candidate positions best first (ties by id), at most ``k``.

    With ``groups`` (see `serving_groups`) and a positive ``diversity``, each pick lowers
    the rest of its group by ``diversity`` (`matcher.scoring.diversify`). Returns the
    order and the penalty applied to each candidate (zeros without diversity).
    """
    scores = np.asarray(total)
    n = len(ids)
    if scores.shape != (n,):
        raise ValueError(f"{n} candidates, but totals of shape {scores.shape}")
    perm = _best_first(ids, scores)
    penalties = np.zeros(n, dtype=np.float32)
    if groups is None or diversity <= 0:
        return perm[:k], penalties
    cut = n if k is None else k
    picked, pen = diversify(scores[perm], np.asarray(groups)[perm], diversity, cut)
    penalties[perm] = pen
    return perm[picked], penalties


def _best_first(ids: Sequence[str], scores: npt.NDArray[Any]) -> I64Array:
    """The order of ``sorted(range(n), key=lambda i: (-scores[i], ids[i]))``, sorted in C:
    ``ids`` are read only where scores tie (a lazy `matcher.gentable.OrgIds` reads few)."""
    neg = -scores.astype(np.float64)
    perm: I64Array = np.argsort(neg, kind="stable").astype(np.int64)
    s = neg[perm]
    same = np.flatnonzero(s[1:] == s[:-1])
    if len(same) == 0:
        return perm
    starts = same[np.r_[True, same[1:] != same[:-1] + 1]]  # first index of each tied run
    ends = same[np.r_[same[1:] != same[:-1] + 1, True]] + 2
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        perm[a:b] = sorted(perm[a:b].tolist(), key=lambda i: ids[i])
    return perm
