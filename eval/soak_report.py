"""The soak benchmark's figures (`eval.bench_soak`): the mixed run's summary, each route's
capacity alone, and the *limits* table that says which route holds the mix back and by
how much.

A route measured alone at ``c_i`` requests a second costs the server ``1 / c_i`` seconds a
request; a mix with shares ``s_i`` costs ``Σ s_i / c_i`` seconds a request, so the server
sustains ``1 / Σ s_i / c_i`` requests a second of the mix. The route with the largest
``s_i / c_i`` takes the largest part of the server's time: it limits the mix first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Console

from eval.soak_load import LoadRun, Route, RouteStats

__all__ = [
    "Capacity",
    "LimitRow",
    "Limits",
    "capacity_of",
    "jsonable",
    "limits",
    "print_capacity",
    "print_limits",
    "print_run",
    "run_summary",
    "verdict",
]


def _ms(values_s: list[float], q: float) -> float | None:
    return round(float(np.percentile(values_s, q)) * 1000, 1) if values_s else None


@dataclass(frozen=True)
class Capacity:
    """One route alone, closed loop: answers a second and latency at that load."""

    route: Route
    rps: float  # 2xx answers a second
    p50_ms: float | None
    p99_ms: float | None
    n: int
    errors: int
    status_5xx: int
    server_cpu: float | None  # cores the server used meanwhile (1.0: one core busy)


def capacity_of(route: Route, st: RouteStats, elapsed: float, server_cpu: float | None) -> Capacity:
    return Capacity(
        route,
        round(st.ok / elapsed, 2),
        _ms(st.latencies, 50),
        _ms(st.latencies, 99),
        st.sent,
        st.errors,
        sum(n for code, n in st.statuses.items() if code >= 500),
        server_cpu,
    )


@dataclass(frozen=True)
class LimitRow:
    route: Route
    share: float  # of the mix's requests
    required_rps: float  # share × target
    capacity_rps: float  # alone
    ratio: float  # required / capacity: above 1, this route alone cannot keep up
    time_share: float  # of the server's time the mix spends on this route


@dataclass(frozen=True)
class Limits:
    target_rps: float
    rows: list[LimitRow]
    mix_capacity_rps: float  # 1 / Σ share / capacity
    load_factor: float  # Σ required / capacity = target / mix capacity
    limiting_route: Route  # the largest share / capacity
    shortfall_rps: float  # target − mix capacity (≤ 0: the target fits)
    without_limiting_rps: float  # the mix's capacity if the limiting route cost nothing


def limits(shares: Mapping[Route, float], target: float, capacity: Mapping[Route, float]) -> Limits:
    """The limits table for ``target`` requests a second of the mix ``shares``, from each
    route's capacity alone (a route with no capacity costs infinitely much)."""
    if target <= 0:
        raise ValueError(f"target rate must be > 0; got {target}")
    cost = {r: (s / capacity[r] if capacity[r] > 0 else math.inf) for r, s in shares.items() if s}
    total = sum(cost.values())
    top = max(cost, key=lambda r: cost[r])
    rest = sum(c for r, c in cost.items() if r is not top)
    rows = [
        LimitRow(
            route=r,
            share=round(shares[r], 4),
            required_rps=round(shares[r] * target, 2),
            capacity_rps=capacity[r],
            ratio=round(target * c, 3),
            time_share=round(c / total, 4) if math.isfinite(total) else float(r is top),
        )
        for r, c in cost.items()
    ]
    mix = 1 / total if total > 0 else math.inf
    return Limits(
        target_rps=target,
        rows=rows,
        mix_capacity_rps=round(mix, 2),
        load_factor=round(target * total, 3),
        limiting_route=top,
        shortfall_rps=round(target - mix, 2),
        without_limiting_rps=round(1 / rest, 2) if rest > 0 else math.inf,
    )


