"""The desk's queue: open requests with their next deadline, overdue first, and one request
seen in full (log, clocks, allowed moves) — what the CLI, the API and the XLSX export show.

Example usage::

    rows = queue(desk.requests(), policy, now)          # open requests, most urgent first
    doc = request_view(desk.get("dr-20261201-1"), policy, now)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from catalog.desk.clocks import ClockState, ClockStatus, request_clocks
from catalog.desk.flow import allowed_moves
from catalog.desk.model import TERMINAL, Clock, Request, Role, State
from catalog.desk.policy import Level, Policy

__all__ = ["QueueRow", "queue", "request_view"]

_FINISHED = TERMINAL | {State.RETURNED}


@dataclass(frozen=True)
class QueueRow:
    id: str
    org_id: str
    kind: str
    urgency: str
    state: str
    handler: str | None
    filed_at: dt.datetime
    clock: str | None  # the clock whose deadline comes next (running or paused)
    due_at: dt.datetime | None
    overdue: bool
    escalation: str | None  # the highest level any clock reached
    watchers: tuple[str, ...]  # who must look at it (the supervisor once escalated)
    text: str

    def to_json(self, zone: dt.tzinfo) -> dict[str, Any]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "kind": self.kind,
            "urgency": self.urgency,
            "state": self.state,
            "handler": self.handler,
            "filed_at": self.filed_at.astimezone(zone).isoformat(),
            "clock": self.clock,
            "due_at": None if self.due_at is None else self.due_at.astimezone(zone).isoformat(),
            "overdue": self.overdue,
            "escalation": self.escalation,
            "watchers": list(self.watchers),
            "text": self.text,
        }


def _next(clocks: dict[Clock, ClockState]) -> ClockState | None:
    """The open clock that matters most: overdue first, then the earliest deadline."""
    live = [c for c in clocks.values() if c.status in (ClockStatus.RUNNING, ClockStatus.PAUSED)]
    if not live:
        return None
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return min(live, key=lambda c: (not c.overdue, c.due_at or far))


def _row(request: Request, policy: Policy, now: dt.datetime) -> QueueRow:
    clocks = request_clocks(request, policy, now)
    nxt = _next(clocks)
    levels = [c.escalation for c in clocks.values() if c.escalation is not None]
    top = max(levels, key=list(Level).index) if levels else None
    escalated = top is not None and list(Level).index(top) >= list(Level).index(Level.SUPERVISOR)
    return QueueRow(
        id=request.id,
        org_id=request.org_id,
        kind=request.kind.value,
        urgency=request.urgency.value,
        state=request.state.value,
        handler=request.handler,
        filed_at=request.filed_at,
        clock=None if nxt is None else nxt.clock.value,
        due_at=None if nxt is None else nxt.due_at,
        overdue=any(c.overdue for c in clocks.values()),
        escalation=None if top is None else top.value,
        watchers=(policy.supervisor,) if escalated else (),
        text=request.text,
    )


def queue(
    requests: Sequence[Request],
    policy: Policy,
    now: dt.datetime,
    *,
    include_finished: bool = False,
    state: State | None = None,
    handler: str | None = None,
    overdue_only: bool = False,
) -> list[QueueRow]:
    """Requests to work on, overdue first, then by next deadline, then by filing time."""
    rows = [
        _row(r, policy, now)
        for r in requests
        if (include_finished or r.state not in _FINISHED)
        and (state is None or r.state is state)
        and (handler is None or r.handler == handler)
    ]
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda r: (not r.overdue, r.due_at or far, r.filed_at, r.id))


def request_view(request: Request, policy: Policy, now: dt.datetime) -> dict[str, Any]:
    """The request with its log, its three clocks and the moves staff and company may make."""
    zone = policy.calendar.zone
    doc = request.to_json()
    doc["filed_at"] = request.filed_at.astimezone(zone).isoformat()
    for line in doc["log"]:
        line["at"] = dt.datetime.fromisoformat(line["at"]).astimezone(zone).isoformat()
    clocks = request_clocks(request, policy, now)
    doc["clocks"] = {c.value: s.to_json(zone) for c, s in clocks.items()}
    doc["allowed_moves"] = {
        role.value: [s.value for s in allowed_moves(request.state, role)] for role in Role
    }
    return doc
