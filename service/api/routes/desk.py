"""/desk: the demand desk (诉求闭环) — file requests, move them, confirm, extend, the queue,
suggestions, stats and exports.

The same library calls as `chainmatch desk …` (service/cli_desk.py, service/desk.py); this
module only translates HTTP. Requests carry companies' problems, so every /desk route,
reads included, needs a bearer token. The token says who acts (`catalog.actors.Actor`):
a staff token acts on every request; a company token files, reads, confirms, rates and
reopens its own organisation's requests only and sees no one else's (the list is cut to
them, any other id is a 403); stats, exports, gold lines and extensions are staff's. A
body's optional ``actor`` names the person at a shared token (recorded in the log); the
role and the organisation come from the token only. The log only grows: there is no PUT,
PATCH or DELETE here.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from catalog.actors import Actor
from catalog.desk import DeskStore, Move, Request, RequestKind, State
from catalog.desk.policy import Policy
from catalog.desk.queue import request_view
from catalog.desk.stats import desk_gold_lines
from catalog.errors import PermissionDeniedError
from matcher.desk import suggest_solvers
from service.api.deps import ActorDep, HolderDep, StaffDep
from service.api.desk_schemas import (
    ConfirmUpdate,
    DecisionUpdate,
    ExtensionCreate,
    MoveUpdate,
    QueuePublic,
    RequestCreate,
    RequestPublic,
    StatsPublic,
    SuggestionsPublic,
)
from service.api.routes.orgs import ERRORS as ORG_ERRORS
from service.api.schemas import ErrorBody
from service.desk import ask_extension, desk_policy, queue_doc, stats_doc, utc_now

router = APIRouter(prefix="/desk", tags=["desk"])

ERRORS: dict[int | str, dict[str, Any]] = {
    **ORG_ERRORS,
    403: {"model": ErrorBody, "description": "read-only service, or a role that may not do this"},
    404: {"model": ErrorBody, "description": "no request with that id"},
    409: {"model": ErrorBody, "description": "a move the request's state does not allow"},
    422: {"model": ErrorBody, "description": "invalid input, naming the field"},
}
RequestId = Annotated[str, Path(min_length=1, max_length=100, description="e.g. dr-20261201-1")]


def get_desk(holder: HolderDep) -> Iterator[tuple[DeskStore, Policy]]:
    """The desk tables in the catalog's file and the park's policy, for one request."""
    paths = holder.workspace.paths
    policy = desk_policy(paths)
    with DeskStore(paths.db, zone=str(policy.calendar.zone)) as store:
        yield store, policy


DeskDep = Annotated[tuple[DeskStore, Policy], Depends(get_desk)]


def _as(token: Actor, person: str | None) -> Actor:
    """The token's role and organisation, under the name of the person at the desk if given."""
    return Actor(person, token.role, token.org_id) if person else token


def _own(desk: DeskDep, request_id: str, actor: Actor) -> Request:
    """The request, if this actor may see it (staff: any; a company: its own)."""
    req = desk[0].get(request_id)
    if not actor.may_act_for(req.org_id):
        raise PermissionDeniedError(
            f"request {request_id!r}: {actor.describe()} sees its own organisation's only"
        )
    return req


def _view(desk: DeskDep, request_id: str) -> RequestPublic:
    store, policy = desk
    return RequestPublic(**request_view(store.get(request_id), policy, utc_now()))


@router.post("/requests", response_model=RequestPublic, responses=ERRORS)
def file_request(body: RequestCreate, desk: DeskDep, actor: ActorDep) -> RequestPublic:
    """File a request (state `new`); the organisation must be in the catalog."""
    req = desk[0].file(body.to_new(), actor=_as(actor, body.actor))
    return _view(desk, req.id)


@router.get("/requests", response_model=QueuePublic, responses=ERRORS)
def list_requests(
    desk: DeskDep,
    actor: ActorDep,
    state: State | None = None,
    handler: Annotated[str | None, Query(max_length=100)] = None,
    overdue: bool = False,
    include_finished: Annotated[bool, Query(alias="all")] = False,
) -> QueuePublic:
    """The queue: open requests (``all`` for every one), overdue first, then by deadline;
    a company token sees its own organisation's only."""
    store, policy = desk
    doc = queue_doc(
        [r for r in store.requests() if actor.may_act_for(r.org_id)],
        policy,
        utc_now(),
        include_finished=include_finished,
        state=state,
        handler=handler,
        overdue_only=overdue,
    )
    return QueuePublic(**doc)


@router.get("/requests/{request_id}", response_model=RequestPublic, responses=ERRORS)
def get_request(request_id: RequestId, desk: DeskDep, actor: ActorDep) -> RequestPublic:
    """One request with its log, clocks and allowed moves."""
    _own(desk, request_id, actor)
    return _view(desk, request_id)


