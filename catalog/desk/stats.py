"""The figures a park reports about its desk, all derived from the logs.

* **closure rate** — requests closed (the company confirmed, or a callback did) over a
  fixed denominator: the requests *filed* in the period, less withdrawals (shown apart)
  and less requests merged into another (the one that carries on counts). Returned
  requests stay in the denominator: returning is not closing, so the rate cannot be
  raised by sending problems back.
* **on-time rates** per clock — met over met + breached, where a clock still running past
  its deadline already counts as breached; void clocks (a withdrawn or merged request)
  count nowhere. ``on_time_rate`` is the resolution clock's.
* **median working hours to close** — from filing to closure on the calendar (time waiting
  on the company included: it is what the company lived through).
* **reopen rate** — requests reopened after a resolution over requests ever resolved.
* **satisfaction** — the mean 1–5 rating of closed requests that have one.
* **returned share** — returned over the same denominator as the closure rate.

Every figure is given in total and by period (month filed, park time), ISO week filed
(``2026-W50``: Monday to Sunday, park time; the dashboard's time to close by week), chain
(each chain of the requesting organisation), kind, handler (the last one assigned) and
department (the handler's first word: handlers are named "部门 [科室] 姓名", e.g.
"经信局 产业链专班 陈立" is 经信局's).

Example usage::

    doc = desk_stats(desk.requests(), policy, now, chains={"co-1": ["ic"]})
    doc["closure_rate"], doc["by"]["kind"]["supply"]["closure_rate"]
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from catalog.desk.clocks import ClockState, ClockStatus, request_clocks
from catalog.desk.model import Clock, Request, RequestKind, Role, State
from catalog.desk.policy import Policy

__all__ = ["DIMENSIONS", "desk_gold_lines", "desk_stats", "figures"]

DIMENSIONS = ("period", "week", "chain", "kind", "handler", "department")


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def _ever(request: Request, state: State) -> bool:
    return bool(request.entered(state))


def _closed_at(request: Request) -> dt.datetime | None:
    done = request.entered(State.CLOSED)
    return done[-1].at if done and request.state is State.CLOSED else None


def figures(
    requests: Sequence[Request], clocks: Mapping[str, Mapping[Clock, ClockState]], policy: Policy
) -> dict[str, Any]:
    """The figures of one group of requests (``clocks`` by request id)."""
    withdrawn = [r for r in requests if r.state is State.WITHDRAWN]
    merged = [r for r in requests if r.state is State.MERGED]
    counted = [r for r in requests if r.state not in (State.WITHDRAWN, State.MERGED)]
    closed = [r for r in counted if r.state is State.CLOSED]
    by_callback = [r for r in closed if r.entered(State.CLOSED)[-1].role is Role.STAFF]
    returned = [r for r in counted if r.state is State.RETURNED]
    on_time: dict[str, float | None] = {}
    late: dict[str, int] = {}
    for clock in Clock:
        states = [clocks[r.id][clock] for r in requests]
        met = sum(c.status is ClockStatus.MET for c in states)
        breached = sum(c.status is ClockStatus.BREACHED or c.overdue for c in states)
        on_time[clock.value] = _rate(met, met + breached)
        late[clock.value] = breached
    hours = [
        policy.calendar.working_seconds(r.filed_at, at) / 3600
        for r in closed
        if (at := _closed_at(r)) is not None
    ]
    resolved_ever = [r for r in requests if _ever(r, State.RESOLVED)]
    reopened = [
        r
        for r in resolved_ever
        if any(e.from_state is State.RESOLVED and e.to_state is State.REOPENED for e in r.log)
    ]
    ratings = [r.rating for r in closed if r.rating is not None]
    return {
        "requests": len(requests),
        "withdrawn": len(withdrawn),
        "merged": len(merged),
        "denominator": len(counted),
        "closed": len(closed),
        "closed_by_company": len(closed) - len(by_callback),
        "closed_by_callback": len(by_callback),
        "closure_rate": _rate(len(closed), len(counted)),
        "returned": len(returned),
        "returned_share": _rate(len(returned), len(counted)),
        "resolved_unconfirmed": sum(r.state is State.RESOLVED for r in counted),
        "open": sum(r.state not in (State.CLOSED, State.RETURNED, State.RESOLVED) for r in counted),
        "on_time_rate": on_time[Clock.RESOLVE.value],
        "on_time": on_time,
        "late": late,
        "median_hours_to_close": round(statistics.median(hours), 4) if hours else None,
        "reopen_rate": _rate(len(reopened), len(resolved_ever)),
        "satisfaction": round(statistics.fmean(ratings), 4) if ratings else None,
        "ratings": len(ratings),
    }


def _keys(
    request: Request, dim: str, policy: Policy, chains: Mapping[str, Sequence[str]]
) -> Iterable[str]:
    if dim == "period":
        return [f"{request.filed_at.astimezone(policy.calendar.zone):%Y-%m}"]
    if dim == "week":
        year, week, _ = request.filed_at.astimezone(policy.calendar.zone).isocalendar()
        return [f"{year}-W{week:02d}"]
    if dim == "chain":
        return list(dict.fromkeys(chains.get(request.org_id, ()))) or ["none"]
    if dim == "kind":
        return [request.kind.value]
    if dim == "department":
        return [request.handler.split()[0] if request.handler else "unassigned"]
    return [request.handler or "unassigned"]


def desk_stats(
    requests: Sequence[Request],
    policy: Policy,
    now: dt.datetime,
    *,
    chains: Mapping[str, Sequence[str]] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: RequestKind | None = None,
) -> dict[str, Any]:
    """Totals and the same figures by period, ISO week, chain, kind, handler and department.

    ``since``/``until`` (inclusive, park time) choose the cohort by filing day; ``chains``
    maps an organisation id to its chain ids (from the catalog).
    """
    zone = policy.calendar.zone
    cohort = [
        r
        for r in requests
        if (since is None or r.filed_at.astimezone(zone).date() >= since)
        and (until is None or r.filed_at.astimezone(zone).date() <= until)
        and (kind is None or r.kind is kind)
    ]
    clocks = {r.id: request_clocks(r, policy, now) for r in cohort}
    chains = chains or {}
    by: dict[str, dict[str, Any]] = {}
    for dim in DIMENSIONS:
        groups: dict[str, list[Request]] = defaultdict(list)
        for r in cohort:
            for key in _keys(r, dim, policy, chains):
                groups[key].append(r)
        by[dim] = {key: figures(groups[key], clocks, policy) for key in sorted(groups)}
    return {
        **figures(cohort, clocks, policy),
        "as_of": now.astimezone(zone).isoformat(),
        "policy": policy.name,
        "since": None if since is None else since.isoformat(),
        "until": None if until is None else until.isoformat(),
        "by": by,
    }


def desk_gold_lines(requests: Iterable[Request], zone: dt.tzinfo) -> list[dict[str, Any]]:
    """One gold line per resolved (or closed) supply/partner request with a named solver,
    in the format of `chainmatch eval --gold` (``query`` = the requesting organisation,
    ``supplier`` = the solver), like signed event cooperations."""
    lines = []
    for r in requests:
        if r.kind is not RequestKind.SUPPLY or r.solver is None:
            continue
        if r.state not in (State.RESOLVED, State.CLOSED):
            continue
        lines.append(
            {
                "query": r.org_id,
                "supplier": r.solver,
                "query_need": r.text,
                "request": r.id,
                "date": r.filed_at.astimezone(zone).date().isoformat(),
            }
        )
    return lines
