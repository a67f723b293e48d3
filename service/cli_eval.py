"""`chainmatch eval`: measure match quality on real data — a thin adapter over `eval.runner`
and `eval.scorecard`."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from catalog.errors import InvalidInputError
from embeddings.base import Encoder
from embeddings.choice import Backend, EncoderKind, default_backend, open_encoder
from eval.ashare import ENV_VAR, default_data_dir
from eval.protocol import GoldTask
from eval.report import BenchResult, group_rows, write_report
from eval.runner import RUNS, run_ashare
from eval.scorecard import run_scorecard
from service.cli_context import cli_context, quiet_model_loading

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["eval_app"]

eval_app = typer.Typer(
    help="Measure match quality on real gold data, beside BM25 and embedding baselines.",
    no_args_is_help=True,
)
log = logging.getLogger(__name__)
_DEFAULT_BACKEND = default_backend()  # OpenVINO when installed (found, not imported)

DataOpt = Annotated[
    Path | None,
    typer.Option(envvar=ENV_VAR, help="A-share data folder (default ../shared/data/ashare)."),
]
OutOpt = Annotated[
    Path | None, typer.Option(help="Report folder (default $CHAINMATCH_HOME/reports/<time>).")
]


def _gold_files(
    data: Path, split: str, gold: Path | None, task: GoldTask | None
) -> dict[GoldTask, Path]:
    if gold is not None:
        if task is None:
            raise InvalidInputError("--gold needs --task supplier|substitute")
        return {task: gold}
    if task is not None:
        raise InvalidInputError("--task applies to a --gold file")
    files = {t: data / f"gold_{t.value}_{split}.jsonl" for t in GoldTask}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise InvalidInputError(
            f"split {split!r} has no gold files ({', '.join(missing)}); "
            "pass --gold FILE --task supplier|substitute"
        )
    return files


@contextlib.contextmanager
def _encoder(ws: Workspace, backend: Backend) -> Iterator[Encoder]:
    """The workspace's encoder, or e5 on OpenVINO (same model, several times faster on a
    CPU; its vectors are cached under their own model id, in the workspace's cache)."""
    quiet_model_loading(ws.encoder_kind)
    if ws.encoder_kind is not EncoderKind.E5_SMALL or backend is Backend.TORCH:
        yield ws.encoder()
        return
    encoder = open_encoder(
        ws.encoder_kind,
        models=ws.paths.models,
        cache=ws.paths.cache,
        backend=backend,
        progress=False,
    )
    try:
        yield encoder
    finally:
        encoder.cache.close()


def _show(console: Console, result: BenchResult) -> None:
    rows = result.table()
    table = Table(title=f"ChainMatch evaluation: {result.name}")
    for col in rows[0]:  # never truncated: a narrow or piped terminal wraps the table instead
        table.add_column(
            col,
            justify="left" if col in ("task", "run") else "right",
            no_wrap=True,
            min_width=max(len(col), *(len(r[rows[0].index(col)]) for r in rows[1:])),
        )
    for row in rows[1:]:
        table.add_row(*row)
    console.print(table)
    for task in result.groups:
        every = group_rows(result, task, top=None)
        if every:
            top = every[0]
            queries = result.tasks[task][next(iter(result.tasks[task]))].queries
            recall = ", ".join(f"{r} {top[r]['recall@10']:.2f}" for r in result.tasks[task])
            console.print(
                f"{task}: gold from {len(every)} sources; the largest, {top['group']}, is the "
                f"gold of {top['queries']} of {queries} queries (recall@10 there: {recall}); "
                "report.md lists the others"
            )


def _evaluate(
    ctx: typer.Context,
    backend: Backend,
    out: Path | None,
    as_json: bool,
    measure: Callable[[Encoder], BenchResult],
) -> None:
    """Open the encoder, ``measure``, write the report, then print the table or the JSON."""
    cli = cli_context(ctx)

    def go() -> tuple[BenchResult, Path]:
        with cli.workspace(progress=False) as ws, _encoder(ws, backend) as encoder:
            result = measure(encoder)
            result.notes["encoder"] = encoder.model_id
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = out or cli.paths().reports / stamp
        write_report(result, target)
        return result, target

    result, target = cli.run(go)
    log.info("report written to %s", target)
    if as_json:
        typer.echo(json.dumps(result.summary(), ensure_ascii=False))
    else:
        _show(cli.out, result)


@eval_app.command("ashare")
def ashare(
    ctx: typer.Context,
    split: Annotated[
        str, typer.Option(help="Gold split in the data folder (gold_*_SPLIT).")
    ] = "dev",
    data: DataOpt = None,
    gold: Annotated[
        Path | None, typer.Option(help="Evaluate this gold JSONL file instead of a split.")
    ] = None,
    task: Annotated[
        GoldTask | None, typer.Option(help="Task of the --gold file: supplier or substitute.")
    ] = None,
    runs: Annotated[
        str, typer.Option(help=f"Comma-separated runs among {', '.join(RUNS)}.")
    ] = ",".join(RUNS),
    max_queries: Annotated[
        int | None, typer.Option(min=1, help="Evaluate only the first N queries per task.")
    ] = None,
    out: OutOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object {task: {run: metrics}}.")
    ] = False,
    backend: Annotated[
        Backend,
        typer.Option(
            help="Where e5-small runs: openvino (default when installed; same model, faster"
            " on a CPU, vectors cached apart) or torch. Ignored by --encoder hashing."
        ),
    ] = _DEFAULT_BACKEND,
) -> None:
    """Find-supplier (filtered) and find-substitute on the A-share benchmark, all runs."""

    folder = data or default_data_dir()
    # bad arguments fail before the model loads
    files = cli_context(ctx).run(lambda: _gold_files(folder, split, gold, task))

    def measure(encoder: Encoder) -> BenchResult:
        return run_ashare(
            encoder,
            files,
            data_dir=folder,
            runs=[r.strip() for r in runs.split(",") if r.strip()],
            max_queries=max_queries,
            name=f"ashare {gold.name if gold else split}",
        )

    _evaluate(ctx, backend, out, as_json, measure)


@eval_app.command("scorecard")
def scorecard(
    ctx: typer.Context,
    data: DataOpt = None,
    max_queries: Annotated[
        int | None, typer.Option(min=1, help="Evaluate only the first N queries per set.")
    ] = None,
    out: OutOpt = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object {set: {run: metrics}}: supplier, supplier_by_link, "
            "substitute, competitor, ask.",
        ),
    ] = False,
    backend: Annotated[
        Backend,
        typer.Option(
            help="Where e5-small runs: openvino (default when installed) or torch."
            " Ignored by --encoder hashing."
        ),
    ] = _DEFAULT_BACKEND,
    language_centering: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Measure the engine with this language centering instead of its default.",
        ),
    ] = None,
) -> None:
    """Every real dev set — supplier (per query and per hidden link), substitute,
    competitor, ask by product class — with BM25, plain e5 cosine and ChainMatch side by
    side in one process (the engine is built once); one table, one report."""

    def measure(encoder: Encoder) -> BenchResult:
        return run_scorecard(
            encoder,
            data_dir=data or default_data_dir(),
            max_queries=max_queries,
            language_centering=language_centering,
        )

    _evaluate(ctx, backend, out, as_json, measure)
