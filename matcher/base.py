"""The one abstract base every matcher implements: implicit's two verbs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection

from embeddings.base import F32Array
from matcher.types import Direction

__all__ = ["Matcher"]


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
