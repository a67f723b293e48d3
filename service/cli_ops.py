"""Running a park for years: `chainmatch audit`, `chainmatch backup`, `chainmatch restore`.

Root-level commands, registered by `service.cli`; thin adapters over `catalog.audit` and
`catalog.backup`.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from catalog.audit import MAX_LIMIT, AuditEntry, AuditLog, parse_since
from service.cli_context import AsJson, cli_context

__all__ = ["audit"]


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
