"""`chainmatch event …`: plan a matchmaking event, export agendas, record outcomes, stats.

Thin adapters over `matcher.events`; the shared plumbing (workspace, error mapping,
consoles) is the `CliContext` the root callback put in ``ctx.obj``. The planner (OR-Tools,
the engine) is imported by `event plan` when it runs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from catalog.errors import InvalidInputError
from catalog.events import (
    EventStore,
    OutcomeStatus,
    Plan,
    Theme,
    event_stats,
    gold_lines,
    load_event,
    load_outcomes,
    parse_event,
    parse_outcome,
    regular_slots,
    totals,
    write_gold,
)
from service.cli_context import AsJson, cli_context
from service.exports import ExportFormat, export_plan

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["event_app"]

EVENT_SCHEMA = """
Event JSON (times local to "timezone"; slot numbers count from 1):

{"id": "nev-2026-12",  (optional)
 "name": "新能源汽车红链相亲会", "date": "2026-12-01",
 "timezone": "Asia/Shanghai",
 "theme": {"chains": ["nev"], "segments": [], "regions": []},
 "slots": ["09:00", "09:20", "09:40"], "meeting_minutes": 20,
 "tables": 10,
 "participants": ["demo-nev-0001",
   {"org_id": "demo-nev-0002", "min_meetings": 1, "max_meetings": 3,
    "unavailable": [1, "09:40"]}],
 "pairs": [{"a": "demo-nev-0001", "b": "demo-nev-0002",
            "preference": "must_meet"}],
 "met_before": [["demo-nev-0001", "demo-nev-0003"]]}

