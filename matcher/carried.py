"""Per-organisation values carried from one engine generation to the next without copying
them per write: the frozen values of an older catalog, a row map onto the newer one, and
the values of the rows written since; materialised once, on first use.

The substitute signals keep one profile vector per organisation (10⁵ × 256 floats, 100 MB
at 10⁵ organisations): a generation used to gather them into a new array on every write.
`CarriedRows.moved` costs one int gather of the row map instead, and `values` gives what
that gather gave, exactly.

Example usage::

    carried = CarriedRows.of(profiles).moved(src, written_rows, written_vectors)
    profiles_now = carried.values()       # == old profiles gathered, written rows filled
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.index import I64Array

__all__ = ["CarriedRows"]


@dataclass(frozen=True)
class CarriedRows:
    """Row ``r``'s value: ``base[src[r]]``, or its entry in ``fill`` for ``fill_rows``."""

    base: npt.NDArray[np.float32]
    src: I64Array  # row -> base row (-1: a row written since)
    fill_rows: I64Array
    fill: npt.NDArray[np.float32]

    @classmethod
    def of(cls, values: npt.NDArray[np.float32]) -> CarriedRows:
        empty = np.zeros((0, *values.shape[1:]), dtype=values.dtype)
        return cls(values, np.arange(len(values), dtype=np.int64), np.zeros(0, np.int64), empty)

    def moved(
        self, src: I64Array, written: I64Array, values: npt.NDArray[np.float32]
    ) -> CarriedRows:
        """The values of a newer catalog: ``src`` maps its rows to this one's (−1: written
        now), ``values`` are the written rows' (in ``written`` order)."""
        new_src = np.where(src >= 0, self.src[np.maximum(src, 0)], -1).astype(np.int64)
        inv = np.full(len(self.src), -1, dtype=np.int64)
        inv[src[src >= 0]] = np.flatnonzero(src >= 0)
        moved = inv[self.fill_rows]
        keep = moved >= 0
        return CarriedRows(
            self.base,
            new_src,
            np.concatenate([moved[keep], written]).astype(np.int64),
            np.concatenate([self.fill[keep], values.astype(self.fill.dtype)]),
        )

    def values(self) -> npt.NDArray[np.float32]:
        out = np.zeros((len(self.src), *self.base.shape[1:]), dtype=self.base.dtype)
        has = self.src >= 0
        out[has] = self.base[self.src[has]]
        out[self.fill_rows] = self.fill
        return out
