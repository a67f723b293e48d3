"""The one abstract base every matcher implements: implicit's two verbs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection

import numpy as np

from catalog.errors import InvalidInputError
from embeddings.base import F32Array
from matcher.types import Direction, MatchResult

__all__ = ["Matcher", "check_k", "ids_and_scores"]


class Matcher(ABC):
    """``recommend`` finds partners, ``similar_items`` finds substitutes.

    Both return ``(org_ids, scores)``, best first. ``filter_items`` removes organisations
    from the answer; ``items`` limits the answer to the given organisations.
    """

    @abstractmethod
    def recommend(
        self,
        org_id: str,
        N: int = 10,
        *,
        direction: Direction = Direction.SUPPLIERS,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> tuple[list[str], F32Array]: ...

    @abstractmethod
    def similar_items(
        self,
        org_id: str,
        N: int = 10,
        *,
        filter_items: Collection[str] | None = None,
        items: Collection[str] | None = None,
    ) -> tuple[list[str], F32Array]: ...


def ids_and_scores(res: MatchResult) -> tuple[list[str], F32Array]:
    """A verb's matches as the two arrays the base's verbs return."""
    return [m.org_id for m in res.matches], np.array(
        [m.score for m in res.matches], dtype=np.float32
    )


def check_k(k: int) -> None:
    """The answer sizes every verb accepts (the API's ``Field`` limits say the same)."""
    if not 1 <= k <= 1000:
        raise InvalidInputError(f"k must be between 1 and 1000, got {k}")
