"""The running service's engine: readers take the current generation, writers publish the
next one (`matcher.live.LiveEngine`: group commit, background refit and compaction), and
cooperation maps are served stale while they are redrawn (`service.api.mapcache`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from catalog.store import CatalogStore
from matcher.coopmap import CoopMap
from matcher.engine import MatchEngine
from matcher.live import LiveEngine
from service.api.mapcache import MapCache, MapView
from service.workspace import Workspace

__all__ = ["EngineHolder"]

T = TypeVar("T")


class EngineHolder:
    """A workspace's `LiveEngine` (compactions saved to the workspace's index folder)."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        refit_writes: int = 100,
        refit_seconds: float = 10.0,
        compact_above: int = 20_000,
        background: bool = True,
    ) -> None:
        self.workspace = workspace
        self.maps = MapCache(self.snapshot)
        self.live = LiveEngine(
            workspace.store,
            workspace.engine(),
            rebuild=workspace.engine,
            save=workspace.save_engine,
            refit_writes=refit_writes,
            refit_seconds=refit_seconds,
            compact_above=compact_above,
            background=background,
        )
        workspace.save_knowledge(self.live.engine)  # fitted here: the next start reads it

    @property
    def engine(self) -> MatchEngine:
        """The generation showing every committed catalog change, this process's or another
        one's (a second ``serve`` worker, the CLI)."""
        return self.live.current()

    @property
    def store(self) -> CatalogStore:
        return self.workspace.store

    @property
    def version(self) -> int:
        return self.live.version

    @property
    def writes_unfitted(self) -> int:
        return self.live.writes_unfitted

    def write(self, change: Callable[[CatalogStore], T]) -> T:
        """Apply ``change`` to the catalog, then publish it: visible when this returns."""
        return self.live.write(change)

    def refit_now(self) -> None:
        self.live.refit_now()

    def close(self) -> None:
        self.maps.close()
        self.live.close()

    def snapshot(self) -> tuple[MatchEngine, int]:
        """The current generation and its number, read together: a publish landing between
        the reads can only make the number look older (a map then redrawn once more), never
        newer."""
        while True:
            engine = self.live.current()
            version = self.live.version
            if self.live.engine is engine:
                return engine, version

    # -------------------------------------------------------------------- maps
    def cached_map(
        self, key: tuple[object, ...], build: Callable[[MatchEngine], CoopMap]
    ) -> MapView:
        """The map of ``key`` (a query's parameters): the current one, or the last one drawn
        while the current one is drawn in the background."""
        return self.maps.get(key, build)
