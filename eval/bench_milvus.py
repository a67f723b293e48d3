"""Benchmark (not a test): the Milvus index on milvus-lite beside FAISS flat in-process.

Run: ``python -m eval.bench_milvus [--vectors 10000] [--dim 384] [--queries 50] [--json]``.
One run, on random unit vectors (seed 0) in a fresh milvus-lite folder under a temporary
directory, measures:

- **upsert**: vectors per second into each index;
- **search latency** p50 / p99 of one query (k = 10 and k = 200, the engine's hits per
  statement) and of a batch of 10 queries at k = 200, FAISS on one thread;
- **filter cost**: one query at k = 10 under an ``id in [...]`` expression of 10², 10³ and
  10⁴ ids sent as is (the cost of parsing the list), and under `MilvusIndex`'s own
  handling of a filter admitting half the vectors (over-fetch, no list) and a fifth of
  them (listed: at most `EXPR_IDS` ids). Upserts of 10³ rows or more end with a flush, so
  the searches run on sealed, indexed segments.

With ``--json`` it prints one object: ``{"vectors", "dim", "load_avg", "upsert_per_s":
{"faiss", "milvus"}, "search_ms": {"faiss": {"k10": {"p50", "p99"}, …}, "milvus": {…}},
"filter_ms": {…}}``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from embeddings.base import l2_normalise
from matcher.index import FaissFlatIndex, set_faiss_threads

__all__ = ["main"]

console = Console(highlight=False, soft_wrap=True, stderr=True)


def _times(fn: Callable[[int], object], n: int) -> dict[str, float]:
    """p50 / p99 in ms of ``fn(i)`` for i in range(n), after one warm-up call."""
    fn(n)
    ms = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        ms.append((time.perf_counter() - start) * 1000)
    ms.sort()
    return {
        "p50": round(statistics.median(ms), 2),
        "p99": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 2),
    }


def _searches(
    index: Any, q: np.ndarray, k: int, batch: int = 1, allowed: np.ndarray | None = None
) -> Callable[[int], object]:
    """Query ``i``: ``batch`` query vectors from row ``i``, top ``k`` (inside ``allowed``)."""

    def search(i: int) -> object:
        return index.search(q[i : i + batch], k, filter=allowed)

    return search


def _upsert(index: Any, ids: np.ndarray, vecs: np.ndarray) -> float:
    start = time.perf_counter()
    index.upsert(ids, vecs)
    return round(len(ids) / (time.perf_counter() - start), 1)


def run(n: int, dim: int, queries: int, folder: Path) -> dict[str, Any]:
    from matcher.milvus import EXPR_IDS, MilvusIndex, lite_uri

    rng = np.random.default_rng(0)
    ids = rng.choice(10**12, size=n, replace=False).astype(np.int64)
    vecs = l2_normalise(rng.standard_normal((n, dim)))
    q = l2_normalise(rng.standard_normal((queries + 11, dim)))
    set_faiss_threads(1)
    faiss, milvus = FaissFlatIndex(dim), MilvusIndex(dim, uri=lite_uri(folder / "bench.db"))
    out: dict[str, Any] = {"vectors": n, "dim": dim, "queries": queries}
    out["upsert_per_s"] = {"faiss": _upsert(faiss, ids, vecs), "milvus": _upsert(milvus, ids, vecs)}
    out["search_ms"] = {}
    for name, index in (("faiss", faiss), ("milvus", milvus)):
        out["search_ms"][name] = {
            "k10": _times(_searches(index, q, 10), queries),
            "k200": _times(_searches(index, q, 200), queries),
            "batch10_k200": _times(_searches(index, q, 200, batch=10), 10),
        }
        console.print(f"{name}: {out['search_ms'][name]}")
    client, name = milvus._ready(), milvus.collection
    filters: dict[str, Any] = {}
    for size in (100, 1_000, 10_000):
        expr = f"id in {ids[:size].tolist()}"

        def raw(i: int, expr: str = expr) -> object:
            return client.search(name, data=q[i : i + 1], limit=10, filter=expr)

        filters[f"raw_in_{size}"] = _times(raw, 5)
        console.print(f"raw id in [{size} ids]: {filters[f'raw_in_{size}']}")
    for label, allowed in (("half", ids[::2]), ("fifth", ids[::5])):
        for ix_name, index in (("faiss", faiss), ("milvus", milvus)):
            filters[f"{label}_{ix_name}"] = _times(_searches(index, q, 10, allowed=allowed), 10)
        console.print(f"{label} ({len(allowed)} ids; lists up to {EXPR_IDS}): {filters}")
    out["filter_ms"] = filters
    out["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_milvus", description=__doc__)
    ap.add_argument("--vectors", type=int, default=10_000, help="collection size")
    ap.add_argument("--dim", type=int, default=384, help="vector dimension (e5-small: 384)")
    ap.add_argument("--queries", type=int, default=50, help="single queries timed per figure")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    if args.vectors < 1_000 or args.queries < 1:
        console.print("[red]error:[/red] --vectors must be at least 1000, --queries at least 1")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-milvus-") as tmp:
        out = run(args.vectors, args.dim, args.queries, Path(tmp))
    if args.json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        for key, value in out.items():
            console.print(f"{key:<14} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
