"""A fitted part of `matcher.knowledge.ChainKnowledge` as plain data: settings, NumPy arrays,
lists of strings and at most one IVF index — what `matcher.knowledge_io` writes to disk and
reads back, with no pickle anywhere.

Each fitted class (`CatalogSignals`, `NeedInference`, `SupplyLookup`) turns itself into a
`FitState` (``state()``) and back (``from_state``), so the file format knows no private
attribute and each class keeps its own fields in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # faiss loads with an approximate fit only
    from matcher.ivf import FaissIVFIndex

__all__ = ["FitState", "joined", "split"]


@dataclass
class FitState:
    """``settings``: constructor values (JSON); ``scalars``: what the fit learned that is one
    number or flag (JSON); ``arrays``: numeric state; ``texts``: lists of strings; ``ivf``:
    the part's approximate index, if it built one."""

    settings: dict[str, Any]
    scalars: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    ivf: FaissIVFIndex | None = None

    def array(self, name: str, dtype: npt.DTypeLike, ndim: int) -> npt.NDArray[Any]:
        """The array ``name``, checked to have ``dtype`` and ``ndim`` dimensions (a file
        from elsewhere is refused, not trusted)."""
        got = self.arrays.get(name)
        if got is None:
            raise ValueError(f"missing array {name!r}")
        if got.dtype != np.dtype(dtype) or got.ndim != ndim:
            raise ValueError(
                f"array {name!r} is {got.dtype} {got.shape}, expected {ndim}-d {dtype}"
            )
        return got

    def text(self, name: str) -> list[str]:
        got = self.texts.get(name)
        if got is None:
            raise ValueError(f"missing text list {name!r}")
        return got


def joined(prefix: str, parts: Sequence[npt.NDArray[np.int64]]) -> dict[str, npt.NDArray[Any]]:
    """A list of int64 arrays as one flat array and its offsets, named after ``prefix``
    (``split`` undoes it)."""
    sizes = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    indptr = np.concatenate([np.zeros(1, np.int64), np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
    return {f"{prefix}.indptr": indptr, f"{prefix}.flat": flat}


def split(state: FitState, prefix: str) -> list[npt.NDArray[np.int64]]:
    """The arrays ``joined`` saved under ``prefix`` (views of one flat array)."""
    indptr = state.array(f"{prefix}.indptr", np.int64, 1)
    flat = state.array(f"{prefix}.flat", np.int64, 1)
    if len(indptr) == 0 or indptr[0] != 0 or indptr[-1] != len(flat) or (np.diff(indptr) < 0).any():
        raise ValueError(f"offsets of {prefix!r} do not cover its values")
    bounds = zip(indptr[:-1].tolist(), indptr[1:].tolist(), strict=True)
    return [flat[a:b] for a, b in bounds]
