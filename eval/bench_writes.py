"""Catalog writes while readers search: write-to-visible latency and writes/s of the
incremental path (`matcher.live.LiveEngine`), beside the full-rebuild path it replaced,
measured in the same run.

``python -m eval.bench_writes [--orgs N] [--encoder hashing|e5-small] [--writes 30]
[--readers 2] [--baseline 3] [--json]`` puts the demo park (``--orgs 0``, the default) or N
generated organisations (`eval.scale_catalog`, seed 0) into a fresh SQLite catalog in a
temporary folder, opens the engine as the service does (saved index synced, knowledge
fitted), starts ``--readers`` threads calling ``find_partners`` in a loop, and then:

- **incremental**: ``--writes`` writes one after another — creates, updates of an
  organisation created earlier, deletes, in turn — each timed from the write call to the
  moment the new state answers: ``find_partners`` of a created organisation returns and
  ``ask`` of its offer ranks it in the top 10; an update's new offer is asked the same way;
  a deleted one is refused (``publish``: from the write call to the swap of the
  generation that shows it, i.e. without the checking queries; ``seen_from``: from the
  write call to the *start* of the first check that saw the new state — a check reads
  the one generation current when it starts, so a query started then saw the write; the
  checks themselves cost ≈ 1–2 s at 10⁵ organisations under load);
- **burst**: 8 creates from 8 threads at once: how long until all are visible and how many
  generations carried them (group commit);
- **full rebuild** (the baseline): ``--baseline`` creates, each followed by what a write
  did before — a whole engine from the catalog (saved index loaded, synced and saved,
  knowledge fitted) — timed the same way.

With ``--json``: ``{"orgs", "statements", "encoder", "load_before", "load_after",
"incremental": {"p50_ms", "p99_ms", "publish": {"p50_ms", "p99_ms"}, "seen_from": {…},
"writes_per_s",
"reads_per_s", "read_p50_ms"},
"burst": {"writes", "seconds", "generations"}, "full_rebuild": {"p50_ms", …},
"speedup_p50"}``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from catalog.demo import load_demo_organisations
from catalog.errors import NotFoundError
from catalog.models import Organisation
from catalog.store import CatalogStore
from catalog.taxonomy import load_default_taxonomy
from embeddings.base import Encoder
from embeddings.choice import EncoderKind, open_encoder, sparse_encoder_for
from eval.home import home_paths
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.engine import MatchEngine
from matcher.index import IndexKind, set_faiss_threads
from matcher.live import LiveEngine
from matcher.upkeep import refit

__all__ = ["main", "run"]

console = Console(stderr=True)
log = logging.getLogger(__name__)
TODAY = dt.date(2026, 6, 1)


def _fill(store: CatalogStore, n: int) -> None:
    if n <= 0:
        store.upsert(load_demo_organisations())
        return
    src = ScaleSources.load()
    batch: list[Organisation] = []
    for rec in iter_organisations(src, n, seed=0, validate=False):
        batch.append(Organisation.model_validate(rec))
        if len(batch) == 5000:
            store.upsert(batch)
            batch.clear()
    store.upsert(batch)


def _opener(store: CatalogStore, encoder: Encoder, folder: Path) -> Callable[[], MatchEngine]:
    """What `service.workspace.Workspace.engine` does: the whole catalog, the saved index
    loaded and synced (saved back when it changed)."""

    def open_engine() -> MatchEngine:
        engine = MatchEngine(
            store.all(),
            load_default_taxonomy(),
            encoder,
            index_kind=IndexKind.AUTO,
            today=TODAY,
            sparse_encoder=sparse_encoder_for(encoder),
        )
        delta = engine.load(folder)
        if delta["added"] or delta["removed"] or delta.get("sparse_encoded"):
            engine.save(folder)
        return engine

    return open_engine


def _percentiles(seconds: Sequence[float]) -> dict[str, float | None]:
    if not seconds:
        return {"p50_ms": None, "p99_ms": None}
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
    }


class _Readers:
    """Threads calling find_partners on whatever generation is current."""

    def __init__(self, engine: Callable[[], MatchEngine], ids: Sequence[str], n: int) -> None:
        self.engine, self.ids = engine, list(ids)
        self.latencies: list[float] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(i,)) for i in range(n)]

    def _loop(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            t = time.perf_counter()
            self.engine().find_partners(rng.choice(self.ids), k=10)
            self.latencies.append(time.perf_counter() - t)

    def __enter__(self) -> _Readers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()


def _new_org(template: Organisation, i: int) -> Organisation:
    offer = f"{(template.offers or ('工业服务',))[0]}（写入批次{i}号）"
    return template.model_copy(
        update={"id": f"bench-w-{i:05d}", "name": f"写入测试{i}号公司", "offers": (offer,)}
    )


def _visible(engine: MatchEngine, org: Organisation) -> bool:
    try:
        engine.find_partners(org.id, k=10)
    except NotFoundError:
        return False
    return org.id in [m.org_id for m in engine.ask(org.offers[0], k=10).matches]


def _gone(engine: MatchEngine, org_id: str) -> bool:
    try:
        engine.org(org_id)
    except NotFoundError:
        return True
    return False


def _add(org: Organisation, store: CatalogStore) -> int:
    return store.insert([org])


def _put(org: Organisation, store: CatalogStore) -> int:
    return store.upsert([org])


def _remove(org_id: str, store: CatalogStore) -> int:
    return store.delete([org_id])


def _shows(live: LiveEngine, org: Organisation) -> bool:
    return _visible(live.engine, org)


def _lost(live: LiveEngine, org_id: str) -> bool:
    return _gone(live.engine, org_id)


def _wait(check: Callable[[], bool], limit: float = 600.0) -> float:
    """Poll ``check`` until it holds; returns when (perf_counter) the check that held
    started. Each check reads one engine generation, taken when it starts (`_shows`):
    that generation already showed the write, so a query started then saw it."""
    end = time.monotonic() + limit
    while True:
        started = time.perf_counter()
        if check():
            return started
        if time.monotonic() > end:
            raise RuntimeError("a write did not become visible within the time limit")
        time.sleep(0.001)


def _incremental(
    live: LiveEngine, templates: Sequence[Organisation], writes: int
) -> tuple[list[float], list[float], list[float]]:
    """Per write: (write call → the new state answers, write call → the generation showing
    it published, write call → start of the first check that saw the new state)."""
    rng = random.Random(1)
    created: list[Organisation] = []
    latencies: list[float] = []
    published: list[float] = []
    returned: list[float] = []
    seen: list[float] = []
    live.on_publish = lambda: published.append(time.perf_counter())
    for i in range(writes):
        t = time.perf_counter()
        published.clear()
        if i % 3 == 1 and created:  # an update of one created earlier: a new offer
            org = created.pop(rng.randrange(len(created)))
            org = org.model_copy(update={"offers": (f"{org.offers[0]}（更新{i}）",)})
            live.write(partial(_put, org))
            started = _wait(partial(_shows, live, org))
            created.append(org)
        elif i % 3 == 2 and created:
            org = created.pop(0)
            live.write(partial(_remove, org.id))
            started = _wait(partial(_lost, live, org.id))
        else:
            org = _new_org(rng.choice(templates), i)
            live.write(partial(_add, org))
            started = _wait(partial(_shows, live, org))
            created.append(org)
        latencies.append(time.perf_counter() - t)
        returned.append((published[0] if published else time.perf_counter()) - t)
        seen.append(started - t)
    live.on_publish = None
    return latencies, returned, seen


def _burst(live: LiveEngine, templates: Sequence[Organisation], start: int) -> dict[str, Any]:
    orgs = [_new_org(templates[i % len(templates)], start + i) for i in range(8)]
    version = live.version
    gate = threading.Barrier(len(orgs))

    def one(org: Organisation) -> None:
        gate.wait()
        live.write(lambda s: s.insert([org]))

    threads = [threading.Thread(target=one, args=(o,)) for o in orgs]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    _wait(lambda: all(_visible(live.engine, o) for o in orgs))
    return {
        "writes": len(orgs),
        "seconds": round(time.perf_counter() - t, 3),
        "generations": live.version - version,
    }


def _full(
    store: CatalogStore, open_engine: Callable[[], MatchEngine], templates: Sequence[Organisation],
    n: int, start: int,
) -> list[float]:  # fmt: skip
    """The path a write took before: commit, then a whole new engine, refitted."""
    latencies = []
    for i in range(n):
        org = _new_org(templates[i % len(templates)], start + i)
        t = time.perf_counter()
        store.insert([org])
        engine = refit(open_engine())
        _wait(partial(_visible, engine, org))
        latencies.append(time.perf_counter() - t)
    return latencies


def run(
    n: int, encoder_kind: EncoderKind, writes: int, readers: int, baseline: int
) -> dict[str, Any]:
    set_faiss_threads(1)  # as the service runs: one OpenMP thread per worker
    paths = home_paths()
    encoder = open_encoder(encoder_kind, models=paths.models, cache=paths.cache, progress=False)
    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp:
        store = CatalogStore(Path(tmp) / "catalog.sqlite")
        t = time.perf_counter()
        _fill(store, n)
        open_engine = _opener(store, encoder, Path(tmp) / "index")
        live = LiveEngine(
            store,
            open_engine(),
            rebuild=open_engine,
            save=lambda e: e.save(Path(tmp) / "index"),
        )
        setup_s = time.perf_counter() - t
        base = live.engine
        templates = [o for o in base.orgs if o.needs and o.offers][:500]
        ids = [o.id for o in templates]
        with _Readers(lambda: live.engine, ids, readers) as rd:
            time.sleep(0.5)
            t = time.perf_counter()
            inc, publish, seen = _incremental(live, templates, writes)
            elapsed = time.perf_counter() - t
            reads = len(rd.latencies)
            burst = _burst(live, templates, writes)
            reads_during = rd.latencies[:reads]
            full = _full(store, open_engine, templates, baseline, writes + 100)
        live.close()
        store.close()
    encoder.cache.close()
    out: dict[str, Any] = {
        "orgs": len(base.orgs),
        "statements": len(base.table),
        "encoder": encoder.model_id,
        "index": "+".join(sorted({type(ix).__name__ for ix in base.indexes.values()})),
        "setup_s": round(setup_s, 1),
        "load_before": load_before,
        "incremental": {
            **_percentiles(inc),
            "publish": _percentiles(publish),
            "seen_from": _percentiles(seen),
            "writes_per_s": round(len(inc) / elapsed, 2),
            "reads_per_s": round(len(reads_during) / elapsed, 1),
            "read_p50_ms": _percentiles(reads_during)["p50_ms"],
        },
        "burst": burst,
        "full_rebuild": {**_percentiles(full), "writes": len(full)},
        "load_after": round(os.getloadavg()[0], 2),
    }
    full_p50, inc_p50 = out["full_rebuild"]["p50_ms"], out["incremental"]["p50_ms"]
    if full_p50 is not None and inc_p50:
        out["speedup_p50"] = round(full_p50 / inc_p50, 1)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_writes", description=__doc__)
    ap.add_argument("--orgs", type=int, default=0, help="generated organisations (0: demo park)")
    ap.add_argument(
        "--encoder",
        type=EncoderKind,
        default=EncoderKind.HASHING,
        choices=list(EncoderKind),
        help="embedding model (default hashing: no model, fast)",
    )
    ap.add_argument("--writes", type=int, default=30, help="timed writes (default 30)")
    ap.add_argument("--readers", type=int, default=2, help="reader threads (default 2)")
    ap.add_argument("--baseline", type=int, default=3, help="full-rebuild writes (default 3)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if args.writes < 1 or args.readers < 0 or args.baseline < 0:
        console.print("[red]error:[/red] --writes must be ≥ 1, --readers and --baseline ≥ 0")
        return 2
    out = run(args.orgs, args.encoder, args.writes, args.readers, args.baseline)
    if args.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return 0
    for key, value in out.items():
        console.print(f"{key:<14} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