preference: must_meet, meet or no_thanks. With no participants,
--participants N shortlists N from the theme (organisations named
in pairs always come).
"""

event_app = typer.Typer(
    help="Matchmaking events (供需对接会): shortlist, 1:1 schedule, agendas, outcomes.",
    no_args_is_help=True,
)


EventId = Annotated[str, typer.Argument(help="Event id, as printed by 'event plan'.")]


def _flag_event(
    *,
    name: str | None,
    theme: Theme,
    start: dt.datetime | None,
    slots: int | None,
    minutes: int,
    break_minutes: int,
    tables: int | None,
    label: str,
) -> dict[str, object]:
    """An event definition from the convenience flags of `event plan`."""
    given = {"--start": start, "--slots": slots, "--tables": tables}
    if start is None or slots is None or tables is None:
        missing = ", ".join(flag for flag, value in given.items() if value is None)
        raise InvalidInputError(
            f"give an event JSON file, or {missing} (with --theme-chain … and "
            "--participants N); see 'chainmatch event plan --help'"
        )
    times = regular_slots(start.time(), slots, minutes, break_minutes)
    return {
        "name": name or f"{label} 供需对接会",
        "date": start.date().isoformat(),
        "theme": theme.model_dump(),
        "slots": [f"{t:%H:%M}" for t in times],
        "meeting_minutes": minutes,
        "tables": tables,
    }


def _progress(done: int, total: int) -> None:
    """Pair scoring takes a while for hundreds of companies: say how far it got."""
    if total >= 100 and (done == total or done % max(1, total // 5) == 0):
        logging.info("scored pairs for %d/%d organisations", done, total)


def _theme_label(ws: Workspace, theme: Theme) -> str:
    """Chinese chain names for a default event title, e.g. "新能源汽车"."""
    tax = ws.taxonomy
    bits = [tax.chains[c].name if c in tax.chains else c for c in theme.chains]
    bits += [tax.segments[s].name if s in tax.segments else s for s in theme.segments]
    bits += list(theme.regions)
    return "·".join(bits) or "产业链"


def _show_plan(out: Console, plan: Plan) -> None:
    ev = plan.event
    out.print(
        f"[bold]{escape(ev.id or '')}[/bold] {escape(ev.name)} — {ev.date.isoformat()}: "
        f"{len(plan.meetings)} meetings for {len(ev.participants)} participants, "
        f"{len(ev.slots)} slots × {ev.tables} tables"
    )
    out.print(
        f"objective {plan.objective:.3f} · bound {plan.bound:.3f} · gap {100 * plan.gap:.2f}% "
        f"({plan.status.value}, {plan.solve_seconds:.1f} s, {plan.candidate_pairs} candidate pairs)"
    )
    out.print(escape(plan.evidence_note()), style="dim")
    if plan.shortlist:
        out.print(f"\n[bold]shortlist[/bold] ({escape(ev.theme.describe())})")
        for e in plan.shortlist:
            out.print(f"  {escape(e.name)} ({escape(e.org_id)}): {escape(e.reason)}", style="dim")
    for s in range(1, len(ev.slots) + 1):
        rows = sorted((m for m in plan.meetings if m.slot == s), key=lambda m: m.table)
        out.print(f"\n[bold]slot {s}[/bold] {ev.slot_start(s):%H:%M}–{ev.slot_end(s):%H:%M}")
        if not rows:
            out.print("  (no meetings)")
        for m in rows:
            mark = "  [yellow]探索性 exploratory[/yellow]" if m.exploratory else ""
            out.print(
                f"  table {m.table:>3}  {escape(plan.name(m.a))} × {escape(plan.name(m.b))}"
                f"  {m.score:.3f}{mark}"
            )
            out.print(f"             {escape(m.why(plan.names))}", style="dim")
    if ev.id:
        out.print(
            f"\nexport agendas: chainmatch event export {escape(ev.id)} --out DIR", style="dim"
        )
    else:
        out.print("\nnot saved (--no-save): nothing to export later", style="dim")


@event_app.command(
    "plan",
    help="Shortlist participants (optional), schedule 1:1 meetings "
    "that maximise mutual value, and store the plan.\n\n" + EVENT_SCHEMA,
)
def plan_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="Event definition (JSON); or use the flags below.")
    ] = None,
    theme_chain: Annotated[
        list[str] | None,
        typer.Option("--theme-chain", help="Theme chain id, e.g. nev (repeatable)."),
    ] = None,
    theme_segment: Annotated[
        list[str] | None, typer.Option("--theme-segment", help="Theme segment id (repeatable).")
    ] = None,
    theme_region: Annotated[
        list[str] | None,
        typer.Option("--theme-region", help="Province, city or park name part (repeatable)."),
    ] = None,
    participants: Annotated[
        int | None,
        typer.Option(min=2, max=2000, help="Shortlist this many participants from the theme."),
    ] = None,
    slots: Annotated[int | None, typer.Option(min=1, max=48, help="Number of time slots.")] = None,
    tables: Annotated[int | None, typer.Option(min=0, max=1000, help="Tables per slot.")] = None,
    start: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
            help="Start of the first slot, e.g. 2026-12-01T09:00.",
        ),
    ] = None,
    minutes: Annotated[int, typer.Option(min=5, max=240, help="Meeting length.")] = 20,
    break_minutes: Annotated[int, typer.Option(min=0, max=240, help="Pause between slots.")] = 0,
    name: Annotated[
        str | None, typer.Option(help="Event name (default from theme and date).")
    ] = None,
    min_meetings: Annotated[
        int,
        typer.Option(
            min=0,
            max=48,
            help="Meetings each shortlisted participant gets at least (0: some may get none).",
        ),
    ] = 1,
    max_meetings: Annotated[
        int | None,
        typer.Option(min=0, max=48, help="Most meetings per shortlisted participant."),
    ] = None,
    event_id: Annotated[
        str | None, typer.Option("--id", help="Event id (default ev-YYYYMMDD-n).")
    ] = None,
    time_limit: Annotated[
        float, typer.Option(min=0.1, max=3600, help="Solver time limit in seconds.")
    ] = 20.0,
    replace: Annotated[
        bool, typer.Option(help="Replace a stored event with the same id (no outcomes yet).")
    ] = False,
    save: Annotated[bool, typer.Option(help="Store the plan in the catalog database.")] = True,
    as_json: AsJson = False,
) -> None:
    cli = cli_context(ctx)
    theme = Theme(
        chains=tuple(theme_chain or ()),
        segments=tuple(theme_segment or ()),
        regions=tuple(theme_region or ()),
    )

    def go(ws: Workspace) -> Plan:
        if file is not None:
            flags = [start, slots, tables, name, theme_chain, theme_segment, theme_region]
            if any(f for f in flags):
                raise InvalidInputError(
                    "give the event either as a JSON file or with flags, not both "
                    "(--participants, --id and --time-limit go with either)"
                )
            event = load_event(file)
        else:
            event = parse_event(
                _flag_event(
                    name=name,
                    theme=theme,
                    start=start,
                    slots=slots,
                    minutes=minutes,
                    break_minutes=break_minutes,
                    tables=tables,
                    label=_theme_label(ws, theme),
                )
            )
        if event_id is not None:
            event = event.with_id(event_id)
        from matcher.events import plan_event  # OR-Tools and the engine: only when planning

        plan = plan_event(
            cli.engine(ws),
            event,
            participants=participants,
            time_limit=time_limit,
            min_meetings=min_meetings,
            max_meetings=max_meetings,
            progress=_progress,
        )
        if save:
            with ws.events() as store:
                plan = store.save_plan(plan, replace=replace, who=cli.who())
        return plan

    plan = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(plan.to_json(), ensure_ascii=False, indent=1))
    else:
        _show_plan(cli.out, plan)


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


@event_app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    event_id: Annotated[
        str | None, typer.Argument(help="Event id; without it, every event and the totals.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Meetings held, no-show rate, cooperation rate — per event and in total."""
    cli = cli_context(ctx)

    def go(ws: Workspace) -> dict[str, object]:
        with EventStore(ws.paths.db) as store:
            ids = [event_id] if event_id else [p.event.id or "" for p in store.list_plans()]
            pairs = [(store.get_plan(i), store.outcomes(i)) for i in ids]
        per_event = [event_stats(p, o).model_dump(mode="json") for p, o in pairs]
        return {"events": per_event, "totals": totals(pairs).model_dump(mode="json")}

    doc = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    out = cli.out
    events = doc["events"]
    if not isinstance(events, list) or not events:
        out.print("no events yet: plan one with 'chainmatch event plan'")
        return
    for s in events:
        out.print(
            f"[bold]{escape(s['event_id'])}[/bold] {escape(s['name'])} {s['date']}: "
            f"{s['participants']} participants, {s['meetings']} meetings, {s['held']} held, "
            f"{s['no_show']} no-show ({_pct(s['no_show_rate'])}), {s['signed']} signed "
            f"({_pct(s['cooperation_rate'])} of held), {s['follow_up']} follow-up, "
            f"{s['pending']} pending"
        )
    t = doc["totals"]
    if isinstance(t, dict) and not event_id:
        out.print(
            f"totals: {t['events']} events, {t['companies']} companies, {t['meetings']} meetings, "
            f"{t['signed']} signed; {t['companies_with_partner']} companies found partners"
        )


def _pct(rate: object) -> str:
    return "–" if not isinstance(rate, int | float) else f"{100 * rate:.1f}%"
