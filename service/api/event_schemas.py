"""Bodies of the /events endpoints: the event definition, plan requests, plans and agendas.

The event definition is the library's `Event` (the JSON file of `chainmatch event plan`)
with limits an open HTTP endpoint needs on top: naive slot times, a known time zone, a
date this century and at most `MAX_API_ORGS` participants.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from catalog.events import (
    Event,
    Excluded,
    FollowUps,
    Outcome,
    Participant,
    Plan,
    Preference,
    ShortlistEntry,
    SolveStatus,
    Totals,
)
from catalog.events.model import MAX_SLOTS
from service.exports import AgendaItem

__all__ = [
    "MAX_API_ORGS",
    "AgendaItemOut",
    "AgendaOut",
    "EventDefinition",
    "EventList",
    "EventSummary",
    "GridOut",
    "MeetingOut",
    "OutcomeIn",
    "PlanOut",
    "PlanRequest",
]

# Most organisations one request scores pairs for (listed participants, or the theme's pool
# when shortlisting). Pair scoring grows with the square: ~5 s for 250 with the hashing
# encoder, 20 s for the whole demo park (357). Bigger events: `chainmatch event plan`.
MAX_API_ORGS = 250
MAX_TIME_LIMIT = 60.0
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

EVENT_EXAMPLE: dict[str, Any] = {
    "id": "nev-2026-12",
    "name": "新能源汽车红链相亲会",
    "date": "2026-12-01",
    "timezone": "Asia/Shanghai",
    "theme": {"chains": ["nev"]},
    "slots": ["09:00", "09:20", "09:40", "10:00"],
    "meeting_minutes": 20,
    "tables": 3,
}


def _naive(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("slot times are local to the event's timezone: leave out the offset")
    return value


def _this_century(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"the event date must be between {FIRST_DAY} and {LAST_DAY}")
    return value


SlotTime = Annotated[
    dt.time,
    AfterValidator(_naive),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "start time HH:MM, local to the event's timezone",
            "examples": ["09:00"],
        }
    ),
]
EventDate = Annotated[dt.date, AfterValidator(_this_century)]


class EventDefinition(Event):
    """An event definition: the JSON file of `chainmatch event plan` (README, "Matchmaking
    events"). Only name, date, slots and tables are required."""

    model_config = ConfigDict(json_schema_extra={"examples": [EVENT_EXAMPLE]})

    date: EventDate
    slots: tuple[SlotTime, ...] = Field(min_length=1, max_length=MAX_SLOTS)
    participants: tuple[Participant, ...] = Field(
        default=(),
        max_length=MAX_API_ORGS,
        description="org ids or {org_id, min_meetings, max_meetings, unavailable}; "
        "empty to shortlist from the theme",
    )

    def to_event(self) -> Event:
        """The library's own model of the same definition."""
        return Event.model_validate(self.model_dump())


class PlanRequest(BaseModel):
    """Plan an event: the definition, plus a shortlist size when it lists no participants."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"event": EVENT_EXAMPLE, "participants": 12, "time_limit": 5, "save": False}
            ]
        },
    )

    event: EventDefinition
    participants: int | None = Field(
        default=None,
        ge=2,
        le=MAX_API_ORGS,
        description="shortlist this many from the theme (the event must list nobody)",
    )
    min_meetings: int = Field(
        default=1, ge=0, le=MAX_SLOTS, description="least meetings per shortlisted participant"
    )
    max_meetings: int | None = Field(
        default=None, ge=0, le=MAX_SLOTS, description="most meetings per shortlisted participant"
    )
    time_limit: float = Field(
        default=20.0,
        gt=0,
        le=MAX_TIME_LIMIT,
        allow_inf_nan=False,
        description="solver time limit in seconds",
    )
    save: bool = Field(default=True, description="store the plan (needs the bearer token)")
    replace: bool = Field(
        default=False, description="replace a stored event with the same id (no outcomes yet)"
    )
    not_again_within_days: int = Field(
        default=180,
        ge=0,
        le=3650,
        description="leave out pairs that met at a stored event within this many days (held, "
        "signed or not recorded yet; no-shows do not count); 0 ignores history",
    )
    follow_ups: FollowUps = Field(
        default=FollowUps.MEET,
        description="a pair whose last outcome was follow_up becomes a meet wish or a must-meet",
    )
    favour_unserved: float = Field(
        default=0.0,
        ge=0,
        le=10,
        allow_inf_nan=False,
        description="shortlist: weight favouring organisations with fewer past meetings or no "
        "partner yet (gain × (1 + weight × unserved)); 0 = off",
    )
    waves: bool = Field(
        default=False,
        description="shortlist in waves: chain leaders (链主) and their suppliers first",
    )
    leaders: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50, description="chain leaders (org ids) for the waves"
    )
    history_detail: bool = Field(
        default=False, description="list every pair history excluded (history_excluded)"
    )


class OutcomeIn(Outcome):
    """What came of one meeting: held, no_show, signed or follow_up."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"a": "demo-nev-0017", "b": "demo-nev-0048", "status": "signed"}]
        }
    )


