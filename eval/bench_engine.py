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
from eval.home import home_paths
from matcher.engine import MatchEngine
from matcher.profiles import Space, encode_for

console = Console(highlight=False, soft_wrap=True)


def _unique_texts(engine: MatchEngine) -> dict[Space, list[str]]:
    """What a build really has to encode: distinct texts per prefix space."""
    out = {}
    for space in Space:
        rows = np.flatnonzero(engine.table.mask(space))
        out[space] = list(dict.fromkeys(engine.table.texts[int(r)] for r in rows))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=3, help="runs per measurement (median)")
    ap.add_argument("--models", type=Path, default=None, help="model folder (default as CLI)")
    args = ap.parse_args(argv)

    import torch

    orgs = load_demo_organisations()
    tax = load_default_taxonomy()
    inner = load_default_encoder(args.models or home_paths().models, progress=False)
    today = dt.date.today()
    console.print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"torch threads {torch.get_num_threads()}, OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )
    console.print(f"demo park: {len(orgs)} organisations")

    probe = MatchEngine(orgs, tax, inner, today=today)
    n_stmt = len(probe.table.ids) + int(probe.table.mask(Space.OFFERS).sum())  # offers twice
    unique = _unique_texts(probe)
    n_unique = sum(len(v) for v in unique.values())
    encode_for(inner, Space.NEEDS, ["预热 warm-up"] * 8)  # first call pays one-off set-up
    raw, cold, warm = [], [], []
    for rep in range(args.repeats):
        cached = CachedEncoder(inner, EmbeddingCache(":memory:"))

        def time_build(cached: CachedEncoder = cached) -> float:
            t = time.perf_counter()
            MatchEngine(orgs, tax, cached, today=today).build()
            return time.perf_counter() - t

        def time_raw() -> float:
            t = time.perf_counter()
            for space, texts in unique.items():
                encode_for(inner, space, texts)
            return time.perf_counter() - t

        # alternate the order so neither side always runs on a warmer machine
        if rep % 2 == 0:
            t_raw, t_cold = time_raw(), time_build()
        else:
            t_cold, t_raw = time_build(), time_raw()
        raw.append(n_unique / t_raw)
        cold.append(n_unique / t_cold)
        warm.append(n_unique / time_build())  # every vector now comes from the cache
        engine = MatchEngine(orgs, tax, cached, today=today).build()
    r, c, w = statistics.median(raw), statistics.median(cold), statistics.median(warm)
    console.print(
        f"statements per build: {n_stmt} vectors (offers twice: passage + symmetric), "
        f"{n_unique} distinct texts to encode"
    )
    console.print(f"raw model encode      {r:9.1f} texts/s   (median of {args.repeats})")
    console.print(
        f"index build, cold     {c:9.1f} texts/s   ratio to raw {c / r:5.2f}"
        f"   ({c * n_stmt / n_unique:.1f} statement vectors/s)"
    )
    console.print(f"index build, warm     {w:9.1f} texts/s   ratio to raw {w / r:7.2f}")

    lat: dict[str, list[float]] = {"find_partners": [], "find_substitutes": [], "ask": []}
    queries = [o.id for o in orgs if o.needs]
    questions = [o.needs[0] for o in orgs[:: max(1, len(orgs) // 100)] if o.needs]
    for rep in range(args.repeats):
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
            engine.ask(f"{q}（{rep}）", k=10)  # a new text each time: the model encodes it
            lat["ask"].append(time.perf_counter() - t)
    for name, xs in lat.items():
        ms = np.asarray(xs) * 1000
        console.print(
            f"{name:<17} p50 {np.percentile(ms, 50):7.2f} ms   p99 {np.percentile(ms, 99):7.2f} ms"
            f"   ({len(ms)} calls)"
        )


if __name__ == "__main__":
    main()
