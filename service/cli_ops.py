"""Running a park for years: `chainmatch audit`, `chainmatch backup`, `chainmatch restore`.

Root-level commands, registered by `service.cli`; thin adapters over `catalog.audit` and
`catalog.backup`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, TaskID, TaskProgressColumn, TextColumn
from rich.progress import Progress as RichProgress

from catalog.audit import MAX_LIMIT, AuditEntry, AuditLog, parse_since
from service.cli_context import AsJson, cli_context

if TYPE_CHECKING:
    from catalog.backup import Progress, RestoreReport

__all__ = ["audit", "backup", "restore"]


def _value(v: object) -> str:
    text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return text if len(text) <= 60 else text[:57] + "…"


def _line(e: AuditEntry) -> str:
    head = (
        f"{e.at:%Y-%m-%d %H:%M:%S}Z  #{e.seq}  {e.actor} ({e.via})  "
        f"{e.action.value} {e.kind} {e.entity}"
    )
    fields = [f"    {k}: {_value(a)} → {_value(b)}" for k, (a, b) in e.changes.items()]
    return "\n".join([head, *fields])


def audit(
    ctx: typer.Context,
    org: Annotated[
        str | None, typer.Option("--org", help="Only this organisation (and its outcomes).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="From this ISO date/time (UTC), or an age: 7d, 12h, 30m."),
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_LIMIT, help="At most this many entries, newest first.")
    ] = 100,
    as_json: AsJson = False,
) -> None:
    """Who changed what, when, before → after: the append-only audit log, newest first."""
    cli = cli_context(ctx)

    def go() -> list[AuditEntry]:
        when = parse_since(since) if since is not None else None
        paths = cli.paths()
        with AuditLog(paths.db) as log:
            return log.entries(org=org, since=when, limit=limit)

    entries = cli.run(go)
    if as_json:
        typer.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False))
        return
    if not entries:
        cli.out.print("no audit entries match")
    for e in entries:
        cli.out.print(escape(_line(e)))


@contextmanager
def _progress_bars(console: Console) -> Iterator[Progress]:
    """One bar per file step (copy, hash, verify) on stderr; transient, as logging is."""
    with RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=True,
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def report(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bars.add_task(what, total=max(total, 1))
            bars.update(tasks[what], completed=done, total=max(total, 1))

        yield report


def backup(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="New (or empty) folder to write the backup to.")],
) -> None:
    """Back up the catalog (events and audit log included), the embedding cache and the index
    into FOLDER, with a manifest of SHA-256 hashes and row counts; safe while serving."""
    from catalog.backup import backup_home
    from service.faults import checkpoint_from_env

    cli = cli_context(ctx)

    def go() -> dict[str, Any]:
        with _progress_bars(cli.err) as report:
            return backup_home(
                cli.paths(),
                folder,
                progress=report,
                checkpoint=checkpoint_from_env(os.environ),
            )

    manifest = cli.run(go)
    for name, record in manifest["files"].items():
        rows = record.get("tables")
        counts = f"  {sum(rows.values())} rows in {len(rows)} tables" if rows else ""
        cli.out.print(f"  {escape(name):<32} {record['bytes']:>12,} bytes{counts}")
    cli.out.print(f"backed up {len(manifest['files'])} file(s) to {escape(str(folder))}")


def restore(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A folder written by 'chainmatch backup'.")],
    force: Annotated[
        bool,
        typer.Option(
            help="Replace a home that already holds organisations (its files are kept in "
            "replaced-<time>/ inside the home)."
        ),
    ] = False,
) -> None:
    """Verify a backup completely (hashes, integrity check, row counts), then swap it into
    the home; a partial or corrupt backup is refused, naming the file. Stop the service
    first."""
    from catalog.backup import restore_home
    from service.faults import checkpoint_from_env

    cli = cli_context(ctx)

    def go() -> RestoreReport:
        with _progress_bars(cli.err) as report:
            return restore_home(
                folder,
                cli.paths(),
                force=force,
                progress=report,
                checkpoint=checkpoint_from_env(os.environ),
            )

    done = cli.run(go)
    catalog = done.files["catalog.sqlite"]["tables"]
    cli.out.print(
        f"restored the backup of {escape(done.created_at)} into {escape(str(cli.paths().home))}: "
        f"{catalog.get('organisations', 0)} organisations, {catalog.get('events', 0)} events, "
        f"{catalog.get('audit', 0)} audit entries"
    )
    if done.replaced is not None:
        cli.out.print(f"the previous files are in {escape(str(done.replaced))}")
