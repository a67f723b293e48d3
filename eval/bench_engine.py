"""Benchmark (not a test): index-build throughput vs raw encoding, and query latency.

Run: ``python -m eval.bench_engine [--repeats 3]``. Every figure is measured in the same run:
build throughput is printed as a ratio to the model's raw encode throughput, so a noisy
machine moves both sides together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from catalog.demo import load_demo_organisations
from catalog.taxonomy import load_default_taxonomy
from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.sentence import load_default_encoder
from matcher.engine import MatchEngine
from matcher.profiles import Space
from matcher.workspace import Paths

console = Console(highlight=False)


def _encode_all(engine: MatchEngine) -> int:
    n = 0
    for space in Space:
        rows = np.flatnonzero(engine.table.mask(space))
        engine.table.encode(engine.encoder, space, rows)
        n += len(rows)
    return n


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--models", type=Path, default=None, help="model folder (default as CLI)")
    args = ap.parse_args(argv)

    import torch

    orgs = load_demo_organisations()
    tax = load_default_taxonomy()
    inner = load_default_encoder(args.models or Paths.from_env().models, progress=False)
    today = dt.date.today()
    console.print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch threads {torch.get_num_threads()}, OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )
    console.print(f"demo park: {len(orgs)} organisations")

    raw, cold, warm = [], [], []
    for _ in range(args.repeats):
        # 1. raw model throughput: the same texts, straight through the model
        engine = MatchEngine(orgs, tax, inner, today=today)
        t = time.perf_counter()
        n = _encode_all(engine)
        raw.append(n / (time.perf_counter() - t))
        # 2. cold index build: empty cache, encode + cache writes + FAISS adds
        cached = CachedEncoder(inner, EmbeddingCache(":memory:"))
        engine = MatchEngine(orgs, tax, cached, today=today)
        t = time.perf_counter()
        engine.build()
        cold.append(n / (time.perf_counter() - t))
        # 3. warm rebuild: every vector comes from the cache
        engine = MatchEngine(orgs, tax, cached, today=today)
        t = time.perf_counter()
        engine.build()
        warm.append(n / (time.perf_counter() - t))
    r, c, w = statistics.median(raw), statistics.median(cold), statistics.median(warm)
    console.print(f"statements encoded per build: {n} (offers, needs, symmetric offers)")
    console.print(f"raw model encode      {r:8.1f} texts/s   (median of {args.repeats})")
    console.print(f"index build, cold     {c:8.1f} stmts/s   ratio to raw {c / r:5.2f}")
    console.print(f"index build, warm     {w:8.1f} stmts/s   ratio to raw {w / r:5.2f}")

    lat: dict[str, list[float]] = {"find_partners": [], "find_substitutes": [], "ask": []}
    queries = [o.id for o in orgs if o.needs]
    questions = [o.needs[0] for o in orgs[:: max(1, len(orgs) // 100)] if o.needs]
    for _ in range(args.repeats):
        for oid in queries:
            t = time.perf_counter()
            engine.find_partners(oid, k=10)
            lat["find_partners"].append(time.perf_counter() - t)
        for oid in queries[:100]:
            t = time.perf_counter()
            engine.find_substitutes(oid, k=10)
            lat["find_substitutes"].append(time.perf_counter() - t)
        for q in questions:
            t = time.perf_counter()
            engine.ask(q + "？", k=10)  # a new text: encoded by the model, not the cache
            lat["ask"].append(time.perf_counter() - t)
    for name, xs in lat.items():
        ms = np.asarray(xs) * 1000
        console.print(
            f"{name:<17} p50 {np.percentile(ms, 50):7.2f} ms   p99 {np.percentile(ms, 99):7.2f} ms"
            f"   ({len(ms)} calls)"
        )


if __name__ == "__main__":
    main()
