"""What a batch job is (`BatchJob`, `BatchSpec`): plain values, apart from `matcher.batch`
so the CLI can parse its options without loading the engine (FAISS) at import time."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

from catalog.errors import InvalidInputError
from matcher.base import check_k
from matcher.types import Direction, Filters

__all__ = ["BatchJob", "BatchSpec"]


class BatchJob(enum.StrEnum):
    """What a batch computes for every organisation."""

    PARTNERS = "partners"  # top-k partners in one direction
    SUBSTITUTES = "substitutes"  # top-k substitutes
    MAP = "map"  # cooperation map edges: each buyer's k best suppliers
    PAIRS = "pairs"  # event pair scores: one-way matches, then reciprocal pairs


@dataclass(frozen=True)
class BatchSpec:
    """One batch job; ``members`` (map and pairs only) limits both the organisations asked
    and their candidates, as a chain's map or an event's pool does."""

    job: BatchJob
    k: int = 20
    direction: Direction = Direction.SUPPLIERS  # partners only
    members: Filters | None = None

    def __post_init__(self) -> None:
        check_k(self.k)
        if self.members is not None and self.job in (BatchJob.PARTNERS, BatchJob.SUBSTITUTES):
            raise InvalidInputError(
                f"member filters apply to the map and pairs jobs, not {self.job.value}"
            )

    def to_dict(self) -> dict[str, Any]:
        members = None
        if self.members is not None:
            members = {k: v for k, v in asdict(self.members).items() if v is not None}
        return {
            "job": self.job.value,
            "k": self.k,
            "direction": self.direction.value if self.job is BatchJob.PARTNERS else None,
            "members": members,
        }
