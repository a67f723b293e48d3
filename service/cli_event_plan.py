"""`chainmatch event plan`: shortlist, schedule with the park's history, store the plan.

A thin adapter: the rules live in `matcher.events` (history in `matcher.events.history`),
the past meetings come from `EventStore.past_meetings`. The planner (OR-Tools, the engine)
is imported when the command runs, never at import time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from catalog.errors import InvalidInputError
from catalog.events import (
    EventStore,
    FollowUps,
    Plan,
    Theme,
    load_event,
    parse_event,
    regular_slots,
)
from service.cli_context import AsJson, cli_context

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["EVENT_SCHEMA", "plan_cmd", "show_plan"]

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


def show_plan(out: Console, plan: Plan, *, history_detail: bool = False) -> None:
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
    _show_history(out, plan, detail=history_detail)
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


def _show_history(out: Console, plan: Plan, *, detail: bool) -> None:
    note = plan.history
    if note is None:
        out.print("history off (--not-again-within 0): pairs may meet again", style="dim")
        return
    out.print(escape(note.note()), style="dim")
    if not detail:
        return
    for org, rows in note.per_participant().items():
        others = "、".join(
            f"{escape(plan.name(e.b if e.a == org else e.a))} ({e.reason.value}, "
            f"{escape(e.event_id)} {e.date.isoformat()})"
            for e in rows
        )
        out.print(f"  {escape(plan.name(org))} ({escape(org)}): {len(rows)} excluded — {others}")


def history_json(plan: Plan) -> dict[str, list[dict[str, str]]]:
    """Per participant, the partners history excluded: `event plan --json --history-detail`."""
    if plan.history is None:
        return {}
    return {
        org: [
            {
                "with": e.b if e.a == org else e.a,
                "reason": e.reason.value,
                "event_id": e.event_id,
                "date": e.date.isoformat(),
            }
            for e in rows
        ]
        for org, rows in plan.history.per_participant().items()
    }


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
    not_again_within: Annotated[
        str,
        typer.Option(
            help="Leave out pairs that met at a stored event within this window (180d, 26w, "
            "6m, 1y; 0 = ignore history). Held, signed and unrecorded meetings count; "
            "no-shows do not.",
        ),
    ] = "180d",
    follow_ups: Annotated[
        FollowUps,
        typer.Option(
            help="A pair whose last outcome was follow_up becomes a meet wish or a must-meet."
        ),
    ] = FollowUps.MEET,
    history_detail: Annotated[
        bool, typer.Option(help="List, per participant, the pairs history excluded and why.")
    ] = False,
    favour_unserved: Annotated[
        bool,
        typer.Option(
            help="Shortlist: favour organisations with fewer past meetings or no partner yet."
        ),
    ] = False,
    unserved_weight: Annotated[
        float,
        typer.Option(
            min=0, max=10, help="Weight of --favour-unserved: gain × (1 + weight × unserved)."
        ),
    ] = 1.0,
    waves: Annotated[
        bool,
        typer.Option(
            help="Shortlist in waves: chain leaders (链主) and their suppliers first, "
            "then the rest."
        ),
    ] = False,
    leader: Annotated[
        list[str] | None,
        typer.Option("--leader", help="A chain leader (链主) for --waves, by org id (repeatable)."),
    ] = None,
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
        # OR-Tools and the engine: only when planning
        from matcher.events import HistoryRules, load_history, parse_window, plan_event

        rules = HistoryRules(window_days=parse_window(not_again_within), follow_ups=follow_ups)
        with EventStore(ws.paths.db) as store:
            history = load_history(store, event, rules, replace=replace)
        plan = plan_event(
            cli.engine(ws),
            event,
            participants=participants,
            time_limit=time_limit,
            min_meetings=min_meetings,
            max_meetings=max_meetings,
            progress=_progress,
            history=history,
            favour_unserved=unserved_weight if favour_unserved else 0.0,
            waves=waves,
            leaders=tuple(leader or ()),
        )
        if save:
            with ws.events() as store:
                plan = store.save_plan(plan, replace=replace, who=cli.who())
        return plan

    plan = cli.in_workspace(go)
    if as_json:
        doc: dict[str, Any] = plan.to_json()
        if history_detail:
            doc["history_per_participant"] = history_json(plan)
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        show_plan(cli.out, plan, history_detail=history_detail)
