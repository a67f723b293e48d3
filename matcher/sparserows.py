"""Sparse statement rows of an engine generation: some rows of a frozen CSR matrix followed
by a small CSR of rows written since, never a copy of the whole matrix.

A generation used to gather the kept rows of the offers' sparse matrix into a new CSR and
stack the written rows under it: at 10⁵ organisations that is a copy of ≈ 10⁸ non-zeros
(seconds) per write. `StackedRows` instead keeps the base matrix shared by every generation
of a lineage, the base rows still live (an int array), and a delta CSR; a product with
queries multiplies the base once and gathers the live rows, so every row's cosine is the
one a rebuilt matrix gives (each CSR row's product is computed from that row alone).
Compaction (`matcher.upkeep.compacted`) folds it into one CSR again (`tocsr`).

Example usage::

    rows = stacked(matrix, keep=np.array([0, 2]), extra=new_rows)  # rows 0, 2, then new
    cos = dense_product(rows, queries)                            # (3, n_queries)
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from embeddings.base import F32Array
from matcher.index import I64Array

__all__ = ["StackedRows", "dense_product", "plain_csr", "stacked"]


class StackedRows:
    """Rows ``live`` of ``base`` (None: all of them), then the rows of ``delta``."""

    def __init__(self, base: Any, live: I64Array | None, delta: Any | None) -> None:
        self.base = base
        self.live = live
        self.delta = delta
        self._csr: Any | None = None
        self._lock = threading.Lock()

    @property
    def n_live(self) -> int:
        return int(self.base.shape[0]) if self.live is None else len(self.live)

    @property
    def shape(self) -> tuple[int, int]:
        extra = 0 if self.delta is None else int(self.delta.shape[0])
        return self.n_live + extra, int(self.base.shape[1])

    def product(self, queries: Any) -> F32Array:
        """Dense (rows, queries) inner products: the base's live rows, then the delta's."""
        base = np.asarray((self.base @ queries.T).toarray(), np.float32)
        parts = [base if self.live is None else base[self.live]]
        if self.delta is not None:
            parts.append(np.asarray((self.delta @ queries.T).toarray(), np.float32))
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def tocsr(self) -> Any:
        """The rows as one CSR matrix (built once, on first use: saving, compaction)."""
        with self._lock:
            if self._csr is None:
                from scipy.sparse import vstack  # type: ignore[import-untyped]

                kept = self.base if self.live is None else self.base[self.live]
                parts = [kept] if self.delta is None else [kept, self.delta]
                self._csr = vstack(parts).tocsr().astype(np.float32)
            return self._csr

    def __getitem__(self, key: Any) -> Any:
        return self.tocsr()[key]


def plain_csr(matrix: Any) -> Any:
    """``matrix`` as a CSR (a `StackedRows` is folded)."""
    return matrix.tocsr() if isinstance(matrix, StackedRows) else matrix


def dense_product(matrix: Any, queries: Any) -> F32Array:
    """Dense (rows, queries) inner products of a CSR or `StackedRows`."""
    if isinstance(matrix, StackedRows):
        return matrix.product(queries)
    out: F32Array = np.asarray((matrix @ queries.T).toarray(), np.float32)
    return out


def stacked(matrix: Any, keep: I64Array, extra: Any | None) -> StackedRows:
    """Rows ``keep`` (ascending) of ``matrix`` followed by ``extra``'s, sharing the frozen
    base: the cost grows with the rows written, plus one int gather of the live rows."""
    from scipy.sparse import vstack

    if isinstance(matrix, StackedRows):
        base, live, delta, n_live = matrix.base, matrix.live, matrix.delta, matrix.n_live
    else:
        base, live, delta, n_live = matrix, None, None, int(matrix.shape[0])
    from_base = keep[keep < n_live]
    from_delta = keep[keep >= n_live] - n_live
    if live is not None:
        new_live: I64Array | None = live[from_base]
    else:
        new_live = None if len(from_base) == n_live else from_base
    parts = []
    if delta is not None and len(from_delta):
        parts.append(delta[from_delta])
    if extra is not None and extra.shape[0]:
        parts.append(extra)
    new_delta = None
    if parts:
        new_delta = vstack(parts).tocsr().astype(np.float32) if len(parts) > 1 else parts[0]
        new_delta = new_delta.tocsr().astype(np.float32)
    return StackedRows(base, new_live, new_delta)
