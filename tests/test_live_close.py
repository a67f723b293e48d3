"""`LiveEngine.close` while its background thread refits: the refit stops at its next
checkpoint (`matcher.cancel`) and close returns only once the thread has ended, never
abandoning it (an interpreter exiting under a thread in native code aborts: at 10⁵
organisations ``bench_writes`` died with ``FATAL: exception not rethrown``)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.models import Organisation
from catalog.store import CatalogStore
from catalog.taxonomy import load_default_taxonomy
from embeddings.hashing import HashingEncoder
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher import live as live_module
from matcher.cancel import Cancelled, cancellable, checkpoint
from matcher.engine import MatchEngine
from matcher.index import IndexKind
from matcher.live import LiveEngine

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def orgs() -> list[Organisation]:
    src = ScaleSources.load(use_ashare=False)
    out = [Organisation.model_validate(r) for r in iter_organisations(src, 41, seed=5)]
    return sorted(out, key=lambda o: o.id)


@pytest.fixture
def store(tmp_path: Path, orgs: list[Organisation]) -> Iterator[CatalogStore]:
    st = CatalogStore(tmp_path / "catalog.sqlite")
    st.upsert(orgs[:40])
    yield st
    st.close()


def _engine(store: CatalogStore) -> MatchEngine:
    return MatchEngine(
        store.all(), load_default_taxonomy(), HashingEncoder(dim=32),
        index_kind=IndexKind.EXACT, today=TODAY,
    ).build()  # fmt: skip


def _live(store: CatalogStore, monkeypatch: pytest.MonkeyPatch, step: object) -> LiveEngine:
    """A LiveEngine whose background refit is ``step`` (the one in __init__ is a no-op)."""
    calls: list[int] = []

    def refit(engine: MatchEngine) -> MatchEngine:
        calls.append(1)
        if len(calls) > 1:
            step()  # type: ignore[operator]
        return engine

    monkeypatch.setattr(live_module, "refit", refit)
    engine = _engine(store)
    return LiveEngine(store, engine, rebuild=lambda: engine, refit_writes=1, refit_seconds=0.1)


def test_close_stops_a_refit_at_its_next_checkpoint_and_waits(
    store: CatalogStore, orgs: list[Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    started, seen = threading.Event(), []

    def long_refit() -> None:  # 30 s of steps unless stopped
        started.set()
        try:
            for _ in range(3000):
                checkpoint()
                time.sleep(0.01)
        except Cancelled as exc:
            seen.append(str(exc))
            raise

    live = _live(store, monkeypatch, long_refit)
    live.write(lambda s: s.insert([orgs[40]]))
    assert started.wait(10), "the background refit never started"
    version = live.version
    t = time.monotonic()
    live.close()
    assert time.monotonic() - t < 5.0  # stopped at a checkpoint, not after 30 s
    assert live._worker is not None and not live._worker.is_alive()
    assert seen == ["stopped: the engine is closing"]
    assert live.version == version  # nothing published by the stopped refit
    assert live.engine.org(orgs[40].id).id == orgs[40].id  # the write stays visible


def test_close_waits_for_a_step_without_checkpoints(
    store: CatalogStore, orgs: list[Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    started, finished = threading.Event(), threading.Event()

    def native_step() -> None:  # like a FAISS call: cannot be interrupted
        started.set()
        time.sleep(1.0)
        finished.set()

    live = _live(store, monkeypatch, native_step)
    live.write(lambda s: s.insert([orgs[40]]))
    assert started.wait(10), "the background refit never started"
    live.close()
    assert finished.is_set()  # close returned only after the step ended
    assert live._worker is not None and not live._worker.is_alive()


def test_checkpoints_outside_a_cancellable_block_never_raise() -> None:
    stop = threading.Event()
    stop.set()
    checkpoint()  # no stop event in this context: nothing to do
    with cancellable(stop), pytest.raises(Cancelled):
        checkpoint()
    checkpoint()  # the block's stop event is gone again
