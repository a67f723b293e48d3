"""`chainmatch batch …`: top-k partners, substitutes, map edges or event pair scores for every
organisation, written as Parquet (`eval.batch`), in-process or on Ray."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from catalog.errors import InvalidInputError
from catalog.models import OrgKind
from matcher.batch_spec import BatchJob, BatchSpec
from matcher.types import Direction, Filters
from service.cli_context import AsJson, CliContext, cli_context

if TYPE_CHECKING:
    from eval.batch import Progress, RayTarget
    from matcher.engine import MatchEngine

__all__ = ["batch_app"]

batch_app = typer.Typer(
    help="Batch jobs over the whole catalog, written as Parquet; in-process or on Ray.",
    no_args_is_help=True,
)

Out = Annotated[
    Path,
    typer.Option(
        "--out",
        help="Folder for part-*.parquet, skipped.parquet and manifest.json; must be empty.",
    ),
]
BatchK = Annotated[
    int, typer.Option("--k", "-k", min=1, max=1000, help="Results per organisation.")
]
RayAddress = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="Run on this Ray cluster (e.g. ray://head:10001); its nodes need ChainMatch and "
        "the home folder at the same path.",
    ),
]
RayLocal = Annotated[
    bool, typer.Option("--ray-local", help="Run on a local Ray instance of --workers CPUs.")
]
Workers = Annotated[
    int, typer.Option(min=1, max=256, help="Ray actors, each holding one engine (default 2).")
]
Chunk = Annotated[
    int, typer.Option(min=1, max=100_000, help="Organisations per task and per output file.")
]
Overwrite = Annotated[
    bool, typer.Option(help="Replace the batch files of an earlier run in --out.")
]
Chain = Annotated[str | None, typer.Option("--chain", help="Only members of this chain, e.g. ic.")]
Segment = Annotated[str | None, typer.Option(help="Only members of this segment, e.g. ic.fab.")]
Region = Annotated[str | None, typer.Option(help="Only members in this province/city/park.")]
Kind = Annotated[OrgKind | None, typer.Option(help="Only members of this kind.")]


def _target(ray_address: str | None, ray_local: bool, workers: int) -> RayTarget | None:
    from eval.batch import RayTarget

    if ray_address and ray_local:
        raise InvalidInputError("give --ray-address or --ray-local, not both")
    if ray_address or ray_local:
        return RayTarget(address=ray_address or None, workers=workers)
    return None


def _members(
    chain: str | None, segment: str | None, region: str | None, kind: OrgKind | None
) -> Filters | None:
    if chain is None and segment is None and region is None and kind is None:
        return None
    return Filters(region=region, kind=kind, chain=chain, segment=segment)


def _run(
    ctx: typer.Context,
    spec: BatchSpec,
    out: Path,
    target: RayTarget | None,
    chunk: int,
    overwrite: bool,
    as_json: bool,
) -> None:
    cli = cli_context(ctx)

    def go() -> None:
        from eval.batch import EngineRecipe, run_batch

        if target is not None:
            from eval.batch_ray import ray_available

            ray_available()  # before the engine is built: a missing Ray fails fast
        with cli.workspace() as ws:
            engine: MatchEngine | None = cli.engine(ws)  # syncs and saves the saved index
            _check_members(ws.taxonomy.chains, ws.taxonomy.segments, spec)
            recipe = EngineRecipe.for_paths(ws.paths, ws.encoder_kind, today=ws.today)
            if target is not None:
                engine = None  # the Ray actors load their own: not a third copy in memory
            with _ChunkBar(cli, spec, as_json) as progress:
                manifest = run_batch(
                    recipe,
                    spec,
                    out,
                    ray=target,
                    chunk=chunk,
                    engine=engine,
                    overwrite=overwrite,
                    progress=progress,
                )
        _show(cli, manifest, out, as_json)

    cli.run(go)


def _check_members(chains: Any, segments: Any, spec: BatchSpec) -> None:
    m = spec.members
    if m is not None and m.chain is not None and m.chain not in chains:
        raise InvalidInputError(f"chain: unknown chain {m.chain!r}; known: {', '.join(chains)}")
    if m is not None and m.segment is not None and m.segment not in segments:
        raise InvalidInputError(f"segment: unknown segment {m.segment!r}")


class _ChunkBar:
    """A rich bar of chunks on stderr (not with --json, whose stdout is the answer)."""

    def __init__(self, cli: CliContext, spec: BatchSpec, quiet: bool) -> None:
        from rich.progress import Progress as RichProgress

        self.bar = None if quiet else RichProgress(console=cli.err, transient=True)
        self.label = f"batch {spec.job.value}"

    def __enter__(self) -> Progress | None:
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task(self.label, total=None)
        bar = self.bar

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return tick

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _show(cli: CliContext, manifest: dict[str, Any], out: Path, as_json: bool) -> None:
    summary = {
        "job": manifest["job"],
        "out": str(out),
        "orgs": manifest["orgs"],
        "rows": manifest["rows"],
        "skipped": manifest["skipped"],
        "files": len(manifest["files"]),
        "sha256": manifest["sha256"],
        "executor": manifest["executor"],
        "seconds": manifest["seconds"],
    }
    if "pairs" in manifest:
        summary["pairs"] = manifest["pairs"]["rows"]
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    pairs = f", {summary['pairs']} pairs" if "pairs" in summary else ""
    cli.out.print(
        f"{summary['job']}: {summary['rows']} rows{pairs} for {summary['orgs']} organisations "
        f"({summary['skipped']} skipped) in {summary['files']} files, {escape(str(out))}; "
        f"{summary['executor']}, {summary['seconds']} s"
    )


@batch_app.command("partners")
def partners(
    ctx: typer.Context,
    out: Out,
    k: BatchK = 20,
    direction: Annotated[
        Direction, typer.Option(help="Suppliers for needs, customers for offers, or mutual.")
    ] = Direction.SUPPLIERS,
    ray_address: RayAddress = None,
    ray_local: RayLocal = False,
    workers: Workers = 2,
    chunk: Chunk = 200,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """Top-k partners of every organisation (find_partners), one row per match."""
    spec = BatchSpec(BatchJob.PARTNERS, k=k, direction=direction)
    target = _checked_target(ctx, ray_address, ray_local, workers)
    _run(ctx, spec, out, target, chunk, overwrite, as_json)


@batch_app.command("substitutes")
def substitutes(
    ctx: typer.Context,
    out: Out,
    k: BatchK = 20,
    ray_address: RayAddress = None,
    ray_local: RayLocal = False,
    workers: Workers = 2,
    chunk: Chunk = 200,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """Top-k substitutes of every organisation (find_substitutes), one row per match."""
    spec = BatchSpec(BatchJob.SUBSTITUTES, k=k)
    target = _checked_target(ctx, ray_address, ray_local, workers)
    _run(ctx, spec, out, target, chunk, overwrite, as_json)


@batch_app.command("map")
def map_(
    ctx: typer.Context,
    out: Out,
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=20, help="Suppliers per buyer.")] = 3,
    chain: Chain = None,
    segment: Segment = None,
    region: Region = None,
    kind: Kind = None,
    ray_address: RayAddress = None,
    ray_local: RayLocal = False,
    workers: Workers = 2,
    chunk: Chunk = 200,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """Cooperation map edges: each member's k best suppliers among the members."""
    spec = BatchSpec(BatchJob.MAP, k=k, members=_members(chain, segment, region, kind))
    target = _checked_target(ctx, ray_address, ray_local, workers)
    _run(ctx, spec, out, target, chunk, overwrite, as_json)


@batch_app.command("pairs")
def pairs(
    ctx: typer.Context,
    out: Out,
    k: BatchK = 20,
    chain: Chain = None,
    segment: Segment = None,
    region: Region = None,
    kind: Kind = None,
    ray_address: RayAddress = None,
    ray_local: RayLocal = False,
    workers: Workers = 2,
    chunk: Chunk = 200,
    overwrite: Overwrite = False,
    as_json: AsJson = False,
) -> None:
    """Event pair scores: each member's k best one-way matches, then reciprocal pairs."""
    spec = BatchSpec(BatchJob.PAIRS, k=k, members=_members(chain, segment, region, kind))
    target = _checked_target(ctx, ray_address, ray_local, workers)
    _run(ctx, spec, out, target, chunk, overwrite, as_json)


def _checked_target(
    ctx: typer.Context, ray_address: str | None, ray_local: bool, workers: int
) -> RayTarget | None:
    """The Ray target, or the one-line error and exit 2 for contradictory flags."""
    return cli_context(ctx).run(lambda: _target(ray_address, ray_local, workers))
