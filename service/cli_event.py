"""`chainmatch event …`: plan a matchmaking event, export agendas, record outcomes, stats.

Thin adapters over `matcher.events`; the shared plumbing (workspace, error mapping,
consoles) is the `CliContext` the root callback put in ``ctx.obj``. `event plan` lives in
`service.cli_event_plan`, `event stats` in `service.cli_event_stats`; this module gathers
them on one sub-app. The planner (OR-Tools, the engine) is imported by `event plan` when it
runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from catalog.errors import InvalidInputError
from catalog.events import (
    EventStore,
    OutcomeStatus,
    gold_lines,
    load_outcomes,
    parse_outcome,
    write_gold,
)
from service.cli_context import cli_context
from service.cli_event_plan import EVENT_SCHEMA, plan_cmd
from service.cli_event_stats import stats_cmd
from service.exports import ExportFormat, export_plan

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["event_app"]

event_app = typer.Typer(
    help="Matchmaking events (供需对接会): shortlist, 1:1 schedule, agendas, outcomes.",
    no_args_is_help=True,
)


EventId = Annotated[str, typer.Argument(help="Event id, as printed by 'event plan'.")]

event_app.command(
    "plan",
    help="Shortlist participants (optional), schedule 1:1 meetings that maximise mutual "
    "value with the park's history (pairs that met recently are left out, follow-ups become "
    "wishes), and store the plan.\n\n" + EVENT_SCHEMA,
)(plan_cmd)
event_app.command("stats")(stats_cmd)


@event_app.command("export")
def export_cmd(
    ctx: typer.Context,
    event_id: EventId,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the files (created if missing).")
    ] = None,
    fmt: Annotated[
        list[ExportFormat] | None,
        typer.Option("--format", help="Only these formats (repeatable); default all."),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(help="Write signed cooperations as a gold JSONL file here (for eval)."),
    ] = None,
) -> None:
    """Agendas and schedules: XLSX, CSV, one ICS per company, printable HTML, gold JSONL."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> list[Path]:
        if out_dir is None and gold is None:
            raise InvalidInputError("say where to write: --out DIR and/or --gold FILE")
        with EventStore(ws.paths.db) as store:
            plan, outcomes = store.get_plan(event_id), store.outcomes(event_id)
        written: list[Path] = []
        if out_dir is not None:
            written += export_plan(plan, out_dir, fmt or list(ExportFormat), outcomes)
        if gold is not None:
            write_gold(gold, gold_lines(plan, outcomes))
            written.append(gold)
        return written

    written = cli.in_workspace(go)
    calendars = [p for p in written if p.suffix == ".ics"]
    others = [p for p in written if p.suffix != ".ics"]
    for p in others:
        cli.out.print(f"wrote {escape(str(p))}")
    if calendars:
        folder = calendars[0].parent
        cli.out.print(f"wrote {len(calendars)} calendar(s) to {escape(str(folder))}")


@event_app.command("outcome")
def outcome_cmd(
    ctx: typer.Context,
    event_id: EventId,
    a: Annotated[str | None, typer.Argument(help="One side of the meeting (org id).")] = None,
    b: Annotated[str | None, typer.Argument(help="The other side (org id).")] = None,
    status: Annotated[OutcomeStatus | None, typer.Option(help="What came of the meeting.")] = None,
    supplier: Annotated[
        str | None,
        typer.Option(help="For signed: who supplies whom (default: whose offer met the need)."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="A free note (≤ 1000 characters).")] = None,
    from_file: Annotated[
        Path | None,
        typer.Option("--file", help="CSV with columns a,b,status[,supplier,note]: many at once."),
    ] = None,
) -> None:
    """Record what came of meetings: held, no_show, signed (cooperation) or follow_up."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> int:
        if from_file is not None:
            if a or b or status:
                raise InvalidInputError("give either --file or A B --status, not both")
            outcomes = load_outcomes(from_file)
        else:
            if not (a and b and status):
                raise InvalidInputError("give the two org ids of the meeting and --status")
            doc = {"a": a, "b": b, "status": status.value, "supplier": supplier, "note": note}
            outcomes = [parse_outcome(doc)]
        with ws.events() as store:
            return len(store.record_outcomes(event_id, outcomes, who=cli.who()))

    n = cli.in_workspace(go)
    cli.out.print(f"recorded {n} outcome(s) for event {escape(event_id)}")
