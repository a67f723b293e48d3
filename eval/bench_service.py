"""Benchmark (not a test): loopback load on POST /match/partners at 1, 4 and 16 clients.

Run: ``python -m eval.bench_service [--seconds 10] [--workers 1]``. It starts
``chainmatch serve`` on 127.0.0.1 (read-only: no token, nothing is written), waits for the
engine, then drives it with asyncio clients for a fixed time per level. ``GET /health`` at
the same concurrency is the baseline measured in the same run: the partners/health ratio
is the cost of matching over the cost of HTTP alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import numpy as np
from rich.console import Console

from catalog.demo import load_demo_organisations

console = Console(highlight=False, soft_wrap=True)


@dataclass
class Level:
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        return float(np.percentile(np.asarray(self.latencies) * 1000, q)) if self.latencies else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _drive(
    base: str, clients: int, seconds: float, request: Callable[[httpx.AsyncClient], object]
) -> Level:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while time.perf_counter() < deadline:
                t = time.perf_counter()
                try:
                    r = await request(client)  # type: ignore[misc]
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t)
                errors += not ok

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return Level(clients, len(latencies), errors, time.perf_counter() - start, latencies)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=10.0, help="load time per level")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--levels", default="1,4,16", help="concurrent clients per level")
    args = ap.parse_args(argv)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "CHAINMATCH_TOKEN"}
    cmd = [sys.executable, "-m", "service", "serve", "--port", str(port)]
    cmd += ["--workers", str(args.workers)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"server exited: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.5)
        health = httpx.get(f"{base}/health").json()
        console.print(
            f"server: {args.workers} worker(s), {health['organisations']} organisations, "
            f"model {health['model_id']}, {os.cpu_count()} cores"
        )
        rng = random.Random(0)
        orgs = [o.id for o in load_demo_organisations() if o.needs]

        def partners(client: httpx.AsyncClient) -> object:
            return client.post("/match/partners", json={"org_id": rng.choice(orgs), "k": 10})

        def health_call(client: httpx.AsyncClient) -> object:
            return client.get("/health")

        console.print("clients | partners req/s   p50 ms   p99 ms  errors | health req/s | ratio")
        for n in (int(x) for x in args.levels.split(",")):
            p = asyncio.run(_drive(base, n, args.seconds, partners))
            h = asyncio.run(_drive(base, n, args.seconds / 2, health_call))
            console.print(
                f"{n:7d} | {p.rps:14.1f} {p.pct(50):8.1f} {p.pct(99):8.1f} {p.errors:7d} |"
                f" {h.rps:12.1f} | {p.rps / h.rps:5.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
