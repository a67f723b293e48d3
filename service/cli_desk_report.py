"""`chainmatch desk list | stats | export`: the queue, the figures and the workbook.

Registered on the desk sub-app by `service.cli_desk` (`register_reports`); the helpers
both modules use (the park's policy, the ``--now`` option) live here so the dependency goes
one way.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from catalog.desk import DeskStore, RequestKind, State
from catalog.desk.policy import Policy
from catalog.desk.stats import desk_gold_lines
from catalog.errors import InvalidInputError
from catalog.events import write_gold
from service.cli_context import AsJson, cli_context
from service.desk import desk_policy, queue_doc, stats_doc, utc_now

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["desk_policy_of", "register_reports"]

Now = Annotated[
    dt.datetime | None,
    typer.Option(
        formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        help="Compute clocks as of this park-local time (default: now).",
    ),
]


def desk_policy_of(ctx: typer.Context, ws: Workspace) -> Policy:
    """The policy named by ``chainmatch desk --policy``, else the home's, else the 135."""
    return desk_policy(ws.paths, ctx.meta.get("desk_policy"))


def _when(now: dt.datetime | None, policy: Policy) -> dt.datetime:
    return utc_now() if now is None else now.replace(tzinfo=policy.calendar.zone)


def list_cmd(
    ctx: typer.Context,
    state: Annotated[State | None, typer.Option(help="Only requests in this state.")] = None,
    handler: Annotated[str | None, typer.Option(help="Only this handler's requests.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue requests.")] = False,
    include_all: Annotated[
        bool, typer.Option("--all", help="Finished requests too (closed, returned …).")
    ] = False,
    now: Now = None,
    as_json: AsJson = False,
) -> None:
    """The queue: open requests, overdue first, then by the next deadline."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        policy = desk_policy_of(ctx, ws)
        with DeskStore(ws.paths.db) as desk:
            requests = desk.requests()
        return queue_doc(
            requests,
            policy,
            _when(now, policy),
            include_finished=include_all,
            state=state,
            handler=handler,
            overdue_only=overdue,
        )

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    cli.out.print(f"{len(doc['requests'])} request(s), {doc['overdue']} overdue, {doc['as_of']}")
    for r in doc["requests"]:
        mark = "[red]overdue[/red] " if r["overdue"] else ""
        due = f"{r['clock']} due {r['due_at']}" if r["due_at"] else (r["clock"] or "")
        cli.out.print(
            f"  {mark}{r['id']} {r['state']} {r['kind']} {escape(r['handler'] or '–')} "
            f"{due} {escape(r['escalation'] or '')}  {escape(r['text'][:40])}"
        )


def stats_cmd(
    ctx: typer.Context,
    since: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Filed from.")
    ] = None,
    until: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Filed until.")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind of request.")] = None,
    now: Now = None,
    as_json: AsJson = False,
) -> None:
    """Closure rate, on-time rates, median working hours to close, reopen rate,
    satisfaction, returned share — in total and by period, chain, kind and handler."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, Any]:
        policy = desk_policy_of(ctx, ws)
        with DeskStore(ws.paths.db) as desk:
            return stats_doc(
                desk,
                ws.store,
                policy,
                _when(now, policy),
                since=None if since is None else since.date(),
                until=None if until is None else until.date(),
                kind=None if kind is None else RequestKind.parse(kind),
            )

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    cli.out.print(
        f"{doc['requests']} requests ({doc['withdrawn']} withdrawn, {doc['merged']} merged); "
        f"closed {doc['closed']} of {doc['denominator']}: closure rate {_pct(doc['closure_rate'])}"
    )
    on = doc["on_time"]
    cli.out.print(
        f"on time: accept {_pct(on['accept'])}, respond {_pct(on['respond'])}, resolve "
        f"{_pct(on['resolve'])}; median {doc['median_hours_to_close']} working hours to close; "
        f"reopened {_pct(doc['reopen_rate'])}; satisfaction {doc['satisfaction']}; "
        f"returned {_pct(doc['returned_share'])}"
    )


def export_cmd(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Argument(help="The XLSX workbook to write.")] = None,
    gold: Annotated[
        Path | None,
        typer.Option(help="Also write resolved supply requests as gold JSONL (for eval)."),
    ] = None,
    now: Now = None,
) -> None:
    """The queue, every log line and the stats as one XLSX workbook; gold lines with --gold."""
    from service.exports.desk import write_desk_xlsx  # openpyxl: only when writing

    cli = cli_context(ctx)

    def go(ws: Workspace) -> list[str]:
        if out is None and gold is None:
            raise InvalidInputError("say where to write: a .xlsx file and/or --gold FILE")
        policy = desk_policy_of(ctx, ws)
        when = _when(now, policy)
        written = []
        with DeskStore(ws.paths.db) as desk:
            requests = desk.requests()
            if out is not None:
                stats = stats_doc(desk, ws.store, policy, when)
                write_desk_xlsx(out, requests, policy, when, stats=stats)
                written.append(f"wrote {out}")
        if gold is not None:
            n = write_gold(gold, desk_gold_lines(requests, policy.calendar.zone))
            written.append(f"wrote {n} gold line(s) to {gold}")
        return written

    for line in cli.in_workspace(go):
        cli.out.print(escape(line))


def _pct(rate: object) -> str:
    return "–" if not isinstance(rate, int | float) else f"{100 * rate:.1f}%"


def register_reports(app: typer.Typer) -> None:
    """Add list, stats and export to the desk sub-app."""
    app.command("list")(list_cmd)
    app.command("stats")(stats_cmd)
    app.command("export")(export_cmd)
