"""`chainmatch demo`: the main job — load the demo park (or a generated province-sized
catalog with ``--scale``), build model and index if missing, show a tour."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.demo import demo_document
from service.cli_context import CliContext, K, cli_context, show_result

if TYPE_CHECKING:
    from service.workspace import Workspace

__all__ = ["demo"]


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
            for what, n in ws.load_demo_extras().items():
                logging.info("loaded %d fictional demo %s", n, what)
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
                show_result(cli, res, False, f"找合作 Suppliers for {org.name} — needs: {needs}")
            for org_id in tour.get("substitutes", [])[:1]:
                res = engine.find_substitutes(org_id, k=k)
                show_result(cli, res, False, f"找替代 Substitutes for {engine.org(org_id).name}")
            for text in tour.get("ask", [])[:2]:
                show_result(cli, engine.ask(text, k=k), False, f"一问即答 Ask: {text}")

    cli.run(go)


def _load_scale(cli: CliContext, ws: Workspace, n: int, seed: int) -> int:
    from rich.progress import Progress

    with Progress(console=cli.err, transient=True) as bar:
        task = bar.add_task(f"generating {n} organisations", total=n)
        return ws.load_scale(n, seed, done=lambda k: bar.update(task, completed=k))
