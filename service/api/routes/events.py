"""/events: plan matchmaking events (供需对接会), read agendas, record outcomes, stats.

The same library calls as `chainmatch event …` (service/cli_event.py); this module only
translates HTTP. Reads are open; saving a plan and recording outcomes need the token.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Annotated, Any, cast

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from catalog.errors import NotFoundError
from catalog.events import (
    EventStats,
    EventStore,
    Outcome,
    Plan,
    SeriesStats,
    event_stats,
    gold_lines,
    stored_series_stats,
    totals,
)
from matcher.events.moves import check_move
from service.api.deps import (
    HolderDep,
    StaffDep,
    Token,
    TokensDep,
    require_actor,
    require_staff,
)
from service.api.event_grid_schemas import JobAccepted, JobOut, MoveIn, MoveOut
from service.api.event_schemas import (
    AgendaItemOut,
    AgendaOut,
    EventList,
    EventSummary,
    GridOut,
    OutcomeIn,
    PlanOut,
    PlanRequest,
)
from service.api.plan_jobs import PlanJobs, plan_request
from service.api.routes.orgs import ERRORS as ORG_ERRORS
from service.api.schemas import ErrorBody
from service.exports import AgendaItem, agendas, grid, ics_calendar, render_html

router = APIRouter(prefix="/events", tags=["events"])

ERRORS: dict[int | str, dict[str, Any]] = {
    **ORG_ERRORS,
    404: {"model": ErrorBody, "description": "no event (or participant, meeting) with that id"},
    409: {
        "model": ErrorBody,
        "description": "the event exists, or already has outcomes; or four plan jobs wait",
    },
    422: {
        "model": ErrorBody,
        "description": "invalid input; for an impossible schedule each error names the "
        "constraint (field) and the participants (message)",
    },
}

EventId = Annotated[str, Path(min_length=1, max_length=100, description="e.g. ev-20261201-1")]
OrgId = Annotated[str, Path(min_length=1, max_length=100, description="e.g. demo-nev-0001")]


def get_event_store(holder: HolderDep) -> Iterator[EventStore]:
    """The event tables in the catalog's SQLite file, opened for one request."""
    with EventStore(holder.workspace.paths.db) as store:
        yield store


StoreDep = Annotated[EventStore, Depends(get_event_store)]


def _agenda(plan: Plan, org_id: str) -> list[AgendaItem]:
    items = agendas(plan).get(org_id)
    if items is None:
        raise NotFoundError("participant", f"{org_id} in event {plan.event.id}")
    return items


@router.post("/plan", response_model=PlanOut, responses=ERRORS)
def plan(
    req: PlanRequest, holder: HolderDep, request: Request, tokens: TokensDep, token: Token
) -> PlanOut:
    """Shortlist (with `participants` N when the event lists nobody; from a theme that admits
    at most 250 organisations), schedule 1:1 meetings that maximise mutual value, and store
    the plan. `save` (the default) needs the token; with `save: false` planning is open and
    nothing is written."""
    # saving needs staff, checked before any planning
    staff = require_staff(require_actor(tokens, token), request) if req.save else None
    return plan_request(holder, req, staff)


_JOBS_LOCK = threading.Lock()


def get_plan_jobs(request: Request) -> PlanJobs:
    """The app's plan jobs, made at the first job (one runner per process)."""
    with _JOBS_LOCK:
        jobs = getattr(request.app.state, "plan_jobs", None)
        if jobs is None:
            jobs = request.app.state.plan_jobs = PlanJobs()
    return cast(PlanJobs, jobs)


JobsDep = Annotated[PlanJobs, Depends(get_plan_jobs)]
JobId = Annotated[str, Path(min_length=1, max_length=40, description="e.g. job-1")]


@router.post("/plan/jobs", response_model=JobAccepted, status_code=202, responses=ERRORS)
def plan_job(
    req: PlanRequest,
    holder: HolderDep,
    jobs: JobsDep,
    request: Request,
    tokens: TokensDep,
    token: Token,
) -> JobAccepted:
    """`POST /events/plan` as a job: answers a job id at once; poll `GET /events/jobs/{id}`
    for the phase, progress, the solver's best objective, bound and gap, then the plan."""
    staff = require_staff(require_actor(tokens, token), request) if req.save else None
    job = jobs.submit(lambda seen: plan_request(holder, req, staff, seen))
    return JobAccepted(job_id=job.id, state=job.state)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS)
def get_job(job_id: JobId, jobs: JobsDep) -> JobOut:
    """Where a plan job is; its plan (`POST /events/plan` shape) or error body at the end."""
    return JobOut.from_job(jobs.get(job_id))


@router.get("", response_model=EventList, responses=ERRORS)
def list_events(store: StoreDep) -> EventList:
    """Stored events (id, name, date, participants, meetings), newest first, with totals:
    companies, meetings held, cooperations signed, companies that found partners."""
    plans = store.list_plans()
    with_outcomes = [(p, store.outcomes(p.event.id or "")) for p in plans]
    return EventList(
        events=[EventSummary.from_plan(p) for p in plans], totals=totals(with_outcomes)
    )


