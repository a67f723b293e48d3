"""The lifecycle of a desk request: which moves each state allows, who may make them, and
what each move must carry. The one place these rules live.

Pure functions over a `Request` and its log: the store calls them inside its write
transaction and appends the `Entry` they return, so no surface (CLI, HTTP, a script using
the store) can skip them. Nothing here touches the database.

The moves (staff may make all of them; a company only the starred ones, on its own
requests)::

    new ──► accepted ──► assigned ──► in_progress ──► resolved ──► closed*
     │         │  ▲          │ ▲  (re-assign)│             │  confirmed by the company,
     │         ▼  │          ▼ │             ▼             │  or by staff after a callback
     │   waiting_on_company (pauses the clocks; back to accepted/assigned/in_progress)
     │                                                     └─► reopened* ──► assigned / …
     └─ from any open state: returned (reason), merged (into another request),
        withdrawn* (by the company, or by staff after a callback)

Errors: a move the state does not allow is a `TransitionError` (409, exit 4) naming the
state and the allowed moves; a move the actor's role may not make is a `PermissionDeniedError`
(403); a missing reason, handler or target is an `InvalidInputError` naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.desk.model import (
    CLOCK_RUNS,
    TERMINAL,
    Action,
    Actor,
    Clock,
    Entry,
    Request,
    Role,
    State,
)
from catalog.errors import InvalidInputError, PermissionDeniedError, TransitionError

__all__ = [
    "COMPANY_MOVES",
    "TRANSITIONS",
    "Extension",
    "Move",
    "allowed_moves",
    "check_decision",
    "check_extension",
    "check_move",
]

S = State
_OPEN_EXITS = frozenset({S.RETURNED, S.MERGED, S.WITHDRAWN})
TRANSITIONS: Mapping[State, frozenset[State]] = {
    S.NEW: frozenset({S.ACCEPTED}) | _OPEN_EXITS,
    S.ACCEPTED: frozenset({S.ASSIGNED, S.WAITING_ON_COMPANY}) | _OPEN_EXITS,
    S.ASSIGNED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.WAITING_ON_COMPANY, S.RESOLVED})
    | _OPEN_EXITS,
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.WAITING_ON_COMPANY, S.RESOLVED}) | _OPEN_EXITS,
    S.WAITING_ON_COMPANY: frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.MERGED, S.WITHDRAWN}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.REOPENED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.WAITING_ON_COMPANY, S.RESOLVED})
    | _OPEN_EXITS,
    S.RETURNED: frozenset({S.REOPENED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.MERGED: frozenset(),
}
# A company confirms (closed), reopens a resolution it is not satisfied with, or withdraws.
COMPANY_MOVES = frozenset({S.CLOSED, S.REOPENED, S.WITHDRAWN})
_NEEDS_NOTE = {
    S.RETURNED: "a reason (why it is outside the park's remit)",
    S.REOPENED: "why the resolution does not solve the problem",
    S.WAITING_ON_COMPANY: "what the company still has to provide",
    S.RESOLVED: "what was done",
}
_NO_MERGE_INTO = frozenset({S.MERGED, S.WITHDRAWN, S.CLOSED, S.RETURNED})
MAX_NOTE = 2000


@dataclass(frozen=True)
class Move:
    """A requested move. ``handler`` names who takes it (assigned, in_progress); ``into`` the
    request it is merged into; ``solver`` the organisation that solved it (resolved);
    ``rating`` 1–5 the company's satisfaction (closed); ``callback`` says staff phoned the
    company to confirm a closure or withdrawal (回访)."""

    to: State
    note: str | None = None
    handler: str | None = None
    into: str | None = None
    solver: str | None = None
    rating: int | None = None
    callback: bool = False


@dataclass(frozen=True)
class Extension:
    """More working hours on one clock, asked for with a reason; counts once approved."""

    clock: Clock
    hours: float
    reason: str


def allowed_moves(state: State, role: Role = Role.STAFF) -> list[State]:
    """The states a request in ``state`` may move to, for an actor of ``role``, sorted."""
    moves = TRANSITIONS[state]
    if role is Role.COMPANY:
        moves = moves & COMPANY_MOVES
    return sorted(moves, key=lambda s: list(State).index(s))


def _clean(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    if len(note) > MAX_NOTE:
        raise InvalidInputError(f"note: at most {MAX_NOTE} characters, got {len(note)}")
    return note.strip()


def _own(request: Request, actor: Actor) -> None:
    if not actor.name.strip():
        raise InvalidInputError("actor: who acts must be named")
    if actor.role is Role.COMPANY and actor.org_id not in (None, request.org_id):
        raise PermissionDeniedError(
            f"request {request.id!r} belongs to another organisation; a company acts on its "
            "own requests only"
        )


def check_move(
    request: Request,
    move: Move,
    actor: Actor,
    at: dt.datetime,
    *,
    target: Request | None = None,
) -> Entry:
    """The log entry for ``move`` if the rules allow it; else the named error, nothing written.

    ``target`` is the request named by ``move.into`` (read by the store).
    """
    _own(request, actor)
    state, to = request.state, move.to
    if to not in TRANSITIONS[state]:
        raise TransitionError(request.id, state.value, to.value, allowed_moves(state))
    if actor.role is Role.COMPANY and to not in COMPANY_MOVES:
        moves = ", ".join(m.value for m in allowed_moves(state, Role.COMPANY)) or "none"
        raise PermissionDeniedError(
            f"a company may confirm (closed), reopen or withdraw its request, not move it to "
            f"{to.value!r}; its moves from {state.value!r}: {moves}"
        )
    if actor.role is Role.COMPANY and to is S.REOPENED and state is not S.RESOLVED:
        raise PermissionDeniedError(
            "a company reopens a resolved request only; staff reopen returns"
        )
    note = _clean(move.note)
    data: dict[str, Any] = {}
    if to in _NEEDS_NOTE and note is None:
        raise InvalidInputError(f"note: moving to {to.value!r} needs {_NEEDS_NOTE[to]}")
    handler = move.handler.strip() if move.handler and move.handler.strip() else None
    if to is S.ASSIGNED and handler is None:
        raise InvalidInputError("to: assigning needs the handler (department or person)")
    if handler is not None and to not in (S.ASSIGNED, S.IN_PROGRESS):
        raise InvalidInputError(f"to: a handler is named when assigning, not on {to.value!r}")
    if handler is not None and len(handler) > 100:
        raise InvalidInputError("to: a handler name has at most 100 characters")
    if to is S.ASSIGNED and state is S.ASSIGNED and handler == request.handler:
        raise InvalidInputError(f"to: the request is already assigned to {handler!r}")
    _merge(request, move, target, data)
    if move.solver is not None:
        if to is not S.RESOLVED:
            raise InvalidInputError("solver: the solver is named when the request is resolved")
        data["solver"] = move.solver
    _closing(to, actor, move, note, data)
    return Entry(
        seq=request.last.seq + 1,
        at=at,
        actor=actor.name,
        role=actor.role,
        action=Action.MOVED,
        from_state=state,
        to_state=to,
        note=note,
        handler=handler,
        data=data,
    )


def _merge(request: Request, move: Move, target: Request | None, data: dict[str, Any]) -> None:
    if move.to is not S.MERGED:
        if move.into is not None:
            raise InvalidInputError("into: only a merge names the request to merge into")
        return
    if move.into is None or target is None:
        raise InvalidInputError("into: merging needs the id of the request that carries on")
    if target.id == request.id:
        raise InvalidInputError(f"into: request {request.id!r} cannot be merged into itself")
    if target.state in _NO_MERGE_INTO:
        raise InvalidInputError(
            f"into: request {target.id!r} is {target.state.value!r}; merge into an open request"
        )
    data["into"] = target.id


def _closing(to: State, actor: Actor, move: Move, note: str | None, data: dict[str, Any]) -> None:
    """Closed means the company confirmed (with a 1–5 rating) or a callback did; a
    withdrawal by staff is audited by a callback too."""
    if move.rating is not None:
        if to is not S.CLOSED:
            raise InvalidInputError("rating: the company rates when it confirms (closed)")
        if not 1 <= move.rating <= 5:
            raise InvalidInputError(f"rating: expected 1 to 5, got {move.rating}")
        data["rating"] = move.rating
    if move.callback:
        if to not in (S.CLOSED, S.WITHDRAWN):
            raise InvalidInputError("callback: a callback confirms a closure or a withdrawal")
        if actor.role is not Role.STAFF:
            raise InvalidInputError("callback: staff make callbacks; a company confirms itself")
        data["callback"] = True
    if to in (S.CLOSED, S.WITHDRAWN) and actor.role is Role.STAFF:
        if not move.callback or note is None:
            what = "confirms it" if to is S.CLOSED else "withdraws it"
            raise InvalidInputError(
                f"callback: staff move a request to {to.value!r} only after a callback "
                f"(回访) with a note saying what the company said; otherwise the company "
                f"{what} itself"
            )
    if to is S.CLOSED and actor.role is Role.COMPANY and move.rating is None:
        raise InvalidInputError("rating: the company's confirmation carries a rating, 1 to 5")


def _open_clock(request: Request, clock: Clock) -> bool:
    """Whether ``clock`` can still be running: it has not stopped for good."""
    if request.state in TERMINAL or request.state is S.RETURNED:
        return False
    if clock is Clock.RESOLVE:
        return request.state is not S.RESOLVED
    stops = {Clock.ACCEPT: CLOCK_RUNS[Clock.ACCEPT], Clock.RESPOND: CLOCK_RUNS[Clock.RESPOND]}
    return all(e.to_state in stops[clock] for e in request.moves())


def check_extension(request: Request, ext: Extension, actor: Actor, at: dt.datetime) -> Entry:
    """The log entry asking for ``ext``: staff only, a reason, a clock still running."""
    _own(request, actor)
    if actor.role is not Role.STAFF:
        raise PermissionDeniedError("staff ask for extensions; a company cannot")
    reason = _clean(ext.reason)
    if reason is None:
        raise InvalidInputError("reason: an extension needs a reason")
    if not 0 < ext.hours <= 400:
        raise InvalidInputError(f"hours: expected more than 0 and at most 400, got {ext.hours}")
    if not _open_clock(request, ext.clock):
        raise InvalidInputError(
            f"clock: the {ext.clock.value} clock of request {request.id!r} has stopped "
            f"(state {request.state.value!r}); only a running clock can be extended"
        )
    return Entry(
        seq=request.last.seq + 1,
        at=at,
        actor=actor.name,
        role=actor.role,
        action=Action.EXTENSION_REQUESTED,
        from_state=request.state,
        to_state=request.state,
        note=reason,
        data={"clock": ext.clock.value, "hours": float(ext.hours)},
    )


def check_decision(
    request: Request, ref: int, approve: bool, actor: Actor, note: str | None, at: dt.datetime
) -> Entry:
    """Approve or reject the extension asked at line ``ref``: by other staff than who asked;
    an approval is marked to be told to the company."""
    _own(request, actor)
    if actor.role is not Role.STAFF:
        raise PermissionDeniedError("staff decide extensions; a company cannot")
    asked = next((e for e in request.log if e.seq == ref), None)
    if asked is None or asked.action is not Action.EXTENSION_REQUESTED:
        raise InvalidInputError(f"ref: line {ref} of request {request.id!r} asks no extension")
    if any(e.data.get("ref") == ref for e in request.log):
        raise InvalidInputError(f"ref: the extension at line {ref} is already decided")
    if asked.actor == actor.name:
        raise PermissionDeniedError(
            f"{actor.name!r} asked for this extension and cannot approve or reject it too"
        )
    action = Action.EXTENSION_APPROVED if approve else Action.EXTENSION_REJECTED
    data: dict[str, Any] = {"ref": ref, "clock": asked.data["clock"], "hours": asked.data["hours"]}
    if approve:
        data["notify_company"] = True
    return Entry(
        seq=request.last.seq + 1,
        at=at,
        actor=actor.name,
        role=actor.role,
        action=action,
        from_state=request.state,
        to_state=request.state,
        note=_clean(note),
        data=data,
    )
