"""A catalog that is written while it is searched: the current engine generation, the
writes that publish the next one, and the background work that refits and compacts.

A write commits to the catalog store first (SQLite: the truth), then publishes a new engine
*generation* (`matcher.generation.next_generation`): the written organisations' statements
are encoded into a small exact delta beside the frozen index, the removed ones tombstoned,
and the reference swapped. A reader mid-request keeps the generation it started with and
never sees half a write. `LiveEngine.write` returns once its change is visible to the next
query. The changes to apply are read back from the audit log (`CatalogStore.changed_since`),
so any write path — one organisation, an import, a delete — is caught.

Writes that arrive together are published together (group commit): while one writer
publishes, the writes committed meanwhile wait for it and are then applied as one
generation by the first of them; the others find their change already visible. No timer
delays a lone write (a fixed 50 ms window would add 50 ms to every write on a quiet park
and batch no more under load than waiting for the publisher does).

Catalog-wide knowledge (`matcher.stale`: what is stale, and how) is refitted by a
background thread once ``refit_writes`` writes are pending or ``refit_seconds`` have passed
since the first of them; when the overlays hold more than ``compact_above`` statements (or
5 % of the index, at least 256) the same thread merges them into plain indexes and hands
them to ``save``. A write never waits for either: the finished work is laid under the
newest generation (`matcher.generation.with_fits`, `rebased`).

Example usage::

    live = LiveEngine(store, engine.load(folder), rebuild=open_engine)
    live.write(lambda store: store.insert([org]))
    live.engine.find_partners(org.id)        # visible: write returned after publishing
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from catalog.store import CatalogStore
from matcher.cancel import Cancelled, cancellable, checkpoint
from matcher.engine import MatchEngine
from matcher.generation import CatalogChange, fitted_of, next_generation, pending
from matcher.upkeep import compacted, rebased, refit, with_fits

__all__ = ["LiveEngine"]

log = logging.getLogger(__name__)

T = TypeVar("T")


class LiveEngine:
    """The current engine generation of one catalog store, and the writes to it."""

    def __init__(
        self,
        store: CatalogStore,
        engine: MatchEngine,
        *,
        rebuild: Callable[[], MatchEngine],
        save: Callable[[MatchEngine], None] | None = None,
        on_publish: Callable[[], None] | None = None,
        refit_writes: int = 100,
        refit_seconds: float = 10.0,
        compact_above: int = 20_000,
        background: bool = True,
    ) -> None:
        self._store = store
        self.rebuild = rebuild  # a whole engine from the store: the fallback, never the path
        self.save = save
        self.on_publish = on_publish
        self.refit_writes = refit_writes
        self.refit_seconds = refit_seconds
        self.compact_above = compact_above
        self._seq = store.change_seq()  # the last change the engine shows
        # fits what it learns now, so a request does not pay for it (1.2 s on the demo park)
        self._engine = refit(engine)
        self._write_lock = threading.Lock()  # one change to the store at a time
        self._publish_lock = threading.Lock()  # one generation published at a time
        self.version = 1
        self.writes_unfitted = 0
        self._first_unfitted = 0.0
        self._wake = threading.Condition()
        self._closing = False
        self._stop = threading.Event()  # set by close(): background work stops at a checkpoint
        self._worker: threading.Thread | None = None
        if background:
            self._worker = threading.Thread(target=self._background, name="refit", daemon=True)
            self._worker.start()

    @property
    def engine(self) -> MatchEngine:
        return self._engine

    @property
    def store(self) -> CatalogStore:
        return self._store

    def current(self) -> MatchEngine:
        """The engine, first caught up with catalog changes committed by *other* writers
        (another process on the same file: a second ``serve`` worker, the CLI). Costs one
        indexed read of the audit log's last sequence number when nothing changed."""
        seq = self._store.change_seq()
        if seq > self._seq:
            self.catch_up(seq)
        return self._engine

    def close(self) -> None:
        """Stop the background thread and wait for it: a refit or compaction under way stops
        at its next checkpoint (`matcher.cancel`). Never returns while the thread runs — an
        interpreter exiting under a thread inside native code aborts the process."""
        self._stop.set()
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._worker is not None and self._worker is not threading.current_thread():
            self._worker.join()

    # ------------------------------------------------------------------ writes
    def write(self, change: Callable[[CatalogStore], T]) -> T:
        """Apply ``change`` to the catalog (its own transaction), then make it visible:
        returns once a generation showing it is published."""
        with self._write_lock:
            result = change(self._store)
            seq = self._store.change_seq()
        self.catch_up(seq)
        return result

    def catch_up(self, seq: int | None = None) -> int:
        """Publish every catalog change up to ``seq`` (None: the latest) not yet shown;
        returns how many organisations the new generation changed (0: none needed)."""
        with self._publish_lock:
            if seq is not None and self._seq >= seq:
                return 0  # a concurrent writer's generation already shows this change
            upto, written, removed = self._store.changed_since(self._seq)
            change = CatalogChange(tuple(written), tuple(removed))
            if change:
                self._publish(self._next(change))
            self._seq = upto
            n = len(written) + len(removed)
            if n:
                with self._wake:
                    if not self.writes_unfitted:
                        self._first_unfitted = time.monotonic()
                    self.writes_unfitted += n
                    self._wake.notify_all()
            return n

    def _next(self, change: CatalogChange) -> MatchEngine:
        try:
            return next_generation(self._engine, change)
        except Exception:  # never publish less than the truth: rebuild from the catalog
            log.exception("incremental generation failed; rebuilding the engine")
            return refit(self.rebuild())

    def _publish(self, engine: MatchEngine) -> None:
        self._engine = engine
        self.version += 1
        if self.on_publish is not None:
            self.on_publish()

    # -------------------------------------------------------------- background
    def _due(self) -> tuple[bool, bool]:
        """(refit due, compaction due) for the current generation."""
        engine = self._engine
        size = sum(len(ix) for ix in engine.indexes.values())
        compact = pending(engine) > min(self.compact_above, max(256, size // 20))
        waited = time.monotonic() - self._first_unfitted
        refit_due = self.writes_unfitted >= self.refit_writes or (
            self.writes_unfitted > 0 and waited >= self.refit_seconds
        )
        return refit_due, compact

    def _background(self) -> None:
        with cancellable(self._stop):
            try:
                self._upkeep()
            except Cancelled:
                log.info("background refit or compaction stopped: closing")

    def _upkeep(self) -> None:
        while True:
            with self._wake:
                while not self._closing and not any(self._due()):
                    self._wake.wait(timeout=max(0.05, self.refit_seconds / 4))
                if self._closing:
                    return
                refit_due, compact_due = self._due()
            try:
                if compact_due:
                    self.compact()
                if refit_due:
                    self.refit_now()
            except Cancelled:
                raise
            except Exception:  # the service keeps its stale-but-correct generation
                log.exception("background refit or compaction failed")
                self._stop.wait(1.0)

    def refit_now(self) -> None:
        """Fit the knowledge on the current generation and lay it under the newest one."""
        snapshot, writes = self._engine, self.writes_unfitted
        started = time.monotonic()
        fitted = fitted_of(refit(snapshot))
        checkpoint()  # closing: publish nothing more
        current = self._engine
        ready = with_fits(current, fitted)  # outside the lock: a row map over the catalog
        with self._publish_lock:
            self._publish(ready if self._engine is current else with_fits(self._engine, fitted))
            with self._wake:
                self.writes_unfitted = max(0, self.writes_unfitted - writes)
                self._first_unfitted = time.monotonic()
        log.info("refitted the catalog knowledge in %.1f s", time.monotonic() - started)

    def compact(self) -> None:
        """Merge the overlays of the current generation into plain indexes, ``save`` them,
        and lay them under the newest generation."""
        snapshot = self._engine
        packed = compacted(snapshot)
        checkpoint()
        if self.save is not None:
            self.save(packed)
        current = self._engine
        ready = packed if current is snapshot else rebased(current, packed)  # outside the lock
        with self._publish_lock:
            if self._engine is not current:  # a write published meanwhile: lay it on that
                ready = rebased(self._engine, packed)
            self._publish(ready)
        log.info("compacted the statement indexes (%d organisations)", len(packed.orgs))
