"""The three clocks of a request (accept, respond, resolve), read from its log.

Each clock counts working time (`catalog.desk.calendar`) while the request is in one of the
states the clock runs in (`catalog.desk.model.CLOCK_RUNS`): time in ``waiting_on_company``
is never counted, so the pause needs no bookkeeping of its own. A clock stops:

* accept — at the first move out of ``new``: met or breached if it was ``accepted`` or
  ``returned`` (a decision), void if ``merged`` or ``withdrawn`` (nobody had to decide);
* respond — at the first move to ``in_progress``, ``waiting_on_company``, ``resolved`` or
  ``returned`` (the company heard something); void on ``merged`` or ``withdrawn``;
* resolve — at the last move to ``resolved`` while the request is resolved or closed; a
  reopened request runs on, adding to the time already spent; void when returned,
  withdrawn or merged.

The target is the policy's plus every approved extension for that clock. Escalation levels
fire at their offset from the deadline while a clock runs or is paused.

Example usage::

    clocks = request_clocks(request, policy, now)
    clocks[Clock.RESOLVE].due_at, clocks[Clock.RESOLVE].status
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from catalog.desk.model import CLOCK_RUNS, Action, Clock, Request, State
from catalog.desk.policy import Level, Policy
from catalog.errors import InvalidInputError

__all__ = ["ClockState", "ClockStatus", "extension_hours", "hours_until", "request_clocks"]

S = State
_DECIDED = {
    Clock.ACCEPT: frozenset({S.ACCEPTED, S.RETURNED}),
    Clock.RESPOND: frozenset({S.IN_PROGRESS, S.WAITING_ON_COMPANY, S.RESOLVED, S.RETURNED}),
}
_VOID = frozenset({S.MERGED, S.WITHDRAWN})


class ClockStatus(enum.StrEnum):
    MET = "met"  # stopped within its target
    BREACHED = "breached"  # stopped after its target
    RUNNING = "running"
    PAUSED = "paused"  # waiting on the company (or resolved-then-unconfirmed: not counted)
    VOID = "void"  # the request ended without the clock's event (merged, withdrawn …)


@dataclass(frozen=True)
class ClockState:
    clock: Clock
    status: ClockStatus
    target_hours: float  # the policy's target plus approved extensions
    extension_hours: float
    elapsed_hours: float  # working hours counted so far (or until it stopped)
    due_at: dt.datetime | None  # the deadline; None while paused short of it, or never due
    stopped_at: dt.datetime | None
    escalation: Level | None  # the highest level reached (running or paused clocks only)

    @property
    def overdue(self) -> bool:
        return self.status in (ClockStatus.RUNNING, ClockStatus.PAUSED) and (
            self.elapsed_hours > self.target_hours
        )

    @property
    def done(self) -> bool:
        return self.status in (ClockStatus.MET, ClockStatus.BREACHED)

    def to_json(self, zone: dt.tzinfo | None = None) -> dict[str, Any]:
        def iso(t: dt.datetime | None) -> str | None:
            return None if t is None else (t.astimezone(zone) if zone else t).isoformat()

        return {
            "clock": self.clock.value,
            "status": self.status.value,
            "target_hours": round(self.target_hours, 4),
            "extension_hours": round(self.extension_hours, 4),
            "elapsed_hours": round(self.elapsed_hours, 4),
            "due_at": iso(self.due_at),
            "stopped_at": iso(self.stopped_at),
            "overdue": self.overdue,
            "escalation": None if self.escalation is None else self.escalation.value,
        }


def _intervals(request: Request, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime, State]]:
    """(from, to, state) for each stretch of the log; the last runs to ``now``."""
    moves = [(e.at, e.to_state) for e in request.moves()]
    out = []
    for (a, state), nxt in zip(moves, [*moves[1:], (None, None)], strict=True):
        b = nxt[0] if nxt[0] is not None else max(now, a)
        out.append((a, b, state))
    return out


def _stop(request: Request, clock: Clock) -> tuple[dt.datetime | None, bool]:
    """When the clock stopped (None: still going) and whether it stopped void."""
    moves = request.moves()
    if clock is Clock.RESOLVE:
        state = request.state
        if state in (S.RESOLVED, S.CLOSED):
            return request.entered(S.RESOLVED)[-1].at, False
        if state in _VOID or state is S.RETURNED:
            return moves[-1].at, True
        return None, False
    runs = CLOCK_RUNS[clock]
    for e in moves:
        if e.to_state not in runs:
            return e.at, e.to_state not in _DECIDED[clock]
    return None, False


def extension_hours(request: Request, clock: Clock) -> float:
    """Working hours of approved extensions on ``clock``."""
    return sum(
        float(e.data["hours"])
        for e in request.log
        if e.action is Action.EXTENSION_APPROVED and e.data.get("clock") == clock.value
    )


def _clock(request: Request, clock: Clock, policy: Policy, now: dt.datetime) -> ClockState:
    cal = policy.calendar
    extra = extension_hours(request, clock)
    target = policy.target(request.kind, request.urgency, clock) + extra * 3600
    stopped_at, void = _stop(request, clock)
    end = stopped_at or now
    runs = CLOCK_RUNS[clock]
    elapsed = 0.0
    due: dt.datetime | None = None
    stretches = _intervals(request, now)
    for i, (a, b, state) in enumerate(stretches):
        open_ended = stopped_at is None and i == len(stretches) - 1
        # a running stretch that starts exactly now (a request read in the second it was
        # filed or moved: times are kept to the second) has worked nothing yet, but its
        # deadline is already known
        if state not in runs or a > end or (a == end and not open_ended):
            continue
        worked = cal.working_seconds(a, min(b, end))
        if due is None and (elapsed + worked >= target or open_ended):
            due = cal.add(a, target - elapsed)
        elapsed += worked
    if void:
        status = ClockStatus.VOID
    elif stopped_at is not None:
        status = ClockStatus.MET if elapsed <= target else ClockStatus.BREACHED
    elif request.state in runs:
        status = ClockStatus.RUNNING
    else:
        status = ClockStatus.PAUSED
    level = None
    if status in (ClockStatus.RUNNING, ClockStatus.PAUSED):
        over = elapsed - target
        for lvl, offset in policy.escalation:
            if over >= offset:
                level = lvl
    if status is ClockStatus.VOID:
        due = None
    return ClockState(
        clock=clock,
        status=status,
        target_hours=target / 3600,
        extension_hours=extra,
        elapsed_hours=elapsed / 3600,
        due_at=due,
        stopped_at=stopped_at,
        escalation=level,
    )


def request_clocks(request: Request, policy: Policy, now: dt.datetime) -> dict[Clock, ClockState]:
    """The request's three clocks as of ``now`` (an aware instant)."""
    return {clock: _clock(request, clock, policy, now) for clock in Clock}


def hours_until(
    request: Request, clock: Clock, until: dt.datetime, policy: Policy, now: dt.datetime
) -> float:
    """The extension, in working hours, that moves ``clock``'s deadline to ``until``.

    ``until`` must lie ahead of now and of the current deadline; a paused clock has no
    deadline to move (ask for hours instead).
    """
    if until.tzinfo is None:
        until = until.replace(tzinfo=policy.calendar.zone)
    if until <= now:
        raise InvalidInputError(f"until: {until.isoformat()} is in the past")
    state = _clock(request, clock, policy, now)
    if state.due_at is None:
        raise InvalidInputError(
            f"until: the {clock.value} clock is {state.status.value} and has no deadline to "
            "move; give the extra working hours instead"
        )
    if until <= state.due_at:
        raise InvalidInputError(
            f"until: {until.isoformat()} is not after the current deadline "
            f"{state.due_at.astimezone(policy.calendar.zone).isoformat()}"
        )
    hours = policy.calendar.working_seconds(state.due_at, until) / 3600
    if hours <= 0:
        raise InvalidInputError(f"until: no working time between the deadline and {until}")
    return round(hours, 4)
