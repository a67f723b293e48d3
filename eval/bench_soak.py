"""Benchmark (not a test): a sustained mixed load on ``chainmatch serve``, then a consistency
check. Run: ``python -m eval.bench_soak --minutes 10 --rate 200 [--workers 1]``.

It starts ``chainmatch serve`` on 127.0.0.1 over the demo park (a fresh home; the model
folder is shared), with a staff token, and sends requests *open loop* — at fixed times,
``rate`` per second, whether or not earlier ones have answered (a closed loop would slow
down with the server and hide its queue):

- 70 % matching: ``POST /match/partners`` 40 %, ``/match/substitutes`` 15 %, ``/ask`` 15 %;
- 20 % reads: ``GET /orgs`` (a page, or one organisation) 10 %, ``GET /map?chain=…`` 10 %;
- 10 % writes: ``POST /orgs`` (a new soak organisation) or ``PUT /orgs/{id}`` (new offers
  for one the run created and is not writing at that moment).

It prints the achieved rate, p50/p99 latency and errors per route, and at the end checks
that every acknowledged write is visible (``GET /orgs/{id}`` returns what was last written),
that the organisation count is the start's plus the creates, that the audit log holds one
entry per acknowledged write, and that no answer was a 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from rich.console import Console

from catalog.demo import load_demo_organisations
from eval.bench_service import _free_port
from eval.home import home_paths

console = Console(highlight=False, soft_wrap=True)

MIX: tuple[tuple[str, float], ...] = (
    ("partners", 0.40),
    ("substitutes", 0.15),
    ("ask", 0.15),
    ("orgs", 0.10),
    ("map", 0.10),
    ("write", 0.10),
)
CHAINS = ("ic", "pv", "nev", "bio", "iot", "newmat")
TIMEOUT_S = 60.0
MAX_IN_FLIGHT = 4000


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    failures: Counter[str] = field(default_factory=Counter)  # transport errors, timeouts
    lag: list[float] = field(default_factory=list)  # how late the client sent, seconds
    dropped: int = 0


@dataclass
class Writes:
    """What the run wrote and the server acknowledged, for the final check."""

    last: dict[str, list[str]] = field(default_factory=dict)  # org id → offers written
    created: int = 0
    acknowledged: int = 0
    attempted: int = 0
    attempted_creates: int = 0
    # a write the client gave up on (timeout) may still land: what the org may now hold
    uncertain: dict[str, list[list[str] | None]] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)
    serial: int = 0


def _mix(writes: float) -> list[tuple[str, float]]:
    """MIX with the write share set to ``writes`` and the others scaled to the rest."""
    if not 0 <= writes <= 1:
        raise ValueError(f"--writes must be between 0 and 1; got {writes}")
    others = [(n, s) for n, s in MIX if n != "write"]
    scale = (1 - writes) / sum(s for _, s in others)
    return [*((n, s * scale) for n, s in others), ("write", writes)]


def _mix_choice(rng: random.Random, mix: list[tuple[str, float]]) -> str:
    x, acc = rng.random(), 0.0
    for name, share in mix:
        acc += share
        if x < acc:
            return name
    return mix[-1][0]


def _requests(
    rng: random.Random, writes: Writes, auth: dict[str, str]
) -> dict[str, Callable[[httpx.AsyncClient], Awaitable[tuple[str, httpx.Response]]]]:
    demo = load_demo_organisations()
    with_needs = [o.id for o in demo if o.needs]
    ids = [o.id for o in demo]
    questions = [s for o in demo[::7] for s in o.needs[:1]]

    async def partners(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
        body = {"org_id": rng.choice(with_needs), "k": 10}
        return "partners", await c.post("/match/partners", json=body)

    async def substitutes(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
        return "substitutes", await c.post("/match/substitutes", json={"org_id": rng.choice(ids)})

    async def ask(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
        return "ask", await c.post("/ask", json={"text": rng.choice(questions), "k": 10})

    async def orgs(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
        if rng.random() < 0.5:
            return "orgs", await c.get(f"/orgs/{rng.choice(ids)}")
        return "orgs", await c.get("/orgs", params={"limit": 20, "offset": rng.randrange(300)})

    async def cmap(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
        return "map", await c.get("/map", params={"chain": rng.choice(CHAINS)})

    async def write(c: httpx.AsyncClient) -> tuple[str, httpx.Response]:
        writes.serial += 1
        writes.attempted += 1
        offers = [f"浸泡测试服务 soak offer {writes.serial}", "精密结构件加工"]
        free = [i for i in writes.last if i not in writes.busy and i not in writes.uncertain]
        if free and rng.random() < 0.5:
            org_id = rng.choice(free)
            writes.busy.add(org_id)
            try:
                r = await c.put(f"/orgs/{org_id}", json={"offers": offers}, headers=auth)
            except httpx.HTTPError:
                writes.uncertain[org_id] = [writes.last[org_id], offers]
                raise
            finally:
                writes.busy.discard(org_id)
            route = "write PUT"
        else:
            org_id = f"soak-{writes.serial:06d}"
            body = {
                "id": org_id,
                "name": f"浸泡测试企业{writes.serial}",
                "chains": [{"chain": "newmat", "segment": "newmat.thermal"}],
                "offers": offers,
                "needs": ["寻找包装材料"],
            }
            writes.attempted_creates += 1
            try:
                r = await c.post("/orgs", json=body, headers=auth)
            except httpx.HTTPError:
                writes.uncertain[org_id] = [None, offers]
                raise
            route = "write POST"
            writes.created += r.status_code == 201
        if r.status_code in (200, 201):
            writes.last[org_id] = offers
            writes.acknowledged += 1
        return route, r

    return {
        "partners": partners,
        "substitutes": substitutes,
        "ask": ask,
        "orgs": orgs,
        "map": cmap,
        "write": write,
    }


async def _load(
    base: str, rate: float, seconds: float, token: str, seed: int, mix: list[tuple[str, float]]
) -> tuple[Stats, Writes, float]:
    rng = random.Random(seed)
    stats, writes = Stats(), Writes()
    auth = {"Authorization": f"Bearer {token}"}
    calls = _requests(rng, writes, auth)
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S, limits=limits) as client:
        in_flight: set[asyncio.Task[None]] = set()

        async def one(kind: str, due: float) -> None:
            t0 = time.perf_counter()
            stats.lag.append(t0 - due)
            try:
                route, r = await calls[kind](client)
            except httpx.HTTPError as exc:
                stats.failures[f"{kind}: {type(exc).__name__}"] += 1
                return
            stats.latencies[route].append(time.perf_counter() - t0)
            stats.statuses[route][r.status_code] += 1

        start = time.perf_counter()
        n = int(rate * seconds)
        for i in range(n):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= MAX_IN_FLIGHT:
                stats.dropped += 1
                continue
            task = asyncio.create_task(one(_mix_choice(rng, mix), due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            if i and i % int(rate * 30) == 0:
                console.log(f"{i / rate:.0f} s: {i} sent, {len(in_flight)} in flight")
        sent_for = time.perf_counter() - start
        if in_flight:
            await asyncio.gather(*in_flight)
    return stats, writes, sent_for


def _check(base: str, token: str, writes: Writes, start_total: int, stats: Stats) -> list[str]:
    """The consistency checks; returns the failures (empty: all hold). A write the client
    timed out on may or may not have landed: it widens the allowed range, nothing more."""
    auth = {"Authorization": f"Bearer {token}"}
    problems: list[str] = []

    def offers_of(c: httpx.Client, org_id: str) -> list[str] | None:
        r = c.get(f"/orgs/{org_id}")
        return None if r.status_code == 404 else list(r.json()["offers"])

    with httpx.Client(base_url=base, timeout=TIMEOUT_S, headers=auth) as c:
        wrong = [
            i
            for i, offers in writes.last.items()
            if i not in writes.uncertain and offers_of(c, i) != offers
        ]
        wrong += [i for i, maybe in writes.uncertain.items() if offers_of(c, i) not in maybe]
        if wrong:
            problems.append(f"{len(wrong)} write(s) not as acknowledged, e.g. {wrong[:3]}")
        total = c.get("/orgs", params={"limit": 1}).json()["total"]
        low, high = start_total + writes.created, start_total + writes.attempted_creates
        if not low <= total <= high:
            problems.append(f"count {total} outside [{low}, {high}] (start + creates)")
        logged = c.get("/audit", params={"limit": 10_000}).json()["entries"]
        mine = sum(e["actor"] == "default" for e in logged)
        if not writes.acknowledged <= mine <= writes.attempted:
            problems.append(
                f"audit holds {mine} entries by the run; acknowledged {writes.acknowledged}, "
                f"attempted {writes.attempted}"
            )
    five = sum(n for s in stats.statuses.values() for code, n in s.items() if code >= 500)
    if five:
        problems.append(f"{five} answer(s) with a 5xx status")
    return problems


def _report(stats: Stats, rate: float, sent_for: float, total_s: float) -> None:
    done = sum(len(v) for v in stats.latencies.values())
    console.print(
        f"target {rate:.0f} req/s; sent {done + sum(stats.failures.values())} in {sent_for:.1f} s; "
        f"answered {done} — {done / total_s:.1f} req/s over {total_s:.1f} s until the last "
        f"answer; dropped (client at {MAX_IN_FLIGHT} in flight) {stats.dropped}; client send "
        f"lag p99 {np.percentile(stats.lag, 99) * 1000:.0f} ms"
    )
    console.print("route         |     n |  req/s | p50 ms | p99 ms | non-2xx")
    for route in sorted(stats.latencies):
        lat = np.asarray(stats.latencies[route]) * 1000
        bad = {c: n for c, n in stats.statuses[route].items() if c >= 300}
        console.print(
            f"{route:<13} | {len(lat):5d} | {len(lat) / total_s:6.1f} | "
            f"{np.percentile(lat, 50):6.0f} | {np.percentile(lat, 99):6.0f} | {bad or 0}"
        )
    for what, n in stats.failures.items():
        console.print(f"transport error  {what}: {n}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="how long to send load")
    ap.add_argument("--rate", type=float, default=200.0, help="requests per second, open loop")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--encoder", default="e5-small", help="e5-small (default) or hashing")
    ap.add_argument("--home", type=Path, default=None, help="server home (default: a temp dir)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--writes", type=float, default=0.10, help="share of writes (the rest keeps its ratios)"
    )
    args = ap.parse_args(argv)
    port, token = _free_port(), secrets.token_urlsafe(24)
    base = f"http://127.0.0.1:{port}"
    home = args.home or Path(tempfile.mkdtemp(prefix="chainmatch-soak-"))
    env = {
        **os.environ,
        "CHAINMATCH_TOKEN": token,
        "CHAINMATCH_MODELS": str(home_paths().models),
        "CHAINMATCH_ENCODER": args.encoder,
    }
    cmd = [sys.executable, "-m", "service", "--home", str(home), "serve", "--port", str(port)]
    cmd += ["--workers", str(args.workers)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                err = server.stderr.read().decode()[-2000:] if server.stderr else ""
                raise SystemExit(f"server exited: {err}")
            time.sleep(0.5)
        health = httpx.get(f"{base}/health").json()
        start_total = httpx.get(f"{base}/orgs", params={"limit": 1}).json()["total"]
        console.print(
            f"server: {args.workers} worker(s), {health['organisations']} organisations, model "
            f"{health['model_id']}, {os.cpu_count()} cores; {args.minutes:g} min at "
            f"{args.rate:g}/s, {args.writes:.0%} writes"
        )
        t0 = time.perf_counter()
        stats, writes, sent_for = asyncio.run(
            _load(base, args.rate, args.minutes * 60, token, args.seed, _mix(args.writes))
        )
        _report(stats, args.rate, sent_for, time.perf_counter() - t0)
        problems = _check(base, token, writes, start_total, stats)
        console.print(
            f"consistency: {writes.acknowledged} of {writes.attempted} writes acknowledged "
            f"({writes.created} creates; {len(writes.uncertain)} timed out on the client); "
            + ("all visible, counts equal, audit complete, no 5xx" if not problems else "FAILED")
        )
        for p in problems:
            console.print(f"  - {p}")
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