class MeetingOut(BaseModel):
    """One 1:1 meeting; slots and tables count from 1, ``a`` < ``b``."""

    slot: int
    start: str
    end: str
    table: int
    a: str
    a_name: str
    b: str
    b_name: str
    score: float
    why: str
    relation: str
    requested: Preference | None
    exploratory: bool = Field(
        default=False, description="探索性: no need → offer pair above the evidence threshold"
    )
    rests_on: list[str] = Field(
        default_factory=list, description="what an exploratory meeting rests on, as printed"
    )
    follow_up: str = Field(
        default="", description="the event whose follow_up outcome made this pair a wish"
    )


class PlanOut(BaseModel):
    """The `event plan --json` document, with names, the shortlist and the definition."""

    event_id: str | None
    name: str
    date: dt.date
    status: SolveStatus
    saved: bool
    meetings: list[MeetingOut]
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    candidate_pairs: int
    shortlist: list[ShortlistEntry]
    event: Event
    created_at: dt.datetime | None
    exploratory_meetings: int = Field(default=0, description="meetings without evidence")
    exploratory_requested: int = Field(
        default=0, description="of them, requested (must-meet or meet); the rest a minimum forced"
    )
    empty_table_slots: int = Field(default=0, description="slots × tables not used")
    declined_exploratory: int = Field(
        default=0,
        description="empty table slots a meeting without evidence could have filled",
    )
    evidence_note: str = ""
    history: dict[str, int] | None = Field(
        default=None,
        description="what the park's history did: window_days, pairs excluded (by reason: "
        "held, signed, scheduled), follow_up_wishes, kept_requested; null when it was ignored",
    )
    history_note: str = ""
    history_excluded: list[Excluded] | None = Field(
        default=None,
        description="with history_detail: every pair history excluded, with the meeting that "
        "did it (per participant: filter by a or b)",
    )

    @classmethod
    def from_plan(cls, plan: Plan, *, saved: bool, history_detail: bool = False) -> PlanOut:
        doc, ev = plan.to_json(), plan.event
        by_pair = {(m.a, m.b): m for m in plan.meetings}
        meetings = []
        for row in doc["meetings"]:
            m = by_pair[(row["a"], row["b"])]
            meetings.append(
                MeetingOut(
                    **row,
                    end=f"{ev.slot_end(m.slot):%H:%M}",
                    a_name=plan.name(m.a),
                    b_name=plan.name(m.b),
                    relation=m.relation,
                    requested=m.requested,
                )
            )
        return cls(
            event_id=doc["event_id"],
            name=ev.name,
            date=ev.date,
            status=plan.status,
            saved=saved,
            meetings=meetings,
            objective=doc["objective"],
            bound=doc["bound"],
            gap=doc["gap"],
            solve_seconds=plan.solve_seconds,
            candidate_pairs=plan.candidate_pairs,
            shortlist=list(plan.shortlist),
            event=ev,
            created_at=plan.created_at,
            **plan.evidence_counts(),
            evidence_note=plan.evidence_note(),
            history=doc["history"],
            history_note=doc["history_note"],
            history_excluded=list(plan.history.excluded)
            if history_detail and plan.history is not None
            else None,
        )


class EventSummary(BaseModel):
    event_id: str
    name: str
    date: dt.date
    participants: int
    meetings: int
    status: SolveStatus
    created_at: dt.datetime | None

    @classmethod
    def from_plan(cls, plan: Plan) -> EventSummary:
        ev = plan.event
        return cls(
            event_id=ev.id or "",
            name=ev.name,
            date=ev.date,
            participants=len(ev.participants),
            meetings=len(plan.meetings),
            status=plan.status,
            created_at=plan.created_at,
        )


class EventList(BaseModel):
    """Stored events, newest date first, and the totals over all of them."""

    events: list[EventSummary]
    totals: Totals


class AgendaItemOut(BaseModel):
    slot: int
    start: dt.datetime
    end: dt.datetime
    table: int
    counterpart: str
    counterpart_name: str
    score: float
    why: str = Field(description="the reason from this company's side")
    exploratory: bool = Field(default=False, description="探索性: a meeting without evidence")

    @classmethod
    def from_item(cls, item: AgendaItem) -> AgendaItemOut:
        return cls(
            slot=item.slot,
            start=item.start,
            end=item.end,
            table=item.table,
            counterpart=item.counterpart,
            counterpart_name=item.counterpart_name,
            score=item.score,
            why=item.why,
            exploratory=item.exploratory,
        )


class AgendaOut(BaseModel):
    """One company's agenda at one event."""

    event_id: str
    event_name: str
    date: dt.date
    org_id: str
    name: str
    meetings: list[AgendaItemOut]


class GridOut(BaseModel):
    """The organiser's grid: one row per slot, one cell per table ("" = free)."""

    event_id: str
    name: str
    header: list[str]
    rows: list[list[str]]
