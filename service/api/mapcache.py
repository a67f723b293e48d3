"""Cooperation maps kept across engine generations: stale while revalidating.

A map is one partner search per organisation on it (≈ 1 s of CPU for the demo park's whole
map), and every catalog write publishes a new generation. Keyed by generation, a park taking
writes all day redrew the map on nearly every request: the soak benchmark at 20 writes/s
answered 0 of 712 map requests within 10 s. So a map of an older generation is served at
once, labelled with its generation and ``stale``, while one background thread redraws it
from the newest generation. The cost of redrawing is bounded whatever the write rate: one
thread for every map, and each map redrawn at most once per ``refresh_every`` seconds
(5 s: seven chain maps then take at most ≈ 0.2 core-seconds a second on the demo park).
Only a query never drawn before waits, and concurrent first requests of the same query wait
for one drawing (single flight), not one each.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from matcher.coopmap import CoopMap
from matcher.engine import MatchEngine

__all__ = ["MapCache", "MapView"]

log = logging.getLogger(__name__)

Snapshot = Callable[[], tuple[MatchEngine, int]]
Build = Callable[[MatchEngine], CoopMap]
Key = tuple[object, ...]


@dataclass(frozen=True)
class MapView:
    """A map and the engine generation it was drawn from (``stale``: a newer one exists)."""

    cmap: CoopMap
    generation: int
    stale: bool


@dataclass
class _Entry:
    build: Build
    generation: int = 0
    cmap: CoopMap | None = None
    drawn_at: float = 0.0  # time.monotonic() of the last drawing that finished
    first: threading.Event | None = None  # the first drawing in flight: set when it ends
    queued: bool = False  # a redraw waits for the refresher


class MapCache:
    """The last map of each of up to ``size`` queries, whatever generation drew it."""

    def __init__(self, snapshot: Snapshot, *, size: int = 16, refresh_every: float = 5.0) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        if refresh_every < 0:
            raise ValueError(f"refresh_every must be at least 0 seconds, got {refresh_every}")
        self._snapshot = snapshot  # the current (engine, generation), read together
        self._size = size
        self.refresh_every = refresh_every
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._todo: queue.Queue[Key | None] = queue.Queue()
        self._refresher: threading.Thread | None = None

    def get(self, key: Key, build: Build) -> MapView:
        """The map of ``key``: current, or the last one while it is redrawn behind it."""
        engine, generation = self._snapshot()
        while True:
            with self._lock:
                entry = self._entries.get(key)
                if entry is None:
                    entry = self._entries[key] = _Entry(build)
                    self._evict()
                self._entries.move_to_end(key)
                if entry.cmap is not None:
                    stale = entry.generation < generation
                    if stale:
                        self._queue(key, entry)
                    return MapView(entry.cmap, entry.generation, stale)
                waiting = entry.first
                if waiting is None:
                    entry.first = threading.Event()
            if waiting is None:
                return self._draw_first(key, entry, engine, generation)
            waiting.wait()  # another request is drawing this map for the first time

    def close(self) -> None:
        """Stop the refresher (a redraw under way finishes first)."""
        if self._refresher is not None:
            self._todo.put(None)
            self._refresher.join()
            self._refresher = None

    # ------------------------------------------------------------------ drawing
    def _draw_first(self, key: Key, entry: _Entry, engine: MatchEngine, generation: int) -> MapView:
        try:
            cmap = entry.build(engine)
        except BaseException:  # a bad query's error reaches this request; waiters retry
            self._finish(key, entry, None, generation)
            raise
        self._finish(key, entry, cmap, generation)
        return MapView(cmap, generation, stale=False)

    def _queue(self, key: Key, entry: _Entry) -> None:
        """Under the lock: ask the refresher for a redraw, unless one waits or the map was
        drawn less than ``refresh_every`` seconds ago."""
        if entry.queued or time.monotonic() - entry.drawn_at < self.refresh_every:
            return
        entry.queued = True
        if self._refresher is None:
            self._refresher = threading.Thread(target=self._refresh, name="map-refresh")
            self._refresher.daemon = True  # never holds a shutting-down interpreter
            self._refresher.start()
        self._todo.put(key)

    def _refresh(self) -> None:
        while (key := self._todo.get()) is not None:
            with self._lock:
                entry = self._entries.get(key)
            if entry is None:  # forgotten meanwhile
                continue
            engine, generation = self._snapshot()  # the newest, not the one that asked
            cmap: CoopMap | None = None
            try:
                cmap = entry.build(engine)
            except Exception:  # the stale map stays served; a later request asks again
                log.warning(
                    "redrawing map %r at generation %d failed", key, generation, exc_info=True
                )
            self._finish(key, entry, cmap, generation)

    def _finish(self, key: Key, entry: _Entry, cmap: CoopMap | None, generation: int) -> None:
        with self._lock:
            entry.queued = False
            entry.drawn_at = time.monotonic()
            if cmap is not None and generation >= entry.generation:
                entry.cmap, entry.generation = cmap, generation
            done, entry.first = entry.first, None
            if entry.cmap is None and self._entries.get(key) is entry:
                del self._entries[key]  # a failed first drawing leaves nothing behind
        if done is not None:
            done.set()

    def _evict(self) -> None:
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
