"""Per-organisation evidence from per-statement scores, and `ask`'s candidate pool.

An organisation answers a question through its best statements (best + breadth × second
best, `matcher.hybrid`'s step 4); the candidates are every organisation the dense search
reached plus each other kind's best few. Pure array steps, tested against loops.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embeddings.base import F32Array
from matcher.index import I64Array
from matcher.scoring import top_stable

__all__ = ["as_finite", "breadth_scores", "pool_candidates", "top_two_per_org"]


def top_two_per_org(
    scores: F32Array, owner: I64Array, rows: I64Array, n_orgs: int
) -> tuple[F32Array, F32Array, I64Array]:
    """Per organisation: its best score, its second best (−inf: fewer than two) and the
    row of the best (ties: lowest row), from one score per statement (``owner``: the
    statement's organisation, ``rows``: its table row)."""
    best = np.full(n_orgs, -np.inf, dtype=np.float32)
    second = np.full(n_orgs, -np.inf, dtype=np.float32)
    best_row = np.full(n_orgs, -1, dtype=np.int64)
    if len(scores):
        order = np.lexsort((rows, -scores, owner))  # by organisation, best first
        o, s = owner[order], scores[order]
        first = np.r_[True, o[1:] != o[:-1]]
        best[o[first]], best_row[o[first]] = s[first], rows[order][first]
        nxt = np.flatnonzero(~first)
        nxt = nxt[first[nxt - 1]]  # the entry right after each organisation's first
        second[o[nxt]] = s[nxt]
    return best, second, best_row


def breadth_scores(best: F32Array, second: F32Array, breadth: float) -> F32Array:
    """best + breadth × second best (an organisation with one statement: its best)."""
    extra = np.where(np.isfinite(second), second, 0.0)  # one statement: no breadth
    out: F32Array = (best + np.float32(breadth) * extra).astype(np.float32)
    return out


def pool_candidates(
    dense: F32Array, others: Sequence[F32Array], allowed: I64Array | None, pool: int
) -> I64Array:
    """Rows of the candidates: every organisation the dense search reached (finite score),
    plus each other kind's best ``pool`` allowed organisations with a positive score."""
    seen = np.isfinite(dense)
    admitted = np.ones(len(dense), dtype=bool)
    if allowed is not None:
        admitted[:] = False
        admitted[allowed] = True
    for values in others:
        masked = np.where(admitted & np.isfinite(values), values, 0.0)
        top = top_stable(masked, pool)
        seen[top[masked[top] > 0]] = True
    return np.flatnonzero(seen & admitted)


def as_finite(values: F32Array) -> F32Array:
    """Scores an evidence kind could not give (no statement, no hit) count as its weakest."""
    ok = np.isfinite(values)
    floor = float(values[ok].min()) if ok.any() else 0.0
    out: F32Array = np.where(ok, values, floor).astype(np.float32)
    return out
