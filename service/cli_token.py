"""`chainmatch token …`: named bearer tokens for the HTTP service (`service.tokens`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from catalog.actors import Role
from catalog.errors import InvalidInputError
from service.cli_context import AsJson, CliContext, cli_context

__all__ = ["token_app"]

token_app = typer.Typer(
    help="Named bearer tokens with roles (staff, company) for the HTTP service.",
    no_args_is_help=True,
)

TokenFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        help="Token file (TOML). Default: $CHAINMATCH_TOKENS, else <home>/tokens.toml — the "
        "file 'chainmatch serve' reads.",
    ),
]


def _file(cli: CliContext, given: Path | None) -> Path:
    if given is not None:
        return given
    from service.settings import HomeSettings

    settings = HomeSettings() if cli.home is None else HomeSettings(home=cli.home)
    return settings.token_file()


@token_app.command("add")
def add_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Who the token is for; the audit log shows it.")],
    role: Annotated[
        Role,
        typer.Option(help="staff: every write, the audit log, contacts; company: its own org."),
    ],
    org: Annotated[
        str | None,
        typer.Option("--org", help="The organisation id a company token speaks for."),
    ] = None,
    file: TokenFileOpt = None,
) -> None:
    """Make a token, store only its SHA-256 in the file, print the token once on stdout."""
    from service.tokens import add_token

    cli = cli_context(ctx)

    def go() -> None:
        path = _file(cli, file)
        if role is Role.COMPANY and org is None:
            raise InvalidInputError("--org: a company token needs the organisation id")
        if role is Role.STAFF and org is not None:
            raise InvalidInputError("--org: a staff token speaks for every organisation")
        if org is not None:
            _warn_unknown_org(cli, org)
        token = add_token(path, name, role, org)
        typer.echo(token)
        scope = f" for {org}" if org else ""
        cli.err.print(
            f"added {role.value} token {escape(name)!r}{escape(scope)} to {escape(str(path))}; "
            "it is shown only this once"
        )

    cli.run(go)


def _warn_unknown_org(cli: CliContext, org: str) -> None:
    """A token for an organisation not (yet) in the catalog is allowed — the company may add
    its own entry — but usually a typo, so say so."""
    paths = cli.paths()
    if not paths.db.exists():
        return
    from catalog.store import CatalogStore

    with CatalogStore(paths.db) as store:
        if store.count(q=None) and org not in set(store.ids()):
            cli.err.print(
                f"[yellow]warning:[/yellow] organisation {escape(org)!r} is not in the catalog "
                f"in {escape(str(paths.home))}; the token may create it"
            )


@token_app.command("list")
def list_cmd(ctx: typer.Context, file: TokenFileOpt = None, as_json: AsJson = False) -> None:
    """Names, roles and organisations of the tokens in the file (never the hashes)."""
    from service.tokens import list_entries

    cli = cli_context(ctx)

    def go() -> None:
        path = _file(cli, file)
        rows = [{"name": e.name, "role": e.role.value, "org": e.org} for e in list_entries(path)]
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            cli.out.print(f"no tokens in {escape(str(path))}")
        for r in rows:
            org = r["org"] or ""
            cli.out.print(f"{escape(str(r['name'])):<24} {r['role']:<8} {escape(org)}")

    cli.run(go)


@token_app.command("remove")
def remove_cmd(
    ctx: typer.Context,
    names: Annotated[list[str], typer.Argument(help="Names of the tokens to revoke.")],
    file: TokenFileOpt = None,
) -> None:
    """Revoke tokens by name; a running service stops accepting them at its next request."""
    from service.tokens import remove_tokens

    cli = cli_context(ctx)

    def go() -> None:
        path = _file(cli, file)
        gone = remove_tokens(path, names)
        cli.out.print(f"removed {', '.join(map(escape, gone))} from {escape(str(path))}")

    cli.run(go)