@router.post("/requests/{request_id}/moves", response_model=RequestPublic, responses=ERRORS)
def move_request(
    request_id: RequestId, body: MoveUpdate, desk: DeskDep, actor: ActorDep
) -> RequestPublic:
    """Append one move; an illegal one is a 409 naming the state and the allowed moves."""
    store = desk[0]
    _own(desk, request_id, actor)
    move = Move(
        body.to, body.note, body.handler, body.into, body.solver, body.rating, body.callback
    )
    store.move(request_id, move, actor=_as(actor, body.actor))
    return _view(desk, request_id)


@router.post("/requests/{request_id}/confirm", response_model=RequestPublic, responses=ERRORS)
def confirm_request(
    request_id: RequestId, body: ConfirmUpdate, desk: DeskDep, actor: ActorDep
) -> RequestPublic:
    """The company confirms the resolution with a 1–5 rating: the request closes. Only the
    request's own company token confirms; staff close after a callback, as a move."""
    _own(desk, request_id, actor)
    if actor.is_staff:
        raise PermissionDeniedError(
            f"request {request_id!r}: only the company's own token confirms; staff record "
            "the company's answer as a move to 'closed' with callback=true"
        )
    move = Move(State.CLOSED, note=body.note, rating=body.rating)
    desk[0].move(request_id, move, actor=_as(actor, body.actor))
    return _view(desk, request_id)


@router.post("/requests/{request_id}/extensions", response_model=RequestPublic, responses=ERRORS)
def ask_for_extension(
    request_id: RequestId, body: ExtensionCreate, desk: DeskDep, actor: StaffDep
) -> RequestPublic:
    """Ask for more working time on a clock (hours, or a new deadline ``until``)."""
    store, policy = desk
    until = body.until
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=policy.calendar.zone)
    ask_extension(
        store,
        request_id,
        clock=body.clock,
        reason=body.reason,
        actor=_as(actor, body.actor),
        policy=policy,
        hours=body.hours,
        until=until,
    )
    return _view(desk, request_id)


@router.post(
    "/requests/{request_id}/extensions/{ref}/decision",
    response_model=RequestPublic,
    responses=ERRORS,
)
def decide_extension(
    request_id: RequestId,
    ref: Annotated[int, Path(ge=1, le=100_000, description="the log line that asked")],
    body: DecisionUpdate,
    desk: DeskDep,
    actor: StaffDep,
) -> RequestPublic:
    """Approve or reject an extension (not by who asked); an approval tells the company."""
    desk[0].decide_extension(
        request_id,
        ref,
        approve=body.approve,
        actor=_as(actor, body.actor),
        note=body.note,
    )
    return _view(desk, request_id)


@router.get(
    "/requests/{request_id}/suggestions", response_model=SuggestionsPublic, responses=ERRORS
)
def suggestions(
    request_id: RequestId,
    desk: DeskDep,
    holder: HolderDep,
    actor: ActorDep,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> SuggestionsPublic:
    """Who can solve it (organisations, service providers, with reasons) and handlers."""
    req = _own(desk, request_id, actor)
    got = suggest_solvers(holder.engine, req, desk[0].requests(), k=k)
    return SuggestionsPublic(**got.to_dict())


@router.get("/stats", response_model=StatsPublic, responses=ERRORS)
def stats(
    desk: DeskDep,
    holder: HolderDep,
    _: StaffDep,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: RequestKind | None = None,
) -> StatsPublic:
    """Closure, on-time rates, median hours to close … in total and by group."""
    store, policy = desk
    doc = stats_doc(store, holder.store, policy, utc_now(), since=since, until=until, kind=kind)
    return StatsPublic(**doc)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/vnd.ms-excel": {}}}},
)
def export_xlsx(desk: DeskDep, holder: HolderDep, _: StaffDep) -> Response:
    """The queue, every log line and the stats as one workbook."""
    from service.exports.desk import write_desk_xlsx

    store, policy = desk
    now = utc_now()
    requests = store.requests()
    doc = stats_doc(store, holder.store, policy, now)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_desk_xlsx(FilePath(tmp) / "desk.xlsx", requests, policy, now, stats=doc)
        body = path.read_bytes()
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="desk.xlsx"'},
    )


@router.get(
    "/gold.jsonl",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/x-ndjson": {}}}},
)
def gold(desk: DeskDep, _: StaffDep) -> Response:
    """Resolved supply requests with a named solver as gold lines for `chainmatch eval`."""
    store, policy = desk
    lines = desk_gold_lines(store.requests(), policy.calendar.zone)
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return Response(body, media_type="application/x-ndjson")
