"""Bodies of the /desk routes: one model per direction, limits declared up front.

``RequestCreate`` files a request; the changes to a request are appended moves
(``MoveUpdate``, ``ConfirmUpdate``), extension requests and decisions — there is no model
that rewrites a request or its log, and every model forbids unknown fields (a body with
``seq``, ``at`` or ``log`` is a 422). The bearer token says who acts; ``actor`` may name
the person at a shared token, and is recorded in the log under the token's role.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from catalog.desk import Clock, NewRequest, RequestKind, State, Urgency
from catalog.errors import InvalidInputError
from catalog.events.model import describe
from catalog.models import OrgId

__all__ = [
    "ConfirmUpdate",
    "DecisionUpdate",
    "ExtensionCreate",
    "MoveUpdate",
    "QueuePublic",
    "RequestCreate",
    "RequestPublic",
    "StatsPublic",
    "SuggestionsPublic",
]

Actor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Note = Annotated[str, StringConstraints(max_length=2000)]
PERSON = "the person acting, when the token is shared (default: the token's name)"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RequestCreate(_In):
    """A company's request, filed by the company or by staff on its behalf."""

    org_id: OrgId
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
    kind: RequestKind = Field(description="supply (or partner), technology, finance, …")
    urgency: Urgency = Urgency.NORMAL
    links: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    ] = Field(default_factory=list, max_length=20)
    needed_by: dt.date | None = None
    actor: Actor | None = Field(default=None, description=PERSON)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return RequestKind.parse(value) if isinstance(value, str) else value

    def to_new(self) -> NewRequest:
        """The library's model (same limits; a mismatch is a 422 naming the field, not a 500)."""
        try:
            return NewRequest(
                org_id=self.org_id,
                text=self.text,
                kind=self.kind,
                urgency=self.urgency,
                links=tuple(self.links),
                needed_by=self.needed_by,
            )
        except ValidationError as exc:
            raise InvalidInputError(f"invalid request: {describe(exc)}") from None


class MoveUpdate(_In):
    """One move of the lifecycle; what it must carry depends on ``to`` (README)."""

    to: State
    note: Note | None = None
    handler: Actor | None = Field(default=None, description="for assigned / in_progress")
    into: Annotated[str, StringConstraints(max_length=100)] | None = None
    solver: OrgId | None = Field(default=None, description="for resolved")
    rating: int | None = Field(default=None, ge=1, le=5, description="for closed")
    callback: bool = False
    actor: Actor | None = Field(default=None, description=PERSON)


class ConfirmUpdate(_In):
    """The company confirms the resolution (the request closes) and rates it."""

    rating: int = Field(ge=1, le=5)
    note: Note | None = None
    actor: Actor | None = Field(default=None, description=PERSON)


class ExtensionCreate(_In):
    """More working time on one clock: ``hours``, or ``until`` (a new deadline)."""

    clock: Clock
    hours: float | None = Field(default=None, gt=0, le=400)
    until: dt.datetime | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    actor: Actor | None = Field(default=None, description=PERSON)


class DecisionUpdate(_In):
    approve: bool
    note: Note | None = None
    actor: Actor | None = Field(default=None, description=PERSON)


class RequestPublic(BaseModel):
    """A request with its log, its three clocks and the moves each role may make."""

    id: str
    org_id: str
    text: str
    kind: str
    urgency: str
    state: str
    handler: str | None
    filed_by: str
    filed_at: str
    needed_by: str | None
    links: list[str]
    solver: str | None
    rating: int | None
    merged_into: str | None
    log: list[dict[str, Any]]
    clocks: dict[str, dict[str, Any]]
    allowed_moves: dict[str, list[str]]


class QueuePublic(BaseModel):
    as_of: str
    requests: list[dict[str, Any]]
    overdue: int


class SuggestionsPublic(BaseModel):
    query: dict[str, Any]
    results: list[dict[str, Any]]
    handlers: list[dict[str, Any]]


class StatsPublic(BaseModel):
    """Totals (closure, on-time, median hours, reopen, satisfaction, returned) and ``by``."""

    model_config = ConfigDict(extra="allow")

    requests: int
    closed: int
    closure_rate: float | None
    on_time_rate: float | None
    median_hours_to_close: float | None
    by: dict[str, dict[str, Any]]
