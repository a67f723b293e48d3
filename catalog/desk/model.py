"""A company's request (诉求) to the park's desk, and the append-only log of what happened to it.

Why a log and not a status column: the park reports closure and on-time rates to its
superiors, so every figure must be re-derivable from who did what when. The request row
holds only what the company asked; its state, handler, clocks and rating are read from the
log (`Request.state`, `catalog.desk.clocks`), and neither is ever updated in place.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from catalog.actors import Actor, Role
from catalog.models import OrgId

__all__ = [
    "CLOCK_RUNS",
    "TERMINAL",
    "Action",
    "Actor",
    "Clock",
    "ActorName",
    "Entry",
    "NewRequest",
    "Request",
    "RequestKind",
    "Role",
    "State",
    "Urgency",
]

ActorName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class RequestKind(enum.StrEnum):
    """What the company asks for; ``partner`` is accepted as another word for ``supply``."""

    SUPPLY = "supply"  # a supplier, customer or partner (找合作)
    TECHNOLOGY = "technology"  # a technical problem, a lab, an institute
    FINANCE = "finance"  # loans, investment, vouchers
    POLICY = "policy"  # subsidies, approvals, qualifications
    TALENT = "talent"  # hiring, housing for staff, training
    PREMISES = "premises"  # land, buildings, utilities
    OTHER = "other"

    @classmethod
    def parse(cls, value: str) -> RequestKind:
        word = value.strip().lower()
        if word == "partner":
            return cls.SUPPLY
        try:
            return cls(word)
        except ValueError:
            names = ", ".join(k.value for k in cls)
            raise ValueError(
                f"kind: {value!r} is not a request kind; expected one of {names} "
                "(partner means supply)"
            ) from None


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class State(enum.StrEnum):
    """Where a request is; the moves between them are in `catalog.desk.flow`."""

    NEW = "new"
    ACCEPTED = "accepted"  # 签收
    ASSIGNED = "assigned"  # a department / handler reports for duty (报到)
    IN_PROGRESS = "in_progress"
    WAITING_ON_COMPANY = "waiting_on_company"  # pauses the clocks
    RESOLVED = "resolved"  # the desk says it is solved; the company has not confirmed yet
    CLOSED = "closed"  # the company confirmed (or a callback did)
    RETURNED = "returned"  # outside the park's remit, with a reason
    REOPENED = "reopened"  # the company was not satisfied with the resolution
    WITHDRAWN = "withdrawn"  # by the company, or by staff after a callback
    MERGED = "merged"  # into another request, which carries on


TERMINAL = frozenset({State.CLOSED, State.WITHDRAWN, State.MERGED})


class Clock(enum.StrEnum):
    """The three time limits of a request (the "135" standard: 1, 3, 5 working days)."""

    ACCEPT = "accept"  # 签收: someone took it
    RESPOND = "respond"  # the company hears a plan (or is asked for what is missing)
    RESOLVE = "resolve"  # the desk resolved it


# The states in which each clock runs; time in any other state does not count (a pause,
# such as waiting_on_company, or after the clock stopped). Read by the clocks and the flow.
CLOCK_RUNS: Mapping[Clock, frozenset[State]] = {
    Clock.ACCEPT: frozenset({State.NEW}),
    Clock.RESPOND: frozenset({State.NEW, State.ACCEPTED, State.ASSIGNED}),
    Clock.RESOLVE: frozenset(
        {State.NEW, State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED}
    ),
}


class Action(enum.StrEnum):
    FILED = "filed"
    MOVED = "moved"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"


class NewRequest(BaseModel):
    """What a company (or staff on its behalf, after a visit) files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org_id: OrgId
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
    kind: RequestKind
    urgency: Urgency = Urgency.NORMAL
    links: tuple[Link, ...] = Field(default=(), max_length=20)
    needed_by: dt.date | None = None  # the company's own date, if it has one

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return RequestKind.parse(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Entry:
    """One line of a request's log. ``data`` holds what only some actions carry: ``into``
    (merged), ``solver`` (resolved), ``rating`` (closed), ``callback``, and for extensions
    ``clock``, ``hours`` and ``ref`` (the seq of the extension request decided)."""

    seq: int
    at: dt.datetime
    actor: str
    role: Role
    action: Action
    from_state: State | None
    to_state: State
    note: str | None = None
    handler: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role.value,
            "action": self.action.value,
            "from": None if self.from_state is None else self.from_state.value,
            "to": self.to_state.value,
            "note": self.note,
            "handler": self.handler,
            **dict(self.data),
        }


@dataclass(frozen=True)
class Request:
    """A filed request with its whole log, oldest first; everything else is derived."""

    id: str
    org_id: str
    text: str
    kind: RequestKind
    urgency: Urgency
    filed_by: str
    filed_at: dt.datetime
    needed_by: dt.date | None
    links: tuple[str, ...]
    log: tuple[Entry, ...]

    @property
    def state(self) -> State:
        return self.log[-1].to_state

    @property
    def last(self) -> Entry:
        return self.log[-1]

    @property
    def handler(self) -> str | None:
        """Who holds it now: the last handler an assignment named."""
        return next((e.handler for e in reversed(self.log) if e.handler), None)

    def moves(self) -> list[Entry]:
        return [e for e in self.log if e.action in (Action.FILED, Action.MOVED)]

    def entered(self, state: State) -> list[Entry]:
        """The moves into ``state``, oldest first."""
        return [e for e in self.moves() if e.to_state is state and e.from_state is not state]

    @property
    def rating(self) -> int | None:
        closed = self.entered(State.CLOSED)
        value = closed[-1].data.get("rating") if closed else None
        return None if value is None else int(value)

    @property
    def solver(self) -> str | None:
        """The organisation that solved it, as named when it was (last) resolved."""
        done = self.entered(State.RESOLVED)
        value = done[-1].data.get("solver") if done else None
        return None if value is None else str(value)

    @property
    def merged_into(self) -> str | None:
        merged = self.entered(State.MERGED)
        return str(merged[-1].data["into"]) if merged else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "text": self.text,
            "kind": self.kind.value,
            "urgency": self.urgency.value,
            "state": self.state.value,
            "handler": self.handler,
            "filed_by": self.filed_by,
            "filed_at": self.filed_at.isoformat(),
            "needed_by": None if self.needed_by is None else self.needed_by.isoformat(),
            "links": list(self.links),
            "solver": self.solver,
            "rating": self.rating,
            "merged_into": self.merged_into,
            "log": [e.to_json() for e in self.log],
        }
