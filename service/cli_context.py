"""What every `chainmatch` command shares, carried in typer's ``ctx.obj``.

The root callback (`service.cli`) builds one `CliContext` from the global options; every
command, the root's and the sub-apps' alike, takes it with ``cli_context(ctx)``. This module
imports no command module, so the dependency goes one way: `service.cli` registers the
sub-apps (`cli_eval`, `cli_event`, `cli_index`), and they import only this module.

The model, FAISS, OR-Tools and pandas are imported where a command uses them, never at
import time: ``chainmatch --help`` loads none of them.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from catalog.actors import Actor, Role
from catalog.audit import Who
from catalog.errors import ChainMatchError
from embeddings.choice import EncoderKind
from embeddings.errors import ModelUnavailableError

if TYPE_CHECKING:
    from catalog.paths import Paths
    from matcher.engine import MatchEngine
    from matcher.types import MatchResult
    from service.workspace import Workspace

__all__ = [
    "K",
    "As",
    "AsJson",
    "By",
    "cli_actor",
    "CliContext",
    "cli_context",
    "quiet_model_loading",
    "show_result",
]

T = TypeVar("T")

K = Annotated[int, typer.Option("--k", "-k", min=1, max=1000, help="How many results.")]
By = Annotated[str | None, typer.Option("--by", help="Who acts (default: your login name).")]
As = Annotated[Role, typer.Option("--as", help="The actor's role: staff or company.")]


def cli_actor(by: str | None, role: Role, org_id: str | None = None) -> Actor:
    """Who acts at the command line (the desk, challenges): ``--by`` or the login name; a
    company actor speaks for ``org_id``, staff for no one organisation."""
    return Actor((by or getpass.getuser()).strip(), role, org_id if role is Role.COMPANY else None)


AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]


def _console(*, stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _err_console() -> Console:
    return _console(stderr=True)


@dataclass(frozen=True)
class CliContext:
    """The global options (``--home``, ``--encoder``), the two consoles, the one error
    mapping (`run`) and the way to the workspace and its engine."""

    home: Path | None = None
    encoder: EncoderKind = EncoderKind.E5_SMALL
    actor: str | None = None  # --as NAME; else the OS user
    out: Console = field(default_factory=_console)
    err: Console = field(default_factory=_err_console)

    def paths(self) -> Paths:
        """``--home``, else ``CHAINMATCH_HOME``, else ~/.chainmatch."""
        from service.settings import home_paths  # pydantic-settings and the index kinds

        return home_paths(self.home)

    def who(self) -> Who:
        """Who this command writes as, for the audit log: ``--as NAME``, else the OS user."""
        if self.actor:
            return Who(self.actor, "cli")
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no login name (some containers)
            user = f"uid-{os.getuid()}"
        return Who(user, "cli")

    @contextmanager
    def workspace(self, *, progress: bool = True) -> Iterator[Workspace]:
        from service.faults import checkpoint_from_env
        from service.settings import HomeSettings
        from service.workspace import Workspace  # the engine, hence FAISS: only when used

        env = HomeSettings()  # CHAINMATCH_INDEX, CHAINMATCH_MILVUS_URI
        with Workspace(
            self.paths(),
            encoder_kind=self.encoder,
            index_kind=env.index,
            milvus_uri=env.milvus_uri,
            progress=progress,
            checkpoint=checkpoint_from_env(os.environ),
        ) as ws:
            yield ws

    def engine(self, ws: Workspace, *, rebuild: bool = False) -> MatchEngine:
        """The workspace's engine. Asking an empty catalog is an error; rebuilding is not."""
        if not rebuild and ws.store.count() == 0:
            raise ChainMatchError(
                f"the catalog in {ws.paths.home} is empty; "
                "run 'chainmatch demo' or 'chainmatch import'"
            )
        quiet_model_loading(ws.encoder_kind)
        return ws.engine(rebuild=rebuild)

    def run(self, fn: Callable[[], T]) -> T:
        """Every library error becomes one line on stderr and its exit code, never a traceback.

        The codes come from `service.errors`, imported once an error has happened: its table
        names the schedule errors, which live beside OR-Tools.
        """
        try:
            return fn()
        except (ChainMatchError, ModelUnavailableError) as exc:
            from service.errors import exit_code

            self.fail(str(exc), exit_code(exc))
        except (OSError, ValueError) as exc:
            self.fail(str(exc), 2)
        except sqlite3.Error as exc:  # e.g. a locked or read-only catalog file
            self.fail(f"catalog database: {exc}", 1)

    def in_workspace(self, fn: Callable[[Workspace], T]) -> T:
        """`run` ``fn`` on the workspace, closed afterwards."""

        def go() -> T:
            with self.workspace() as ws:
                return fn(ws)

        return self.run(go)

    def fail(self, message: str, code: int) -> NoReturn:
        self.err.print(f"[red]error:[/red] {escape(message)}")
        raise typer.Exit(code) from None


def cli_context(ctx: typer.Context) -> CliContext:
    """The `CliContext` of this invocation (defaults when a sub-app is run on its own)."""
    return ctx.ensure_object(CliContext)


def quiet_model_loading(kind: EncoderKind) -> None:
    """No weight-loading progress bar from transformers: one per command is noise.

    Called just before a command may load e5, so that commands which never do (and
    ``--help``) do not pay for importing transformers.
    """
    if kind is EncoderKind.HASHING:
        return
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


def show_result(cli: CliContext, result: MatchResult, as_json: bool, title: str) -> None:
    """A result as JSON (``as_json``) or as a ranked list with score parts and reasons."""
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    out = cli.out
    out.print(f"\n[bold]{escape(title)}[/bold]")
    if not result.matches:
        out.print("  (no candidates pass the filters)")
    for rank, m in enumerate(result.matches, 1):
        parts = " | ".join(f"{k} {v:+.3f}" for k, v in m.parts.items())
        head = f"{escape(m.name)}[/bold] ({escape(m.org_id)})  score {m.score:.3f}"
        mark = "  [yellow]探索性 exploratory[/yellow]" if m.exploratory else ""
        out.print(f"  {rank}. [bold]{head}{mark}  \\[{parts}]")
        out.print(f"     {escape(m.explanation)}", style="dim")