def run_summary(
    run: LoadRun, *, rate: float, max_in_flight: int, timeout_s: float
) -> dict[str, Any]:
    """The mixed run's figures, in total and per route (JSON-ready)."""
    routes: dict[str, Any] = {}
    for route, st in run.routes.items():
        codes = st.statuses
        routes[route.value] = {
            "sent": st.sent,
            "ok": st.ok,
            "ok_rps": round(st.ok_in_window / run.seconds, 2),
            "p50_ms": _ms(st.latencies, 50),
            "p99_ms": _ms(st.latencies, 99),
            "status_4xx": sum(n for c, n in codes.items() if 400 <= c < 500),
            "status_5xx": sum(n for c, n in codes.items() if c >= 500),
            "timeouts": st.timeouts,
            "transport": dict(st.transport),
            "errors": st.errors,
            "shed": st.shed,
        }
    every = [x for st in run.routes.values() for x in st.latencies]
    stats = run.routes.values()
    sent = sum(st.sent for st in stats)
    return {
        "target_rps": rate,
        "seconds": run.seconds,
        "max_in_flight": max_in_flight,
        "timeout_s": timeout_s,
        "sent": sent,
        "shed": (shed := sum(st.shed for st in stats)),
        # due requests (sent or shed) a second of the send window: below the target, the
        # client itself could not keep the schedule
        "offered_rps": round((sent + shed) / run.sent_s, 2) if run.sent_s else 0.0,
        "ok": sum(st.ok for st in stats),
        "ok_rps": round(sum(st.ok_in_window for st in stats) / run.seconds, 2),
        "errors": sum(st.errors for st in stats),
        "status_5xx": sum(r["status_5xx"] for r in routes.values()),
        "status_4xx": sum(r["status_4xx"] for r in routes.values()),
        "timeouts": sum(st.timeouts for st in stats),
        "transport": sum(sum(st.transport.values()) for st in stats),
        "p50_ms": _ms(every, 50),
        "p99_ms": _ms(every, 99),
        "sent_s": round(run.sent_s, 2),
        "drain_s": round(run.drain_s, 2),
        "unfinished": run.unfinished,
        "lag_ms": {"p50": _ms(run.lag, 50), "p99": _ms(run.lag, 99), "max": _ms(run.lag, 100)},
        "client_cpu": round(run.client_cpu_s / (run.sent_s + run.drain_s), 2),
        "routes": routes,
    }


def verdict(run: Mapping[str, Any], table: Limits | None, p99_bound_ms: float) -> dict[str, Any]:
    """Did the mixed run hold the target (every request sent on time and answered 2xx,
    p99 within the bound)? If not, why, and which route limits it."""
    reasons: list[str] = []
    if run["offered_rps"] < 0.98 * run["target_rps"]:
        reasons.append(
            f"the client sent only {run['offered_rps']} req/s (lag p99 {run['lag_ms']['p99']} ms)"
        )
    if run["shed"]:
        reasons.append(f"{run['shed']} requests shed ({run['max_in_flight']} already in flight)")
    if run["errors"]:
        reasons.append(f"{run['errors']} errors")
    if run["p99_ms"] is None or run["p99_ms"] > p99_bound_ms:
        over = sorted(
            ((r["p99_ms"], name) for name, r in run["routes"].items() if r["p99_ms"] is not None),
            reverse=True,
        )
        worst = ", ".join(f"{name} {p99:g} ms" for p99, name in over if p99 > p99_bound_ms)
        reasons.append(f"p99 {run['p99_ms']} ms > {p99_bound_ms:g} ms (routes over it: {worst})")
    limit = None
    if table is not None:
        top = next(r for r in table.rows if r.route is table.limiting_route)
        limit = (
            f"{top.route.value} takes {top.time_share:.0%} of the server's time (capacity alone "
            f"{top.capacity_rps:g} req/s for {top.required_rps:g} required); the mix sustains "
            f"{table.mix_capacity_rps:g} req/s, {table.load_factor:g}× short of "
            f"{table.target_rps:g} (−{table.shortfall_rps:g} req/s); without "
            f"{top.route.value} it would sustain {table.without_limiting_rps:g}"
            if table.shortfall_rps > 0
            else f"the mix fits: capacity {table.mix_capacity_rps:g} req/s ≥ "
            f"{table.target_rps:g}; the largest cost is {top.route.value} "
            f"({top.time_share:.0%} of the server's time)"
        )
    return {"held": not reasons, "reasons": reasons, "limit": limit}


