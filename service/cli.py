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

from catalog.demo import demo_document
from catalog.errors import InvalidInputError
from catalog.importer import import_organisations, write_organisations
from catalog.models import OrgKind
from catalog.store import OnConflict
from embeddings.choice import EncoderKind
from matcher.types import Direction, Filters, MatchResult
from service.cli_ask import read_questions
from service.cli_context import AsJson, CliContext, cli_context
from service.cli_desk import desk_app
from service.cli_eval import eval_app
from service.cli_event import event_app
from service.cli_index import index_app
from service.cli_ops import audit, backup, restore
from service.cli_token import token_app

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["app", "main"]

app = typer.Typer(
    help="ChainMatch 产业链供需匹配引擎: find partners and substitutes among park organisations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")
app.add_typer(event_app, name="event")
app.add_typer(desk_app, name="desk")
app.add_typer(token_app, name="token")
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
K = Annotated[int, typer.Option("--k", "-k", min=1, max=1000, help="How many results.")]
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


def _show(cli: CliContext, result: MatchResult, as_json: bool, title: str) -> None:
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


# ----------------------------------------------------------------------------- commands
@app.command()
def demo(
    ctx: typer.Context,
    reset: Annotated[bool, typer.Option(help="Restore demo entries you edited.")] = False,
    k: K = 5,
    scale: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Instead of the demo park, N fictional organisations recombined from its "
            "phrases (and the A-share products when present); needs an empty catalog.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the --scale catalog.")] = 0,
) -> None:
    """The main job: load the demo park, build model and index if missing, show a tour."""
    cli = cli_context(ctx)

    def go() -> None:
        with cli.workspace() as ws:
            if scale is None:
                added = ws.load_demo(replace=reset)
                tour: dict[str, Any] = demo_document().get("tour", {})
            else:
                from eval.scale_catalog import scale_tour  # reads A-share: only when used

                added = _load_scale(cli, ws, scale, seed)
                tour = scale_tour(ws.store.list(limit=50), demo_document().get("tour", {}))
            if added:
                logging.info("loaded %d organisations into %s", added, ws.paths.db)
            filed = ws.load_demo_desk()
            if filed:
                logging.info("loaded %d fictional demo requests into the desk", filed)
            engine = cli.engine(ws)
            source = ws.store.get_meta("source") or "catalog"
            cli.out.print(f"[bold]ChainMatch demo[/bold] — {source}")
            cli.out.print(
                f"{len(engine.orgs)} organisations, {len(engine.table)} statements, "
                f"model {engine.encoder.model_id} ({engine.encoder.dim}-d)"
            )
            for org_id in tour.get("partners", [])[:2]:
                org = engine.org(org_id)
                res = engine.find_partners(org_id, k=k)
                needs = "；".join(org.needs[:2])
                _show(cli, res, False, f"找合作 Suppliers for {org.name} — needs: {needs}")
            for org_id in tour.get("substitutes", [])[:1]:
                res = engine.find_substitutes(org_id, k=k)
                _show(cli, res, False, f"找替代 Substitutes for {engine.org(org_id).name}")
            for text in tour.get("ask", [])[:2]:
                _show(cli, engine.ask(text, k=k), False, f"一问即答 Ask: {text}")

    cli.run(go)


def _load_scale(cli: CliContext, ws: Workspace, n: int, seed: int) -> int:
    from rich.progress import Progress

    with Progress(console=cli.err, transient=True) as bar:
        task = bar.add_task(f"generating {n} organisations", total=n)
        return ws.load_scale(n, seed, done=lambda k: bar.update(task, completed=k))


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
            _show(cli, res, as_json, f"{direction.value} for {engine.org(org).name}")

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
            _show(cli, res, as_json, f"substitutes for {engine.org(org).name}")

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
                _show(cli, res, as_json, f"answers to: {text}")
                return
            for q in batch:
                res = engine.ask(q.text, k=k, filters=flt)
                if as_json:
                    typer.echo(json.dumps({"id": q.id, **res.to_dict()}, ensure_ascii=False))
                else:
                    _show(cli, res, False, f"{q.id}: {q.text}")

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
