"""The running service's engine: readers take the current generation, writers publish the
next one (`matcher.live.LiveEngine`: group commit, background refit and compaction), and
cooperation maps are cached per generation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from catalog.store import CatalogStore
from matcher.coopmap import CoopMap
from matcher.engine import MatchEngine
from matcher.live import LiveEngine
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
        self._maps: OrderedDict[tuple[object, ...], CoopMap] = OrderedDict()
        self._maps_lock = threading.Lock()
        self.live = LiveEngine(
            workspace.store,
            workspace.engine(),
            rebuild=workspace.engine,
            save=workspace.save_engine,
            on_publish=self._forget_maps,
            refit_writes=refit_writes,
            refit_seconds=refit_seconds,
            compact_above=compact_above,
            background=background,
        )

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
        self.live.close()

    def _forget_maps(self) -> None:
        with self._maps_lock:
            self._maps.clear()

    # -------------------------------------------------------------------- maps
    def cached_map(
        self, key: tuple[object, ...], build: Callable[[MatchEngine], CoopMap]
    ) -> CoopMap:
        """Maps are costly (one search per organisation): keep the last few per engine version."""
        engine, version = self.live.current(), self.live.version
        full = (version, *key)
        with self._maps_lock:
            hit = self._maps.get(full)
            if hit is not None:
                self._maps.move_to_end(full)
                return hit
        cmap = build(engine)
        with self._maps_lock:
            if version == self.version:
                self._maps[full] = cmap
                while len(self._maps) > 16:
                    self._maps.popitem(last=False)
        return cmap
