"""`chainmatch index …`: manage the vector index."""

from __future__ import annotations

import typer
from rich.markup import escape

from service.cli_context import cli_context

__all__ = ["index_app"]

index_app = typer.Typer(help="Manage the vector index.", no_args_is_help=True)


@index_app.command("rebuild")
def index_rebuild(ctx: typer.Context) -> None:
    """Re-encode (cache permitting) and rebuild the index from the whole catalog."""
    cli = cli_context(ctx)

    def go() -> None:
        with cli.workspace() as ws:
            engine = cli.engine(ws, rebuild=True)
            sizes = ", ".join(f"{s.value} {len(i)}" for s, i in engine.indexes.items())
            cli.out.print(f"index rebuilt in {escape(str(ws.paths.index))}: {sizes}")

    cli.run(go)
