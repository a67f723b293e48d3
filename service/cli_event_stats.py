"""`chainmatch event stats`: one event, every event with totals, or the series.

The series (``--series``) is what park staff report over months: events held, companies
served once / several times / never, repeat pairs, the partner-found rate overall, per
chain and per month beside the park's 274 / 5,478 ≈ 5 % (`catalog.events.series`); ``--out``
writes it as XLSX, a PNG plot and a Markdown report.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from catalog.errors import InvalidInputError
from catalog.events import (
    EventStore,
    SeriesStats,
    event_stats,
    stored_series_stats,
    totals,
)
from service.cli_context import AsJson, CliContext, cli_context

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["stats_cmd"]


def stats_cmd(
    ctx: typer.Context,
    event_id: Annotated[
        str | None, typer.Argument(help="Event id; without it, every event and the totals.")
    ] = None,
    series: Annotated[
        bool,
        typer.Option(
            help="The series: companies served once / several times / never, repeat pairs, "
            "partner-found rate per chain and month (reference 274 / 5,478 ≈ 5 %)."
        ),
    ] = False,
    since: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="--series: events on or after this date."),
    ] = None,
    theme_chain: Annotated[
        str | None,
        typer.Option("--theme-chain", help="--series: events themed with this chain, e.g. nev."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="--series: write series.xlsx, partner-found-by-month.png and report.md here.",
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Meetings held, no-show rate, cooperation rate — per event and in total; or the series."""
    cli = cli_context(ctx)
    if series:
        _series(cli, since, theme_chain, out_dir, as_json=as_json, event_id=event_id)
        return

    def go(ws: Workspace) -> dict[str, object]:
        if since or theme_chain or out_dir:
            raise InvalidInputError("--since, --theme-chain and --out go with --series")
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


def _series(
    cli: CliContext,
    since: dt.datetime | None,
    chain: str | None,
    folder: Path | None,
    *,
    as_json: bool,
    event_id: str | None,
) -> None:

    def go(ws: Workspace) -> tuple[SeriesStats, list[Path]]:
        if event_id:
            raise InvalidInputError("--series covers many events: leave out the event id")
        with EventStore(ws.paths.db) as store:
            names = {c.id: c.name for c in ws.taxonomy.chains.values()}
            stats = stored_series_stats(
                store, ws.store, names, since=since.date() if since else None, chain=chain
            )
        written: list[Path] = []
        if folder is not None:
            from service.exports import write_series_report  # openpyxl and matplotlib

            written = write_series_report(stats, folder)
        return stats, written

    stats, written = cli.in_workspace(go)
    if as_json:
        typer.echo(json.dumps(stats.model_dump(mode="json"), ensure_ascii=False, indent=1))
    else:
        _show_series(cli.out, stats)
    for p in written:
        cli.err.print(f"wrote {escape(str(p))}")


def _show_series(out: Console, s: SeriesStats) -> None:
    scope = f"chain {s.chain}" if s.chain else "all chains"
    since = f" since {s.since}" if s.since else ""
    out.print(
        f"[bold]series[/bold] ({escape(scope)}{since}): {s.events} events, {s.meetings} meetings "
        f"({s.held} held), {s.companies} companies of {s.park} in the park"
    )
    out.print(
        f"served once {s.served_once}, several times {s.served_several}, never {s.never_served}; "
        f"repeat pairs {s.repeat_pairs} ({_pct(s.repeat_pair_rate)}) outside "
        f"{s.follow_up_repeats} follow-up(s)"
    )
    out.print(
        f"partner found: {s.partner_found} companies ({_pct(s.partner_found_rate)}); "
        f"reference 274 / 5,478 = {_pct(s.reference_rate)}"
    )
    for c in s.chains:
        out.print(
            f"  {escape(c.chain)} {escape(c.name)}: {c.events} events, {c.companies} of {c.park} "
            f"came, {c.served} served, {c.never_served} never, {c.partner_found} found partners "
            f"({_pct(c.partner_found_rate)})"
        )
    for m in s.months:
        out.print(
            f"  {m.month}: {m.events} events, {m.companies} companies, {m.partner_found} found "
            f"partners ({_pct(m.partner_found_rate)})"
        )


def _pct(rate: Any) -> str:
    return "–" if not isinstance(rate, int | float) else f"{100 * rate:.1f}%"