@router.get("/stats", response_model=SeriesStats, responses=ERRORS)
def get_series_stats(
    store: StoreDep,
    holder: HolderDep,
    since: Annotated[
        dt.date | None, Query(description="events on or after this date, e.g. 2026-01-01")
    ] = None,
    theme_chain: Annotated[
        str | None, Query(max_length=64, description="events themed with this chain, e.g. nev")
    ] = None,
) -> SeriesStats:
    """The series: events, companies served once / several times / never, repeat pairs, and
    the partner-found rate overall, per chain and per month (reference: the park's 274 /
    5,478 ≈ 5 %)."""
    names = {c.id: c.name for c in holder.workspace.taxonomy.chains.values()}
    return stored_series_stats(store, holder.store, names, since=since, chain=theme_chain)


@router.get("/{event_id}", response_model=PlanOut, responses=ERRORS)
def get_event(
    event_id: EventId,
    store: StoreDep,
    history_detail: Annotated[
        bool, Query(description="list every pair history excluded, and why")
    ] = False,
) -> PlanOut:
    """One stored plan: its meetings with their reasons, objective, bound and gap, and what
    the park's history did to it."""
    return PlanOut.from_plan(store.get_plan(event_id), saved=True, history_detail=history_detail)


@router.get("/{event_id}/agenda/{org_id}", response_model=AgendaOut, responses=ERRORS)
def get_agenda(event_id: EventId, org_id: OrgId, store: StoreDep) -> AgendaOut:
    """One company's agenda: time, table, counterpart and why, from its own side."""
    plan = store.get_plan(event_id)
    return AgendaOut(
        event_id=event_id,
        event_name=plan.event.name,
        date=plan.event.date,
        org_id=org_id,
        name=plan.name(org_id),
        meetings=[AgendaItemOut.from_item(it) for it in _agenda(plan, org_id)],
    )


@router.get("/{event_id}/grid", response_model=GridOut, responses=ERRORS)
def get_grid(event_id: EventId, store: StoreDep) -> GridOut:
    """The organiser's grid: slots × tables, each cell "A × B" or empty."""
    plan = store.get_plan(event_id)
    header, *rows = grid(plan)
    return GridOut(event_id=event_id, name=plan.event.name, header=header, rows=rows)


@router.get(
    "/{event_id}/agenda.html",
    response_class=HTMLResponse,
    responses={**ERRORS, 200: {"content": {"text/html": {}}}},
)
def get_agenda_html(event_id: EventId, store: StoreDep) -> HTMLResponse:
    """Printable agendas: the organiser's grid, then one page per company."""
    return HTMLResponse(render_html(store.get_plan(event_id)))


@router.get(
    "/{event_id}/{org_id}.ics",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"text/calendar": {}}}},
)
def get_calendar(event_id: EventId, org_id: OrgId, store: StoreDep) -> Response:
    """One company's meetings as an iCalendar file (times in UTC)."""
    plan = store.get_plan(event_id)
    _agenda(plan, org_id)  # 404 for an organisation that is not a participant
    return Response(
        ics_calendar(plan, org_id),
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{org_id}.ics"'},
    )


@router.post(
    "/{event_id}/outcomes",
    response_model=list[Outcome],
    responses=ERRORS,
)
def record_outcomes(
    event_id: EventId,
    outcomes: Annotated[list[OutcomeIn], Body(min_length=1, max_length=1000)],
    store: StoreDep,
    actor: StaffDep,
) -> list[Outcome]:
    """Record (or replace) what came of meetings, all or none (staff only); a signed
    cooperation without `supplier` gets the side whose offer met the other's need."""
    return store.record_outcomes(event_id, outcomes, who=actor.who())


@router.post("/{event_id}/moves", response_model=MoveOut, responses=ERRORS)
def move_meeting(event_id: EventId, move: MoveIn, store: StoreDep, actor: StaffDep) -> MoveOut:
    """Move a meeting of the organiser's grid to another cell (an occupied one is swapped):
    the server re-checks that both companies are free in the new slot, nobody lands in a
    slot they are unavailable, and no pair is a no-thanks or met-before pair; the move is
    stored only when every rule holds (staff only). The verdict lists what broke."""
    check = check_move(store.get_plan(event_id), move.source.cell(), move.target.cell())
    applied = check.valid and not move.dry_run and bool(check.moves)
    if applied:
        store.move_meetings(
            event_id,
            [(m.a, m.b, m.target.slot, m.target.table) for m in check.moves],
            who=actor.who(),
        )
    return MoveOut.from_check(event_id, check, applied=applied)


@router.get("/{event_id}/outcomes", response_model=list[Outcome], responses=ERRORS)
def get_outcomes(event_id: EventId, store: StoreDep) -> list[Outcome]:
    """Outcomes recorded so far."""
    return store.outcomes(event_id)


@router.get("/{event_id}/stats", response_model=EventStats, responses=ERRORS)
def get_stats(event_id: EventId, store: StoreDep) -> EventStats:
    """Meetings held, no-show rate (÷ recorded), cooperation rate (signed ÷ held)."""
    return event_stats(store.get_plan(event_id), store.outcomes(event_id))


@router.get(
    "/{event_id}/gold.jsonl",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/x-ndjson": {}}}},
)
def get_gold(event_id: EventId, store: StoreDep) -> Response:
    """Signed cooperations as gold lines for `chainmatch eval --gold`, one JSON per line."""
    lines = gold_lines(store.get_plan(event_id), store.outcomes(event_id))
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return Response(body, media_type="application/x-ndjson")
