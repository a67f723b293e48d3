"""The running service's engine: readers take the current one, writers build the next.

A write runs under one lock, syncs a *new* engine from the catalog and swaps the reference,
so a reader mid-request keeps the engine it started with and never sees a half-updated
index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from catalog.store import CatalogStore
from matcher.coopmap import CoopMap
from matcher.engine import MatchEngine
from service.workspace import Workspace

__all__ = ["EngineHolder"]

T = TypeVar("T")


def _ready(engine: MatchEngine) -> MatchEngine:
    """The engine with its chain knowledge fitted: that fit is lazy in the library, and a
    request should not pay it (1.2 s on the demo park, jieba's dictionary included)."""
    engine.learned()
    return engine


class EngineHolder:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._engine = _ready(workspace.engine())
        self._write_lock = threading.Lock()
        self.version = 1
        self._maps: OrderedDict[tuple[object, ...], CoopMap] = OrderedDict()
        self._maps_lock = threading.Lock()

    @property
    def engine(self) -> MatchEngine:
        return self._engine

    @property
    def store(self) -> CatalogStore:
        return self.workspace.store

    def write(self, change: Callable[[CatalogStore], T]) -> T:
        """Apply ``change`` to the catalog (its own transaction), then publish a new engine."""
        with self._write_lock:
            result = change(self.workspace.store)
            # syncs the saved index (only new text is encoded) and fits what it learns, so the
            # next reader does not pay for it
            self._engine = _ready(self.workspace.engine())
            self.version += 1
            with self._maps_lock:
                self._maps.clear()
            return result

    def cached_map(
        self, key: tuple[object, ...], build: Callable[[MatchEngine], CoopMap]
    ) -> CoopMap:
        """Maps are costly (one search per organisation): keep the last few per engine version."""
        engine, version = self._engine, self.version
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
