"""`chainmatch toolkit …`: the 惠企工具包 — policies and services with eligibility conditions,
organisations' facts, and who is eligible, nearly eligible, or lacks the data to tell.

Thin adapters over `catalog.toolkit` (items, facts, files) and `matcher.eligibility` /
`matcher.toolkit` (the three outcomes, providers for the gaps); what they share with the
HTTP routes is in `service.toolkit`. Writes are recorded in the audit log under
``--as NAME`` (default: the OS user).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from catalog.toolkit.io import import_facts, import_items, write_items
from catalog.toolkit.model import STORED_FIELDS
from catalog.toolkit.store import ToolkitStore
from service.cli_context import AsJson, CliContext, cli_context
from service.toolkit import facts_doc, match_doc, match_report_rows

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["toolkit_app"]

toolkit_app = typer.Typer(
    help="惠企工具包 toolkit: policies and services with eligibility conditions; who is "
    "eligible, nearly eligible or lacks data, and who in the park can close the gap.",
    no_args_is_help=True,
)

OrgArg = Annotated[str, typer.Argument(help="The organisation's id, e.g. demo-nev-0012.")]
On = Annotated[
    dt.datetime | None,
    typer.Option("--on", formats=["%Y-%m-%d"], help="Judge as of this day (default: today)."),
]
FIELDS = ", ".join(f.value for f in STORED_FIELDS)


def _day(on: dt.datetime | None) -> dt.date:
    return dt.date.today() if on is None else on.date()


def _echo(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))


def _in_toolkit(cli: CliContext, fn: Any) -> Any:
    """Run ``fn(toolkit, ws)`` with the toolkit tables of the workspace's catalog file."""

    def go(ws: Workspace) -> Any:
        with ToolkitStore(ws.paths.db) as tk:
            return fn(tk, ws)

    return cli.in_workspace(go)


