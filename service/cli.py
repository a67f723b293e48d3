"""`chainmatch` command line: a thin layer over `service.workspace.Workspace` and the
engine verbs.

This root module builds the `CliContext` (global options, consoles, the one error mapping)
in its callback and registers the sub-apps; they import only `service.cli_context`, never
this module. The heavy libraries load inside the commands that use them.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.logging import RichHandler
from rich.markup import escape

from catalog.errors import InvalidInputError
from catalog.importer import import_organisations, write_organisations
from catalog.models import OrgKind
from catalog.store import OnConflict
from embeddings.choice import EncoderKind
from matcher.types import Direction, Filters
from service.cli_ask import read_questions
from service.cli_batch import batch_app
from service.cli_challenge import challenge_app
from service.cli_context import AsJson, CliContext, K, cli_context, show_result
from service.cli_demo import demo
from service.cli_desk import desk_app
from service.cli_eval import eval_app
from service.cli_event import event_app
from service.cli_index import index_app
from service.cli_ops import audit, backup, restore
from service.cli_token import token_app
from service.cli_toolkit import toolkit_app

if TYPE_CHECKING:
    pass

__all__ = ["app", "main"]

app = typer.Typer(
    help="ChainMatch 产业链供需匹配引擎: find partners and substitutes among park organisations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(demo)
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")
app.add_typer(event_app, name="event")
app.add_typer(desk_app, name="desk")
app.add_typer(challenge_app, name="challenge")
app.add_typer(token_app, name="token")
app.add_typer(toolkit_app, name="toolkit")
app.add_typer(batch_app, name="batch")
app.command("audit")(audit)
app.command("backup")(backup)
app.command("restore")(restore)


@app.callback()
def _options(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(envvar="CHAINMATCH_HOME", help="Data folder (default ~/.chainmatch)."),
    ] = None,
    encoder: Annotated[
        EncoderKind,
        typer.Option(envvar="CHAINMATCH_ENCODER", help="Embedding model to use."),
    ] = EncoderKind.E5_SMALL,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more detail.")] = False,
    as_name: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="CHAINMATCH_AS",
            help="Who the audit log records for this command's writes (default: the OS user).",
        ),
    ] = None,
) -> None:
    """Global options shared by every command."""
    cli = ctx.obj = CliContext(home=home, encoder=encoder, actor=as_name)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=cli.err, show_path=False, show_time=False)],
        force=True,
    )
    for noisy in ("sentence_transformers", "transformers", "httpx", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# ----------------------------------------------------------------------------- options
# Each option is declared once, here. typer has no option groups (fastapi/typer#153, #154),
# so the query commands still list the five filter aliases in their signatures and hand
# them to `_filters`; that listing is all that is repeated.
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


# ----------------------------------------------------------------------------- commands
@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON file of organisations.")],
    skip_invalid: Annotated[
        bool, typer.Option(help="Import the valid rows and report the bad ones.")
    ] = False,
    on_conflict: Annotated[
        OnConflict,
        typer.Option(
            help="An id already in the catalog: update it, skip the row, or fail "
            "(write nothing, naming each such id and row)."
        ),
    ] = OnConflict.FAIL,
) -> None:
    """Import organisations; any bad row rejects the whole file unless --skip-invalid."""
    cli = cli_context(ctx)

    def go() -> None:
        with cli.workspace() as ws:
            report = import_organisations(
                ws.store,
                file,
                taxonomy=ws.taxonomy,
                skip_invalid=skip_invalid,
                on_conflict=on_conflict,
                who=cli.who(),
            )
            for e in report.errors:
                cli.err.print(escape(f"skipped row {e.row}, field {e.field!r}: {e.message}"))
            for w in report.warnings:
                cli.err.print(escape(f"warning: {w}"))
            cli.out.print(
                f"imported {report.imported} organisation(s) from {escape(str(file))}: "
                f"{report.created} created, {report.updated} updated, "
                f"{report.skipped} skipped (already there)"
            )

    cli.run(go)


@app.command()
def export(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Target .csv, .xlsx or .json file.")],
) -> None:
    """Export the whole catalog (contacts included) to CSV, XLSX or JSON."""
    cli = cli_context(ctx)

    def go() -> None:
        with cli.workspace() as ws:
            n = write_organisations(ws.store.all(), file)
            cli.out.print(f"exported {n} organisation(s) to {escape(str(file))}")

    cli.run(go)


@app.command()
def partners(
    ctx: typer.Context,
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
    cli = cli_context(ctx)

    def go() -> None:
        with cli.workspace() as ws:
            engine = cli.engine(ws)
            flt = _filters(region, kind, chain, segment, qualification)
            res = engine.find_partners(
                org, direction=direction, k=k, filters=flt, statements=need or None
            )
            show_result(cli, res, as_json, f"{direction.value} for {engine.org(org).name}")

    cli.run(go)


@app.command()
def substitutes(
    ctx: typer.Context,
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
    cli = cli_context(ctx)

    def go() -> None:
        with cli.workspace() as ws:
            engine = cli.engine(ws)
            flt = _filters(region, kind, chain, segment, qualification)
            res = engine.find_substitutes(org, k=k, filters=flt)
            show_result(cli, res, as_json, f"substitutes for {engine.org(org).name}")

    cli.run(go)


@app.command()
def ask(
    ctx: typer.Context,
    text: Annotated[
        str | None, typer.Argument(help="A free question, Chinese or English (or --file).")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help='JSON Lines of {"id", "text"}, answered with one model load. Every line is '
            "checked first: any bad line is reported with its line number (exit 2) and "
            'nothing is answered. With --json, one line {"id", "query", "results"} per '
            "question, in file order.",
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
    """一问即答: who offers what the question asks for (one question, or a --file of them)."""
    cli = cli_context(ctx)

    def go() -> None:
        if (text is None) == (file is None):
            raise InvalidInputError("give a question or --file, not both")
        batch = read_questions(file) if file is not None else None  # before loading the model
        with cli.workspace() as ws:
            engine = cli.engine(ws)
            flt = _filters(region, kind, chain, segment, qualification)
            if batch is None:
                res = engine.ask(text or "", k=k, filters=flt)
                show_result(cli, res, as_json, f"answers to: {text}")
                return
            for q in batch:
                res = engine.ask(q.text, k=k, filters=flt)
                if as_json:
                    typer.echo(json.dumps({"id": q.id, **res.to_dict()}, ensure_ascii=False))
                else:
                    show_result(cli, res, False, f"{q.id}: {q.text}")

    cli.run(go)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes.")] = 1,
) -> None:
    """Run the HTTP API and the cooperation map page (http://HOST:PORT/)."""
    from service.serve import serve_settings, settings_for  # FastAPI and uvicorn

    cli = cli_context(ctx)
    serve_settings(settings_for(cli.home, cli.encoder), host=host, port=port, workers=workers)


@app.command()
def info(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Model id, dimension, catalog counts and where everything lives.

    Never loads or builds the model: the dimension comes from the model folder.
    Unknown (null in --json) before the first build, e.g. by 'chainmatch demo'.
    """
    cli = cli_context(ctx)

    def go() -> dict[str, Any]:
        with cli.workspace() as ws:
            return ws.info()

    doc = cli.run(go)
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    out = cli.out
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


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        CliContext().err.print("interrupted")
        sys.exit(130)
