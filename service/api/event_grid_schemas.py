"""Bodies of the console's event endpoints: plan jobs, grid moves, an organisation's events."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from catalog.events import EventStore, Plan, SolveStatus
from catalog.events.model import MAX_SLOTS
from catalog.events.outcomes import Outcome
from catalog.events.results import why_for
from matcher.events.moves import Cell, MoveCheck, MoveRule
from service.api.event_schemas import PlanOut
from service.api.plan_jobs import JobState, PlanJob
from service.api.schemas import ErrorBody

__all__ = ["CellIn", "JobAccepted", "JobOut", "MoveIn", "MoveOut", "OrgEventOut", "OrgEvents"]


class JobAccepted(BaseModel):
    """A queued plan job: poll ``GET /events/jobs/{job_id}``."""

    job_id: str
    state: JobState


class JobOut(BaseModel):
    """Where a plan job is: phase and fraction done, the solver's best objective, its bound
    and the gap (null until known); the plan when done, the error body when it failed."""

    job_id: str
    state: JobState
    phase: str | None = None
    progress: float = Field(ge=0, le=1, description="of the whole plan; scoring is the first half")
    best_objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solutions: int = Field(default=0, description="better solutions CP-SAT found so far")
    result: PlanOut | None = None
    error: ErrorBody | None = None
    error_status: int | None = Field(default=None, description="what POST /plan would answer")

    @classmethod
    def from_job(cls, job: PlanJob) -> JobOut:
        p = job.progress
        return cls(
            job_id=job.id,
            state=job.state,
            phase=None if p is None else p.phase.value,
            progress=1.0 if job.state is JobState.DONE else (0.0 if p is None else p.fraction),
            best_objective=None if p is None or p.objective is None else round(p.objective, 4),
            bound=None if p is None or p.bound is None else round(p.bound, 4),
            gap=None if p is None or p.gap is None else round(p.gap, 6),
            solutions=0 if p is None else p.solutions,
            result=job.result,
            error=job.error,
            error_status=job.status_code,
        )


class CellIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: int = Field(ge=1, le=MAX_SLOTS, description="from 1")
    table: int = Field(ge=1, le=1000, description="from 1")

    def cell(self) -> Cell:
        return Cell(self.slot, self.table)


class MoveIn(BaseModel):
    """Move the meeting in ``source`` to ``target``; an occupied target is swapped."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "examples": [{"from": {"slot": 1, "table": 2}, "to": {"slot": 3, "table": 1}}]
        },
    )

    source: CellIn = Field(alias="from")
    target: CellIn = Field(alias="to")
    dry_run: bool = Field(default=False, description="check only, store nothing")


class MovedOut(BaseModel):
    a: str
    b: str
    from_slot: int
    from_table: int
    to_slot: int
    to_table: int


class ViolationOut(BaseModel):
    rule: MoveRule
    participants: list[str]
    message: str


class MoveOut(BaseModel):
    """The server's verdict: the rules re-checked, those broken; applied only when valid."""

    event_id: str
    valid: bool
    applied: bool
    checked: list[MoveRule]
    moves: list[MovedOut]
    violations: list[ViolationOut]

    @classmethod
    def from_check(cls, event_id: str, check: MoveCheck, *, applied: bool) -> MoveOut:
        return cls(
            event_id=event_id,
            valid=check.valid,
            applied=applied,
            checked=list(check.checked),
            moves=[
                MovedOut(
                    a=m.a,
                    b=m.b,
                    from_slot=m.source.slot,
                    from_table=m.source.table,
                    to_slot=m.target.slot,
                    to_table=m.target.table,
                )
                for m in check.moves
            ],
            violations=[
                ViolationOut(rule=v.rule, participants=list(v.participants), message=v.message)
                for v in check.violations
            ],
        )


class OrgMeetingOut(BaseModel):
    slot: int
    start: str
    table: int
    counterpart: str
    counterpart_name: str
    why: str = Field(description="the reason from this organisation's side")
    outcome: str | None = Field(default=None, description="held, no_show, signed, follow_up")


class OrgEventOut(BaseModel):
    event_id: str
    name: str
    date: dt.date
    status: SolveStatus
    participants: int
    meetings: list[OrgMeetingOut]

    @classmethod
    def from_plan(cls, plan: Plan, org_id: str, outcomes: list[Outcome]) -> OrgEventOut:
        status = {(o.a, o.b): o.status.value for o in outcomes}
        return cls(
            event_id=plan.event.id or "",
            name=plan.event.name,
            date=plan.event.date,
            status=plan.status,
            participants=len(plan.event.participants),
            meetings=[
                OrgMeetingOut(
                    slot=m.slot,
                    start=f"{plan.event.slots[m.slot - 1]:%H:%M}",
                    table=m.table,
                    counterpart=m.b if m.a == org_id else m.a,
                    counterpart_name=plan.name(m.b if m.a == org_id else m.a),
                    why=why_for(m, org_id),
                    outcome=status.get((m.a, m.b)),
                )
                for m in plan.meetings_of(org_id)
            ],
        )


class OrgEvents(BaseModel):
    """The stored events an organisation takes part in, newest first, with its meetings."""

    org_id: str
    events: list[OrgEventOut]

    @classmethod
    def read(cls, store: EventStore, org_id: str) -> OrgEvents:
        events = []
        for event_id in store.events_of(org_id):
            plan = store.get_plan(event_id)
            events.append(OrgEventOut.from_plan(plan, org_id, store.outcomes(event_id)))
        return cls(org_id=org_id, events=events)