def jsonable(x: Any) -> Any:
    """``x`` with enums as their values and inf/NaN as null (JSON has neither)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, Route):
        return x.value
    if isinstance(x, Mapping):
        return {str(jsonable(k)): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    return x


def _f(x: float | None, spec: str = ".1f") -> str:
    return "—" if x is None else format(x, spec)


def print_capacity(console: Console, caps: list[Capacity], clients: int, seconds: float) -> None:
    console.print(
        f"capacity, each route alone ({clients} clients, closed loop, {seconds:g} s each; "
        "map: drawn once, then served from the last drawing while redrawn, as in the mix)"
    )
    console.print("route        |  req/s | p50 ms | p99 ms |     n | errors | server CPU")
    for c in caps:
        console.print(
            f"{c.route.value:<12} | {c.rps:6.1f} | {_f(c.p50_ms, '6.0f')} | "
            f"{_f(c.p99_ms, '6.0f')} | {c.n:5d} | {c.errors:6d} | {_f(c.server_cpu, '.2f')}"
        )


def print_limits(console: Console, t: Limits) -> None:
    console.print(f"limits at {t.target_rps:g} req/s of the mix")
    console.print("route        | share | required | capacity | required/capacity | server time")
    for r in sorted(t.rows, key=lambda r: -r.time_share):
        console.print(
            f"{r.route.value:<12} | {r.share:5.0%} | {r.required_rps:8.1f} | "
            f"{r.capacity_rps:8.1f} | {r.ratio:17.2f} | {r.time_share:11.0%}"
        )
    console.print(
        f"mix capacity 1/Σ(share/capacity) = {t.mix_capacity_rps:g} req/s; load factor "
        f"{t.load_factor:g}; limiting route: {t.limiting_route.value}"
    )


def print_run(console: Console, run: Mapping[str, Any]) -> None:
    console.print(
        f"mixed run: target {run['target_rps']:g} req/s for {run['seconds']:g} s; sent "
        f"{run['sent']}, shed {run['shed']} (at {run['max_in_flight']} in flight; due "
        f"{run['offered_rps']:g} req/s); {run['ok']} answered 2xx — {run['ok_rps']:g} req/s "
        f"within the window; p50 {_f(run['p50_ms'], '.0f')} ms, p99 {_f(run['p99_ms'], '.0f')} "
        f"ms; errors {run['errors']} (5xx {run['status_5xx']}, 4xx {run['status_4xx']}, "
        f"timeouts {run['timeouts']}, transport {run['transport']}); drain {run['drain_s']:g} "
        f"s; client send lag p50/p99/max {run['lag_ms']['p50']}/{run['lag_ms']['p99']}/"
        f"{run['lag_ms']['max']} ms; client CPU {run['client_cpu']:.2f} cores"
    )
    if run["shed"] and run["ok_rps"]:
        wait = run["max_in_flight"] / run["ok_rps"]
        console.print(
            f"in flight reached the cap: a request queued behind up to {run['max_in_flight']} "
            f"others, ≈ {wait:.1f} s at {run['ok_rps']:g} answers a second"
            + (f", beyond the {run['timeout_s']:g} s timeout" if wait > run["timeout_s"] else "")
        )
    console.print(
        "route        |  sent |  2xx/s | p50 ms | p99 ms | 5xx | 4xx | t/o | transp | shed"
    )
    for name, r in run["routes"].items():
        console.print(
            f"{name:<12} | {r['sent']:5d} | {r['ok_rps']:6.1f} | {_f(r['p50_ms'], '6.0f')} | "
            f"{_f(r['p99_ms'], '6.0f')} | {r['status_5xx']:3d} | {r['status_4xx']:3d} | "
            f"{r['timeouts']:3d} | {sum(r['transport'].values()):6d} | {r['shed']:4d}"
        )
