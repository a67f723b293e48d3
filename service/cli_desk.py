"""`chainmatch desk …`: the demand desk (诉求闭环) — file, suggest, move, confirm, extend,
list, stats, export.

Thin adapters over `catalog.desk` (storage, rules, clocks, stats) and `matcher.desk`
(suggestions); what they share with the HTTP routes is in `service.desk`. The acting user
is ``--by`` (default: the login name) with ``--as`` staff or company; roles are not proven
here — named tokens with roles will say who acts (see README, "Demand desk").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from catalog.desk import Clock, DeskStore, Move, NewRequest, RequestKind, Role, State
from catalog.desk.queue import request_view
from catalog.errors import InvalidInputError
from service.cli_context import As, AsJson, By, CliContext, cli_actor, cli_context
from service.cli_desk_report import desk_policy_of, register_reports
from service.desk import ask_extension, utc_now
from service.toolkit import toolkit_for

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["desk_app"]

desk_app = typer.Typer(
    help="Demand desk (诉求闭环): companies' requests, who can solve them, time limits "
    "(the 135 standard), closure and on-time rates.",
    no_args_is_help=True,
)

RequestId = Annotated[str, typer.Argument(help="Request id, e.g. dr-20261201-1.")]
Note = Annotated[str | None, typer.Option(help="A note for the log (reason, plan, answer).")]


@desk_app.callback()
def _desk_options(
    ctx: typer.Context,
    policy: Annotated[
        Path | None,
        typer.Option(
            help="The park's policy file (TOML/JSON); default desk_policy.toml in the home, "
            "else the built-in 135 standard."
        ),
    ] = None,
) -> None:
    """Options shared by the desk commands."""
    ctx.meta["desk_policy"] = policy


def _emit(cli: CliContext, doc: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        cli.out.print(escape(line))


def _show(ctx: typer.Context, request_id: str, fn: Any, as_json: bool) -> None:
    """Run ``fn(desk, ws)`` (a write or nothing) and print the request as it is after it."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        policy = desk_policy_of(ctx, ws)
        with DeskStore(ws.paths.db, zone=str(policy.calendar.zone)) as desk:
            fn(desk, ws)
            return request_view(desk.get(request_id), policy, utc_now())

    doc = cli.in_workspace(go)
    last = doc["log"][-1]
    _emit(
        cli,
        doc,
        as_json,
        f"{doc['id']} {doc['state']} (handler {doc['handler'] or '–'}); last: {last['action']} "
        f"by {last['actor']} at {last['at']}",
    )


@desk_app.command("file")
def file_cmd(
    ctx: typer.Context,
    org: Annotated[str, typer.Argument(help="The organisation's id, e.g. demo-nev-0012.")],
    text: Annotated[str, typer.Argument(help="What the company needs, in its words.")],
    kind: Annotated[
        str,
        typer.Option(
            help="supply (or partner), technology, finance, policy, talent, premises, other."
        ),
    ],
    urgency: Annotated[str, typer.Option(help="normal or urgent.")] = "normal",
    link: Annotated[
        list[str] | None, typer.Option("--link", help="A link or reference (repeatable).")
    ] = None,
    needed_by: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The company's own date, if any."),
    ] = None,
    by: By = None,
    role: As = Role.STAFF,
    as_json: AsJson = False,
) -> None:
    """File a company's request (state new); staff may file on its behalf after a visit."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        policy = desk_policy_of(ctx, ws)
        new = _new_request(org, text, kind, urgency, link, needed_by)
        actor = cli_actor(by, role, org if role is Role.COMPANY else None)
        with DeskStore(ws.paths.db, zone=str(policy.calendar.zone)) as desk:
            return request_view(desk.file(new, actor=actor), policy, utc_now())

    doc = cli.in_workspace(go)
    _emit(cli, doc, as_json, f"filed {doc['id']} for {org} ({doc['kind']}, {doc['urgency']})")


def _new_request(
    org: str,
    text: str,
    kind: str,
    urgency: str,
    links: list[str] | None,
    needed_by: dt.datetime | None,
) -> NewRequest:
    """Validated before anything is written; pydantic's message names the field."""
    from pydantic import ValidationError

    from catalog.events.model import describe

    try:
        return NewRequest.model_validate(
            {
                "org_id": org,
                "text": text,
                "kind": RequestKind.parse(kind),
                "urgency": urgency,
                "links": tuple(links or ()),
                "needed_by": None if needed_by is None else needed_by.date(),
            }
        )
    except ValidationError as exc:
        raise InvalidInputError(f"invalid request: {describe(exc)}") from None


