"""Benchmark (not a test): all-pairs top-k partners for every organisation, in-process and on
Ray local, on the same generated catalog; are the outputs identical?

Run: ``OMP_NUM_THREADS=1 python -m eval.bench_batch --orgs 10000 [--encoder hashing]
[--ray-local] [--workers 2] [--k 20] [--chunk 200] [--home DIR] [--json]``.

It generates ``eval.scale_catalog``'s catalog (seed 0) into a fresh home (the model folder
shared with the CLI's), builds and saves the default index, fits the chain knowledge once
(``fit_s``) and saves it beside the index (``knowledge_save_s``), then times
``eval.batch.run_batch`` for the partners job (suppliers, top ``k``) in-process on that
engine and — with ``--ray-local`` — on a local Ray instance of ``--workers`` CPUs, and
compares the two manifests (every file's sha256). Times include everything a run pays
beyond that one fit: Ray's start-up and each actor's engine load, which reads the saved fit
(`matcher.knowledge_io`) instead of fitting again. ``--home DIR`` keeps the catalog, index
and fit in DIR and reuses them on the next run of the same size (``reused_home``: then
``build_s`` and ``fit_s`` are loads). With ``--json``: ``{"orgs", "k", "build_s", "fit_s",
"knowledge_save_s", "reused_home", "in_process": {"seconds", "orgs_per_s", "rows",
"sha256", "cpu_s"}, "ray": {…}, "identical", "load_before", "load_after"}`` (the 1-minute
load average: on a shared machine every figure depends on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from tqdm import tqdm

from catalog.models import Organisation
from catalog.paths import Paths
from catalog.store import CatalogStore
from embeddings.choice import EncoderKind
from eval.batch import EngineRecipe, RayTarget, comparable, run_batch
from eval.home import home_paths
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.batch import BatchJob, BatchSpec

__all__ = ["main", "run"]

console = Console(highlight=False, soft_wrap=True, stderr=True)
TODAY = dt.date(2026, 6, 1)


def _reuse(paths: Paths, n: int) -> bool:
    """Whether ``paths`` already holds a generated catalog of ``n`` organisations (its
    index and saved fit are then loaded, not rebuilt); another size is an error."""
    if not paths.db.exists():
        return False
    store = CatalogStore(paths.db)
    try:
        held = store.count()
    finally:
        store.close()
    if held != n:
        raise ValueError(f"--home {paths.home} holds {held} organisations, not --orgs {n}")
    return True


def _catalog(paths: Paths, n: int, seed: int) -> None:
    store = CatalogStore(paths.db)
    try:
        batch: list[Organisation] = []
        for rec in iter_organisations(ScaleSources.load(), n, seed=seed, validate=False):
            batch.append(Organisation.model_validate(rec))
            if len(batch) == 5000:
                store.upsert(batch)
                batch.clear()
        store.upsert(batch)
    finally:
        store.close()


class _Bar:
    """A tqdm bar of chunks on stderr, as the CLI shows a rich one."""

    def __init__(self, label: str) -> None:
        self.bar = tqdm(desc=label, unit="chunk", file=sys.stderr, leave=False)

    def __call__(self, done: int, total: int) -> None:
        self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _timed(manifest: dict[str, Any]) -> dict[str, Any]:
    s = float(manifest["seconds"])
    return {
        "seconds": s,
        "orgs_per_s": round(manifest["orgs"] / s, 1) if s else None,
        "rows": manifest["rows"],
        "skipped": manifest["skipped"],
        "sha256": manifest["sha256"],
    }


def run(
    n: int,
    encoder: EncoderKind,
    *,
    k: int,
    chunk: int,
    ray_local: bool,
    workers: int,
    seed: int,
    skip_in_process: bool = False,
    home: Path | None = None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)  # the batch outputs; the catalog's home is ``home`` when given
        paths = Paths(home or root / "home", home_paths().models)
        paths.home.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        reused = _reuse(paths, n) if home is not None else False
        if not reused:
            _catalog(paths, n, seed)
        generate_s = time.perf_counter() - t
        recipe = EngineRecipe.for_paths(paths, encoder, today=TODAY)
        t = time.perf_counter()
        engine = recipe.build(save=True)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        engine.learned()
        fit_s = time.perf_counter() - t
        t = time.perf_counter()
        engine.save_knowledge(recipe.index)  # the Ray actors read it instead of fitting
        knowledge_save_s = time.perf_counter() - t
        spec = BatchSpec(BatchJob.PARTNERS, k=k)
        out: dict[str, Any] = {
            "orgs": n,
            "k": k,
            "chunk": chunk,
            "encoder": engine.encoder.model_id,
            "omp_threads": os.environ.get("OMP_NUM_THREADS"),
            "load_before": round(os.getloadavg()[0], 1),
            "generate_s": round(generate_s, 1),
            "reused_home": reused,
            "build_s": round(build_s, 1),
            "fit_s": round(fit_s, 1),
            "knowledge_save_s": round(knowledge_save_s, 1),
        }
        manifests = {}
        if not skip_in_process:
            bar = _Bar("in-process")
            cpu = time.process_time()
            m = run_batch(
                recipe, spec, root / "in-process", chunk=chunk, engine=engine, progress=bar
            )
            bar.close()
            out["in_process"] = _timed(m) | {"cpu_s": round(time.process_time() - cpu, 1)}
            manifests["in_process"] = m
        del engine  # the Ray actors hold their own
        if ray_local:
            m = run_batch(recipe, spec, root / "ray", chunk=chunk, ray=RayTarget(workers=workers))
            out["ray"] = _timed(m) | {"workers": workers}
            manifests["ray"] = m
        if len(manifests) == 2:
            out["identical"] = comparable(manifests["in_process"]) == comparable(manifests["ray"])
        out["load_after"] = round(os.getloadavg()[0], 1)
        return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_batch", description=__doc__)
    ap.add_argument("--orgs", type=int, required=True, help="organisations to generate")
    ap.add_argument(
        "--encoder",
        type=EncoderKind,
        default=EncoderKind.HASHING,
        choices=list(EncoderKind),
        help="embedding model (default hashing: no model, fast)",
    )
    ap.add_argument("--k", type=int, default=20, help="partners per organisation (default 20)")
    ap.add_argument("--chunk", type=int, default=200, help="organisations per chunk (200)")
    ap.add_argument("--ray-local", action="store_true", help="also run on local Ray")
    ap.add_argument("--workers", type=int, default=2, help="Ray actors (default 2)")
    ap.add_argument(
        "--ray-only", action="store_true", help="skip the in-process run (with --ray-local)"
    )
    ap.add_argument("--seed", type=int, default=0, help="catalog seed (default 0)")
    ap.add_argument(
        "--home",
        type=Path,
        help="keep the generated catalog, index and fit in this folder and reuse them "
        "on the next run of the same --orgs (default: a fresh temporary folder)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if args.orgs < 10:
        console.print("[red]error:[/red] --orgs must be at least 10")
        return 2
    out = run(
        args.orgs,
        args.encoder,
        k=args.k,
        chunk=args.chunk,
        ray_local=args.ray_local,
        workers=args.workers,
        seed=args.seed,
        skip_in_process=args.ray_only and args.ray_local,
        home=args.home,
    )
    if args.json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        return 0
    for key, value in out.items():
        console.print(f"{key:<14} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
