"""Benchmark (not a test): a sustained mixed load on ``chainmatch serve``, each route's
capacity alone, which route limits the mix, and a final consistency check.

Run: ``python -m eval.bench_soak --minutes 10 --rate 200 [--workers 1] [--json PATH]``, or
``--compare-workers 1,2`` for the capacity phase under each worker count (no mixed run).

It starts ``chainmatch serve`` on 127.0.0.1 over the demo park (a fresh home; the model
folder is shared) with a staff token, then:

1. **capacity** (``--capacity-seconds`` per route, 0 skips it): each route alone, closed
   loop with ``--capacity-clients`` clients; from those, the *limits* table — each route's
   required rate (share × target), capacity, their ratio, its part of the server's time,
   and the mix's capacity ``1 / Σ share / capacity`` (`eval.soak_report`);
2. **mixed run**: ``--rate`` requests a second for ``--minutes``, open loop but bounded
   (`eval.soak_load`): at most ``--max-in-flight`` out at once (default twice what a
   server meeting the target holds on average: 2 × rate × p99 bound), the rest *shed* and
   counted per route; every request given up after ``--timeout`` seconds, so the run ends
   at most that long after its last send. The mix: 70 % matching (partners 40 %,
   substitutes 15 %, ask 15 %), 20 % reads (``GET /orgs`` 10 %, ``GET /map`` 10 %), 10 %
   writes (``POST /orgs`` of a new organisation, at most ``--max-creates`` in all, or
   ``PUT /orgs/{id}`` of one the run created);
3. **consistency**: every acknowledged write reads back as written (``GET /orgs/{id}``),
   the count is the start's plus the creates, the audit log holds one entry per write,
   the matching engine knows the run's latest creates (each probed on fresh connections,
   so with several workers every worker is asked), no 5xx, nothing in the server's log.
   A write without a clear answer (timeout, transport error, 5xx) may or may not have
   landed: it widens what is allowed, nothing more.

It prints the server's worker count, memory and CPU, the load average, the three parts and
a verdict: the target held (2xx for every request, sent on time, p99 over all answers ≤
``--p99-ms``) or not, why, and the limiting route and by how much.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from catalog.paths import Paths
from eval.soak_check import audit_count, check
from eval.soak_load import (
    Calls,
    Route,
    RouteStats,
    Writes,
    closed_loop,
    mix_shares,
    open_loop,
)
from eval.soak_report import (
    Capacity,
    capacity_of,
    jsonable,
    limits,
    print_capacity,
    print_limits,
    print_run,
    run_summary,
    verdict,
)
from eval.soak_server import SOAK_ACTOR, Server, prepare_home

console = Console(highlight=False, soft_wrap=True)

CAPACITY_CREATES = 8  # the capacity phase's writes then update these (the park stays small)


def _closed(
    server: Server, calls: Calls, route: Route, args: argparse.Namespace, seconds: float
) -> tuple[RouteStats, float]:
    """``route`` alone for ``seconds``: stats and elapsed time."""
    return asyncio.run(
        closed_loop(
            server.base,
            calls,
            route,
            clients=args.capacity_clients,
            seconds=seconds,
            timeout_s=args.timeout,
        )
    )


def _capacity(
    server: Server, calls: Calls, routes: list[Route], args: argparse.Namespace
) -> list[Capacity]:
    """Each route alone, closed loop, after a short warm-up (first calls fill per-day
    caches and draw each chain's map: the mix is served maps drawn in the background,
    `service.api.mapcache`)."""
    out: list[Capacity] = []
    max_creates, calls.max_creates = calls.max_creates, min(CAPACITY_CREATES, args.max_creates)
    try:
        for route in routes:
            warm, _ = _closed(server, calls, route, args, min(1.0, args.capacity_seconds / 4))
            server.quiesce()
            cpu0 = server.cpu_seconds()
            st, elapsed = _closed(server, calls, route, args, args.capacity_seconds)
            cpu1 = server.cpu_seconds()
            busy = None if cpu0 is None or cpu1 is None else round((cpu1 - cpu0) / elapsed, 2)
            cap = capacity_of(route, st, elapsed, busy)
            five = sum(n for code, n in warm.statuses.items() if code >= 500)
            out.append(dataclasses.replace(cap, status_5xx=cap.status_5xx + five))
            console.log(f"capacity {route.value}: {cap.rps:.1f} req/s")
    finally:
        calls.max_creates = max_creates
    return out


def _start(server: Server) -> dict[str, Any]:
    health = httpx.get(f"{server.base}/health").json()
    return {
        "workers": server.workers,
        "organisations": health["organisations"],
        "model_id": health["model_id"],
        "omp_threads": int(os.environ.get("CHAINMATCH_OMP_THREADS", "1")),
        "cores": os.cpu_count(),
        "memory_mb_start": server.memory_mb(),
    }


def _routes(shares: dict[Route, float]) -> list[Route]:
    return [r for r, s in shares.items() if s > 0]


def _default_cap(rate: float, p99_ms: float) -> int:
    """Twice what a server meeting the target holds in flight on average (Little's law:
    rate × latency, and the mean latency is below the p99 bound): 100 at 200/s, 250 ms.
    More in flight would only queue longer: the target is lost by then anyway."""
    return max(4, math.ceil(2 * rate * p99_ms / 1000))


def soak(args: argparse.Namespace, home: Path, token: str, logs: Path) -> dict[str, Any]:
    """One server: capacity phase, mixed run, consistency check; the whole report."""
    shares = mix_shares(args.writes)
    max_in_flight = args.max_in_flight or _default_cap(args.rate, args.p99_ms)
    if args.workers > 1:
        prepare_home(home, args.encoder, token, logs=logs)
    report: dict[str, Any] = {"load_average": {"start": os.getloadavg()}}
    with Server(home, workers=args.workers, encoder=args.encoder, token=token, logs=logs) as server:
        report["server"] = info = _start(server)
        start_total = int(info["organisations"])
        audit_start = audit_count(Paths(home).db, SOAK_ACTOR)
        console.print(
            f"server: {args.workers} worker(s), {start_total} organisations, model "
            f"{info['model_id']}, {info['cores']} cores, load average "
            f"{' '.join(f'{x:.2f}' for x in report['load_average']['start'])}; "
            f"{args.minutes:g} min at {args.rate:g}/s, {args.writes:.0%} writes, at most "
            f"{max_in_flight} in flight, timeout {args.timeout:g} s"
        )
        writes = Writes()
        calls = Calls(random.Random(args.seed), writes, token, max_creates=args.max_creates)
        table, caps = None, []
        if args.capacity_seconds > 0:
            caps = _capacity(server, calls, _routes(shares), args)
            table = limits(shares, args.rate, {c.route: c.rps for c in caps})
            report["capacity"] = [dataclasses.asdict(c) for c in caps]
            report["limits"] = dataclasses.asdict(table)
            print_capacity(console, caps, args.capacity_clients, args.capacity_seconds)
            print_limits(console, table)
        server.quiesce()
        cpu0, t0 = server.cpu_seconds(), time.perf_counter()
        run = asyncio.run(
            open_loop(
                server.base,
                calls,
                shares,
                rate=args.rate,
                seconds=args.minutes * 60,
                max_in_flight=max_in_flight,
                timeout_s=args.timeout,
            )
        )
        cpu1, elapsed = server.cpu_seconds(), time.perf_counter() - t0
        report["run"] = summary = run_summary(
            run, rate=args.rate, max_in_flight=max_in_flight, timeout_s=args.timeout
        )
        summary["server_cpu"] = (
            None if cpu0 is None or cpu1 is None else round((cpu1 - cpu0) / elapsed, 2)
        )
        print_run(console, summary)
        console.print(f"server CPU over the run: {summary['server_cpu']} cores")
        server.quiesce()
        report["consistency"] = consistency = check(
            server,
            token,
            writes,
            start_total,
            audit_start,
            summary["status_5xx"] + sum(c.status_5xx for c in caps),
        )
        info["memory_mb_end"] = server.memory_mb()
        info["log_errors"] = len(server.log_errors())
    report["load_average"]["end"] = os.getloadavg()
    report["verdict"] = v = verdict(summary, table, args.p99_ms)
    w = consistency["writes"]
    console.print(
        f"consistency: {w['acknowledged']} of {w['attempted']} writes acknowledged "
        f"({w['creates']} creates, {w['orgs_uncertain']} without a clear answer); "
        f"{consistency['matching_probe']['probes']} matching probes; "
        + ("all visible, counts equal, audit complete, no 5xx" if consistency["ok"] else "FAILED")
    )
    for p in consistency["problems"]:
        console.print(f"  - {p}")
    console.print(
        f"server memory (PSS) {info['memory_mb_start']} MB at start, {info['memory_mb_end']} "
        f"MB at the end; load average at the end "
        f"{' '.join(f'{x:.2f}' for x in report['load_average']['end'])}"
    )
    console.print(
        ("target HELD" if v["held"] else "target NOT held: " + "; ".join(v["reasons"]))
        + (f"\nlimit: {v['limit']}" if v["limit"] else "")
    )
    return report


def compare_workers(args: argparse.Namespace, folder: Path, token: str) -> dict[str, Any]:
    """The capacity phase and the consistency check under each worker count, each server
    on its own copy of one prepared home."""
    shares, counts = mix_shares(args.writes), [int(n) for n in args.compare_workers.split(",")]
    prepared = folder / "prepared"
    prepare_home(prepared, args.encoder, token, logs=folder)
    out: dict[str, Any] = {"load_average": {"start": os.getloadavg()}, "workers": {}}
    for n in counts:
        home = folder / f"home-{n}w"
        shutil.copytree(prepared, home)
        with Server(home, workers=n, encoder=args.encoder, token=token, logs=folder) as server:
            info = _start(server)
            audit_start = audit_count(Paths(home).db, SOAK_ACTOR)
            writes = Writes()
            calls = Calls(random.Random(args.seed), writes, token, max_creates=args.max_creates)
            caps = _capacity(server, calls, _routes(shares), args)
            table = limits(shares, args.rate, {c.route: c.rps for c in caps})
            server.quiesce()
            five = sum(c.status_5xx for c in caps)
            consistency = check(server, token, writes, info["organisations"], audit_start, five)
            info["memory_mb_end"] = server.memory_mb()
        out["workers"][str(n)] = {
            "server": info,
            "capacity": [dataclasses.asdict(c) for c in caps],
            "limits": dataclasses.asdict(table),
            "consistency": consistency,
        }
    out["load_average"]["end"] = os.getloadavg()
    _print_comparison(out, args)
    return out


def _print_comparison(out: dict[str, Any], args: argparse.Namespace) -> None:
    console.print(
        f"workers compared: capacity alone ({args.capacity_clients} clients, "
        f"{args.capacity_seconds:g} s a route), req/s (p99 ms; server CPU cores)"
    )
    for n, r in out["workers"].items():
        cells = [
            f"{c['route']} {c['rps']:.1f} ({c['p99_ms']}; {c['server_cpu']})" for c in r["capacity"]
        ]
        probe = r["consistency"]["matching_probe"]
        console.print(
            f"{n} worker(s): " + ", ".join(cells) + f"; mix capacity "
            f"{r['limits']['mix_capacity_rps']} req/s; memory {r['server']['memory_mb_end']} "
            f"MB; matching probes unknown {probe['unknown']}/{probe['probes']}; consistency "
            + ("holds" if r["consistency"]["ok"] else "; ".join(r["consistency"]["problems"]))
        )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="how long to send the mix")
    ap.add_argument("--rate", type=float, default=200.0, help="requests a second, open loop")
    ap.add_argument("--max-in-flight", type=int, default=0, help="default: 2 × rate × p99 bound")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds before giving up")
    ap.add_argument("--p99-ms", type=float, default=250.0, help="the target's p99 bound")
    ap.add_argument("--capacity-seconds", type=float, default=12.0, help="per route; 0: none")
    ap.add_argument("--capacity-clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--compare-workers", default=None, help="e.g. 1,2: capacity phase only")
    ap.add_argument("--encoder", default="e5-small", help="e5-small (default) or hashing")
    ap.add_argument("--home", type=Path, default=None, help="server home (default: a temp dir)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--writes", type=float, default=0.10, help="share of writes")
    ap.add_argument("--max-creates", type=int, default=300, help="then writes only update")
    ap.add_argument("--json", type=Path, default=None, help="write the whole report here")
    args = ap.parse_args(argv)
    if args.capacity_clients < 1 or args.timeout <= 0 or args.max_in_flight < 0:
        raise SystemExit("--capacity-clients >= 1, --timeout > 0, --max-in-flight >= 0")
    token = secrets.token_urlsafe(24)
    folder = Path(tempfile.mkdtemp(prefix="chainmatch-soak-"))  # homes and server logs
    if args.compare_workers:
        report = compare_workers(args, folder, token)
        checks = [r["consistency"] for r in report["workers"].values()]
    else:
        report = soak(args, args.home or folder / "home", token, folder)
        checks = [report["consistency"]]
    if all(c["ok"] for c in checks):
        shutil.rmtree(folder)
    else:
        console.print(f"kept {folder}: the server's log (and its home unless --home)")
    report["config"] = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    report["config"]["mix"] = mix_shares(args.writes)
    if args.json is not None:
        args.json.write_text(json.dumps(jsonable(report), ensure_ascii=False, indent=1))
    return report


if __name__ == "__main__":
    main()
