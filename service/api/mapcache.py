"""Cooperation maps kept across engine generations: stale while revalidating.

A map is one partner search per organisation on it (≈ 1 s of CPU on the demo park), and
every catalog write publishes a new generation. Keyed by generation, a park taking writes
all day rebuilt the map on nearly every request: the soak benchmark at 20 writes/s answered
0 of 712 map requests within 10 s. So a map of an older generation is served at once,
labelled with its generation and ``stale``, while one background build per query brings it
up to date; only a query never built before waits, and concurrent first requests of the same
query wait for one build (single flight), not one each.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from matcher.coopmap import CoopMap
from matcher.engine import MatchEngine

__all__ = ["MapCache", "MapView"]

log = logging.getLogger(__name__)

Snapshot = Callable[[], tuple[MatchEngine, int]]
Build = Callable[[MatchEngine], CoopMap]


@dataclass(frozen=True)
class MapView:
    """A map and the engine generation it was drawn from (``stale``: a newer one exists)."""

    cmap: CoopMap
    generation: int
    stale: bool


@dataclass
class _Entry:
    generation: int = 0
    cmap: CoopMap | None = None
    building: threading.Event | None = None  # set when the build in flight ends


@dataclass(frozen=True)
class _Job:
    """One drawing of a map: which query, into which entry, from which generation."""

    key: tuple[object, ...]
    entry: _Entry
    engine: MatchEngine
    generation: int
    build: Build


class MapCache:
    """The last map of each of up to ``size`` queries, whatever generation drew it."""

    def __init__(self, snapshot: Snapshot, *, size: int = 16) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self._snapshot = snapshot  # the current (engine, generation), read together
        self._size = size
        self._entries: OrderedDict[tuple[object, ...], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...], build: Build) -> MapView:
        """The map of ``key``: current, or the last one while a rebuild runs behind it."""
        engine, generation = self._snapshot()
        while True:
            with self._lock:
                entry = self._entries.setdefault(key, _Entry())
                self._entries.move_to_end(key)
                self._evict()
                if entry.cmap is not None and entry.generation >= generation:
                    return MapView(entry.cmap, entry.generation, stale=False)
                if entry.cmap is not None:
                    if entry.building is None:
                        entry.building = threading.Event()
                        threading.Thread(
                            target=self._refresh,
                            args=(_Job(key, entry, engine, generation, build),),
                            name=f"map-refresh-{generation}",
                            daemon=True,
                        ).start()
                    return MapView(entry.cmap, entry.generation, stale=True)
                waiting = entry.building
                if waiting is None:
                    entry.building = threading.Event()
            if waiting is None:
                return self._first(_Job(key, entry, engine, generation, build))
            waiting.wait()  # another request is drawing this map for the first time

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _first(self, job: _Job) -> MapView:
        try:
            cmap = job.build(job.engine)
        except BaseException:  # a bad query's error reaches this request; waiters retry
            self._finish(job, None)
            raise
        self._finish(job, cmap)
        return MapView(cmap, job.generation, stale=False)

    def _refresh(self, job: _Job) -> None:
        cmap: CoopMap | None = None
        try:
            cmap = job.build(job.engine)
        except Exception:  # the stale map stays served; the next request tries again
            log.warning(
                "refreshing map %r at generation %d failed", job.key, job.generation, exc_info=True
            )
        self._finish(job, cmap)

    def _finish(self, job: _Job, cmap: CoopMap | None) -> None:
        key, entry, generation = job.key, job.entry, job.generation
        with self._lock:
            if cmap is not None and generation >= entry.generation:
                entry.cmap, entry.generation = cmap, generation
            done, entry.building = entry.building, None
            if entry.cmap is None and self._entries.get(key) is entry:
                del self._entries[key]  # a failed first build leaves nothing behind
        if done is not None:
            done.set()

    def _evict(self) -> None:
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