@desk_app.command("move")
def move_cmd(
    ctx: typer.Context,
    request_id: RequestId,
    state: Annotated[State, typer.Argument(help="The state to move to.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Handler (department or person) to assign.")
    ] = None,
    note: Note = None,
    into: Annotated[
        str | None, typer.Option(help="For merged: the request that carries on.")
    ] = None,
    solver: Annotated[
        str | None, typer.Option(help="For resolved: the organisation that solved it.")
    ] = None,
    callback: Annotated[
        bool, typer.Option(help="Staff closing or withdrawing after a callback (回访).")
    ] = False,
    rating: Annotated[
        int | None, typer.Option(min=1, max=5, help="For closed: the company's rating 1–5.")
    ] = None,
    by: By = None,
    role: As = Role.STAFF,
    as_json: AsJson = False,
) -> None:
    """Move a request (an illegal move exits 4, naming the state and the allowed moves)."""

    def go(desk: DeskStore, ws: Workspace) -> None:
        org = desk.get(request_id).org_id if role is Role.COMPANY else None
        move = Move(state, note, to, into, solver, rating, callback)
        desk.move(request_id, move, actor=cli_actor(by, role, org))

    _show(ctx, request_id, go, as_json)


@desk_app.command("confirm")
def confirm_cmd(
    ctx: typer.Context,
    request_id: RequestId,
    rating: Annotated[int, typer.Option(min=1, max=5, help="Satisfaction, 1 to 5.")],
    note: Note = None,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """The company confirms a resolved request: it moves to closed, with a rating."""

    def go(desk: DeskStore, ws: Workspace) -> None:
        org = desk.get(request_id).org_id
        actor = cli_actor(by or f"{org} 企业联系人", Role.COMPANY, org)
        desk.move(request_id, Move(State.CLOSED, note=note, rating=rating), actor=actor)

    _show(ctx, request_id, go, as_json)


@desk_app.command("extend")
def extend_cmd(
    ctx: typer.Context,
    request_id: RequestId,
    clock: Annotated[Clock, typer.Option(help="Which clock: accept, respond or resolve.")],
    reason: Annotated[str, typer.Option(help="Why more time is needed (told to the company).")],
    hours: Annotated[
        float | None, typer.Option(min=0.01, max=400, help="Extra working hours.")
    ] = None,
    until: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%dT%H:%M"], help="Or the new deadline (park time), in the future."
        ),
    ] = None,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """Ask for more time on a clock; it counts once other staff approve it ('desk decide')."""

    def go(desk: DeskStore, ws: Workspace) -> None:
        policy = desk_policy_of(ctx, ws)
        when = None if until is None else until.replace(tzinfo=policy.calendar.zone)
        ask_extension(
            desk,
            request_id,
            clock=clock,
            reason=reason,
            actor=cli_actor(by, Role.STAFF),
            policy=policy,
            hours=hours,
            until=when,
        )

    _show(ctx, request_id, go, as_json)


@desk_app.command("decide")
def decide_cmd(
    ctx: typer.Context,
    request_id: RequestId,
    ref: Annotated[int, typer.Argument(help="The log line (seq) of the extension asked for.")],
    approve: Annotated[bool, typer.Option("--approve/--reject", help="Approve or reject.")],
    note: Note = None,
    by: By = None,
    as_json: AsJson = False,
) -> None:
    """Approve or reject an extension (not by who asked); an approval tells the company."""

    def go(desk: DeskStore, ws: Workspace) -> None:
        desk.decide_extension(
            request_id, ref, approve=approve, actor=cli_actor(by, Role.STAFF), note=note
        )

    _show(ctx, request_id, go, as_json)


@desk_app.command("show")
def show_cmd(ctx: typer.Context, request_id: RequestId, as_json: AsJson = False) -> None:
    """One request: its log, its three clocks and the moves it allows."""
    _show(ctx, request_id, lambda desk, ws: None, as_json)


@desk_app.command("suggest")
def suggest_cmd(
    ctx: typer.Context,
    request_id: RequestId,
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=100, help="How many.")] = 10,
    as_json: AsJson = False,
) -> None:
    """Who can solve it: organisations and service providers (with reasons) and handlers."""
    from matcher.desk import suggest_solvers  # the engine: only when suggesting

    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        with DeskStore(ws.paths.db) as desk:
            history = desk.requests()
            request = desk.get(request_id)
        items, facts = toolkit_for(ws.paths.db, request.org_id)
        got = suggest_solvers(
            cli.engine(ws), request, history, k=k, toolkit_items=items, toolkit_facts=facts
        )
        return got.to_dict()

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    cli.out.print(f"[bold]{escape(request_id)}[/bold] {escape(doc['query']['text'])}")
    for i, r in enumerate(doc["results"], 1):
        who = f"{r['org_id']}, {r['org_kind']}" if "org_id" in r else f"{r['item_id']}, toolkit"
        cli.out.print(f"  {i}. {escape(r['name'])} ({who}) {r['score']}")
        cli.out.print(f"     {escape(r['explanation'])}", style="dim")
    for h in doc["handlers"]:
        cli.out.print(f"  handler: {escape(h['handler'])} — {escape(h['explanation'])}")


register_reports(desk_app)