@toolkit_app.command("list")
def list_cmd(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Every item: id, name, kind, effective dates, department."""
    cli = cli_context(ctx)
    items = _in_toolkit(cli, lambda tk, ws: tk.items())
    if as_json:
        _echo({"items": [it.model_dump(mode="json") for it in items]})
        return
    for it in items:
        span = f"{it.effective_from or '…'} – {it.effective_to or '…'}"
        mark = " (fictional)" if it.fictional else ""
        cli.out.print(f"{it.id:<24} {escape(it.name)}{mark}  [{it.kind.value}, {span}]")


@toolkit_app.command("show")
def show_cmd(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(help="The item's id, e.g. tk-innovation-voucher.")],
) -> None:
    """One item with its condition tree, as JSON."""
    cli = cli_context(ctx)
    item = _in_toolkit(cli, lambda tk, ws: tk.get(item_id))
    _echo(item.model_dump(mode="json"))


@toolkit_app.command("match")
def match_cmd(
    ctx: typer.Context,
    org: OrgArg,
    on: On = None,
    providers: Annotated[
        bool,
        typer.Option(help="Suggest park providers for the gaps (loads the model)."),
    ] = True,
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=20, help="Providers per item.")] = 3,
    as_json: AsJson = False,
) -> None:
    """Eligible, nearly eligible (closest first), not eligible and not-enough-data items,
    each with the conditions met, missed and unknown and the clause each cites."""
    cli = cli_context(ctx)

    def go(tk: ToolkitStore, ws: Workspace) -> dict[str, Any]:
        engine = cli.engine(ws) if providers else None
        return match_doc(tk, ws.store, org, day=_day(on), engine=engine, k=k)

    doc = _in_toolkit(cli, go)
    if as_json:
        _echo(doc)
        return
    out = cli.out
    out.print(f"[bold]{escape(doc['name'])}[/bold] ({org}) as of {doc['as_of']}")
    for key, title in (
        ("eligible", "符合 eligible"),
        ("nearly", "差一点 nearly eligible"),
        ("unknown", "数据不足 not enough data"),
        ("not_eligible", "不符合 not eligible"),
    ):
        out.print(f"\n[bold]{title}[/bold] ({len(doc[key])})")
        for r in doc[key]:
            far = "" if r["distance"] is None else f"  distance {r['distance']}"
            out.print(f"  {escape(r['name'])} ({r['id']}){far} — {escape(r['benefit'])}")
            for g in r.get("gaps", []):
                out.print(f"     gap: {escape(g['need'])} [{escape(g['clause'])}]", style="dim")
            for p in r.get("providers", [])[:k]:
                out.print(f"     → {escape(p['name'])} ({p['org_id']})", style="dim")


@toolkit_app.command("facts")
def facts_cmd(ctx: typer.Context, org: OrgArg, as_json: AsJson = False) -> None:
    """The facts stored for one organisation (revenue, founded, R&D …)."""
    cli = cli_context(ctx)

    def go(tk: ToolkitStore, ws: Workspace) -> dict[str, Any]:
        ws.store.get(org)
        return facts_doc(org, tk.facts(org))

    doc = _in_toolkit(cli, go)
    if as_json:
        _echo(doc)
        return
    for name, f in doc["facts"].items():
        cli.out.print(
            f"{name:<18} {f['value']}  (as of {f['as_of'] or '–'}, {escape(f['source'])})"
        )


@toolkit_app.command("fact")
def fact_cmd(
    ctx: typer.Context,
    org: OrgArg,
    values: Annotated[
        list[str],
        typer.Argument(help=f"FIELD=VALUE pairs (FIELD= clears it); fields: {FIELDS}."),
    ],
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The day the figures hold for."),
    ] = None,
    source: Annotated[str, typer.Option(help="Where they come from.")] = "declared",
    as_json: AsJson = False,
) -> None:
    """Set facts of an organisation (all or none; a bad value names its field)."""
    cli = cli_context(ctx)
    pairs: dict[str, Any] = {}
    for pair in values:
        name, sep, value = pair.partition("=")
        if not sep:
            cli.fail(f"{pair!r}: expected FIELD=VALUE; fields: {FIELDS}", 2)
        pairs[name.strip()] = value.strip() or None

    def go(tk: ToolkitStore, ws: Workspace) -> dict[str, Any]:
        day = None if as_of is None else as_of.date()
        facts = tk.set_facts(org, pairs, as_of=day, source=source, who=cli.who())
        return facts_doc(org, facts)

    doc = _in_toolkit(cli, go)
    if as_json:
        _echo(doc)
    else:
        cli.out.print(f"{org}: {len(doc['facts'])} fact(s) stored")


@toolkit_app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, XLSX (sheet 'items') or JSON of items.")],
    replace: Annotated[
        bool, typer.Option(help="Replace items whose id exists (else: fail, nothing written).")
    ] = True,
    as_json: AsJson = False,
) -> None:
    """Import items; any bad row rejects the file, naming the row, the column and why."""
    cli = cli_context(ctx)
    doc = _in_toolkit(cli, lambda tk, ws: import_items(tk, file, who=cli.who(), replace=replace))
    if as_json:
        _echo(doc)
    else:
        cli.out.print(
            f"read {doc['read']} item(s): {doc['created']} created, {doc['updated']} updated"
        )


@toolkit_app.command("import-facts")
def import_facts_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(help="CSV or XLSX (sheet 'facts'): org_id, field, value, as_of, source."),
    ],
    as_json: AsJson = False,
) -> None:
    """Import organisations' facts; any bad row rejects the file and nothing is written."""
    cli = cli_context(ctx)
    doc = _in_toolkit(cli, lambda tk, ws: import_facts(tk, file, who=cli.who()))
    if as_json:
        _echo(doc)
    else:
        cli.out.print(f"read {doc['rows']} row(s): {doc['changed']} fact(s) changed")


@toolkit_app.command("export")
def export_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Target .csv, .xlsx or .json (re-importable).")],
) -> None:
    """Export every item (XLSX adds a sheet with one condition per row)."""
    cli = cli_context(ctx)
    n = _in_toolkit(cli, lambda tk, ws: write_items(tk.items(), file))
    cli.out.print(f"exported {n} item(s) to {escape(str(file))}")


@toolkit_app.command("report")
def report_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Target .xlsx: every enterprise × item.")],
    on: On = None,
) -> None:
    """The eligibility sheet: each enterprise and item with outcome, distance, what was
    missed (with clauses) and what data is missing."""
    from service.exports.formats import write_sheets

    cli = cli_context(ctx)
    if file.suffix.lower() != ".xlsx":
        cli.fail(f"{file}: expected a .xlsx file", 2)
    rows = _in_toolkit(cli, lambda tk, ws: match_report_rows(tk, ws.store, day=_day(on)))
    write_sheets([("eligibility", rows)], file)
    cli.out.print(f"wrote {len(rows) - 1} row(s) to {escape(str(file))}")
