"""`chainmatch` command line: a thin layer over `matcher.Workspace` and the engine verbs."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from catalog.demo import demo_document
from catalog.errors import ChainMatchError
from catalog.importer import import_organisations, write_organisations
from catalog.models import OrgKind
from matcher.engine import MatchEngine
from matcher.types import Direction, Filters, MatchResult
from service.cli_eval import eval_app
from service.cli_event import event_app
from service.errors import exit_code
from service.settings import home_paths
from service.workspace import EncoderKind, Workspace

__all__ = ["app", "main"]

app = typer.Typer(
    help="ChainMatch 产业链供需匹配引擎: find partners and substitutes among park organisations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
index_app = typer.Typer(help="Manage the vector index.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")
app.add_typer(event_app, name="event")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")


class _State:
    home: Path | None = None
    encoder: EncoderKind = EncoderKind.E5_SMALL


state = _State()


@app.callback()
def _options(
    home: Annotated[
        Path | None,
        typer.Option(envvar="CHAINMATCH_HOME", help="Data folder (default ~/.chainmatch)."),
    ] = None,
    encoder: Annotated[
        EncoderKind,
        typer.Option(envvar="CHAINMATCH_ENCODER", help="Embedding model to use."),
    ] = EncoderKind.E5_SMALL,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more detail.")] = False,
) -> None:
    """Global options shared by every command."""
    state.home = home
    state.encoder = encoder
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
        force=True,
    )
    for noisy in ("sentence_transformers", "transformers", "httpx", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: models load from disk only
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # a weight-loading bar per command is noise


@contextmanager
def _workspace() -> Iterator[Workspace]:
    paths = home_paths(state.home)
    with Workspace(paths, encoder_kind=state.encoder) as ws:
        yield ws


def _run(fn: Callable[[], T]) -> T:
    """Every library error becomes one line on stderr and its exit code, never a traceback."""
    try:
        return fn()
    except ChainMatchError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(exit_code(exc)) from None
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except sqlite3.Error as exc:  # e.g. a locked or read-only catalog file
        err.print(f"[red]error:[/red] catalog database: {escape(str(exc))}")
        raise typer.Exit(1) from None


# ----------------------------------------------------------------------------- options
# Each option is declared once, here. typer has no option groups (fastapi/typer#153, #154),
# so the query commands still list the five filter aliases in their signatures and hand
# them to `_filters`; that listing is all that is repeated.
K = Annotated[int, typer.Option("--k", "-k", min=1, max=1000, help="How many results.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
Region = Annotated[str | None, typer.Option(help="Only candidates in this province/city/park.")]
Kind = Annotated[OrgKind | None, typer.Option(help="Only this kind of organisation.")]
ChainOpt = Annotated[str | None, typer.Option("--chain", help="Only this chain id, e.g. ic.")]
SegmentOpt = Annotated[str | None, typer.Option(help="Only this segment id, e.g. ic.fab.")]
Qual = Annotated[str | None, typer.Option(help="Only holders of a valid qualification like this.")]


def _filters(
    region: str | None,
    kind: OrgKind | None,
    chain: str | None,
    segment: str | None,
    qual: str | None,
) -> Filters:
    return Filters(region=region, kind=kind, chain=chain, segment=segment, qualification=qual)


def _show(result: MatchResult, as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    out.print(f"\n[bold]{escape(title)}[/bold]")
    if not result.matches:
        out.print("  (no candidates pass the filters)")
    for rank, m in enumerate(result.matches, 1):
        parts = " | ".join(f"{k} {v:+.3f}" for k, v in m.parts.items())
        head = f"{escape(m.name)}[/bold] ({escape(m.org_id)})  score {m.score:.3f}"
        out.print(f"  {rank}. [bold]{head}  \\[{parts}]")
        out.print(f"     {escape(m.explanation)}", style="dim")


def _engine(ws: Workspace) -> MatchEngine:
    if ws.store.count() == 0:
        raise ChainMatchError(
            f"the catalog in {ws.paths.home} is empty; run 'chainmatch demo' or 'chainmatch import'"
        )
    return ws.engine()


# ----------------------------------------------------------------------------- commands
@app.command()
def demo(
    reset: Annotated[bool, typer.Option(help="Restore demo entries you edited.")] = False,
    k: K = 5,
) -> None:
    """The main job: load the demo park, build model and index if missing, show a tour."""

    def go() -> None:
        with _workspace() as ws:
            added = ws.load_demo(replace=reset)
            if added:
                logging.info("loaded %d demo organisations into %s", added, ws.paths.db)
            engine = _engine(ws)
            tour: dict[str, Any] = demo_document().get("tour", {})
            out.print(f"[bold]ChainMatch demo[/bold] — {ws.store.get_meta('source') or 'catalog'}")
            out.print(
                f"{len(engine.orgs)} organisations, {len(engine.table)} statements, "
                f"model {engine.encoder.model_id} ({engine.encoder.dim}-d)"
            )
            for org_id in tour.get("partners", [])[:2]:
                org = engine.org(org_id)
                res = engine.find_partners(org_id, k=k)
                needs = "；".join(org.needs[:2])
                _show(res, False, f"找合作 Suppliers for {org.name} — needs: {needs}")
            for org_id in tour.get("substitutes", [])[:1]:
                res = engine.find_substitutes(org_id, k=k)
                _show(res, False, f"找替代 Substitutes for {engine.org(org_id).name}")
            for text in tour.get("ask", [])[:2]:
                _show(engine.ask(text, k=k), False, f"一问即答 Ask: {text}")

    _run(go)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON file of organisations.")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid rows and report the bad ones.")
    ] = False,
) -> None:
    """Import organisations; any bad row rejects the whole file unless --skip-invalid."""

    def go() -> None:
        with _workspace() as ws:
            report = import_organisations(
                ws.store, file, taxonomy=ws.taxonomy, skip_invalid=skip_invalid
            )
            for e in report.errors:
                err.print(escape(f"skipped row {e.row}, field {e.field!r}: {e.message}"))
            out.print(f"imported {report.imported} organisation(s) from {escape(str(file))}")

    _run(go)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="Target .csv, .xlsx or .json file.")],
) -> None:
    """Export the whole catalog (contacts included) to CSV, XLSX or JSON."""

    def go() -> None:
        with _workspace() as ws:
            n = write_organisations(ws.store.all(), file)
            out.print(f"exported {n} organisation(s) to {escape(str(file))}")

    _run(go)


@app.command()
def partners(
    org: Annotated[str, typer.Argument(help="Organisation id, e.g. demo-nev-0003.")],
    direction: Annotated[
        Direction, typer.Option(help="suppliers for my needs, customers for my offers, or both.")
    ] = Direction.SUPPLIERS,
    need: Annotated[
        list[str] | None,
        typer.Option(
            "--need",
            help="Ask about this need only (repeatable); with customers, an offer instead.",
        ),
    ] = None,
    k: K = 10,
    region: Region = None,
    kind: Kind = None,
    chain: ChainOpt = None,
    segment: SegmentOpt = None,
    qualification: Qual = None,
    as_json: AsJson = False,
) -> None:
    """找合作: find partners for an organisation (all its needs, or --need)."""

    def go() -> None:
        with _workspace() as ws:
            engine = _engine(ws)
            flt = _filters(region, kind, chain, segment, qualification)
            res = engine.find_partners(
                org, direction=direction, k=k, filters=flt, statements=need or None
            )
            _show(res, as_json, f"{direction.value} for {engine.org(org).name}")

    _run(go)


@app.command()
def substitutes(
    org: Annotated[str, typer.Argument(help="Organisation id of the incumbent.")],
    k: K = 10,
    region: Region = None,
    kind: Kind = None,
    chain: ChainOpt = None,
    segment: SegmentOpt = None,
    qualification: Qual = None,
    as_json: AsJson = False,
) -> None:
    """找替代: find organisations that could replace this one."""

    def go() -> None:
        with _workspace() as ws:
            engine = _engine(ws)
            flt = _filters(region, kind, chain, segment, qualification)
            res = engine.find_substitutes(org, k=k, filters=flt)
            _show(res, as_json, f"substitutes for {engine.org(org).name}")

    _run(go)


@app.command()
def ask(
    text: Annotated[str, typer.Argument(help="A free question, Chinese or English.")],
    k: K = 10,
    region: Region = None,
    kind: Kind = None,
    chain: ChainOpt = None,
    segment: SegmentOpt = None,
    qualification: Qual = None,
    as_json: AsJson = False,
) -> None:
    """一问即答: who offers what the question asks for."""

    def go() -> None:
        with _workspace() as ws:
            res = _engine(ws).ask(
                text, k=k, filters=_filters(region, kind, chain, segment, qualification)
            )
            _show(res, as_json, f"answers to: {text}")

    _run(go)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes.")] = 1,
) -> None:
    """Run the HTTP API and the cooperation map page (http://HOST:PORT/)."""
    import uvicorn

    if state.home is not None:
        os.environ["CHAINMATCH_HOME"] = str(state.home)
    os.environ["CHAINMATCH_ENCODER"] = state.encoder.value
    uvicorn.run("service.api.app:create_app", factory=True, host=host, port=port, workers=workers)


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Re-encode (cache permitting) and rebuild the index from the whole catalog."""

    def go() -> None:
        with _workspace() as ws:
            engine = ws.engine(rebuild=True)
            sizes = ", ".join(f"{s.value} {len(i)}" for s, i in engine.indexes.items())
            out.print(f"index rebuilt in {escape(str(ws.paths.index))}: {sizes}")

    _run(go)


@app.command()
def info(as_json: AsJson = False) -> None:
    """Model id, dimension, catalog counts and where everything lives.

    Never loads or builds the model: the dimension comes from the model folder.
    Unknown (null in --json) before the first build, e.g. by 'chainmatch demo'.
    """

    def go() -> None:
        with _workspace() as ws:
            doc = ws.info()
        if as_json:
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
            return
        dim = "unknown until the model is built" if doc["dim"] is None else doc["dim"]
        out.print(f"model            {doc['model_id']} (dimension {dim}, encoder {doc['encoder']})")
        out.print(f"catalog          {doc['catalog']}")
        c = doc["counts"]
        kinds = ", ".join(f"{k} {v}" for k, v in c["by_kind"].items())
        out.print(f"counts           {c['organisations']} organisations ({kinds})")
        out.print(
            f"           {c['offers']} offers, {c['needs']} needs, {c['products']} products, "
            f"{c['qualifications']} qualifications; {doc['cached_vectors']} cached vectors"
        )
        for name, path in doc["paths"].items():
            out.print(f"{name:<16} {escape(path)}")

    _run(go)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        err.print("interrupted")
        sys.exit(130)
