"""The batch executor: chunks of organisations through `matcher.batch`, in-process or on Ray,
written as Parquet with a manifest (counts and sha256s).

In-process, one engine runs the chunks in order. On Ray (`eval.batch_ray`), Ray Data sends
the chunks to a pool of actors, each of which builds its engine once from the same
`EngineRecipe` (the catalog file, the saved index folder, the encoder); the driver writes
each chunk's bytes as they arrive. Both paths make a chunk's bytes with the same function on
one FAISS thread, so the files, and the manifest's digests, are identical.

Example usage::

    recipe = EngineRecipe.for_paths(paths, EncoderKind.HASHING)
    manifest = run_batch(recipe, BatchSpec(BatchJob.PARTNERS, k=20), Path("out"))
    manifest["rows"], manifest["sha256"]
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.errors import ConflictError, InvalidInputError
from catalog.models import Organisation
from catalog.paths import Paths
from catalog.store import CatalogStore
from catalog.taxonomy import load_default_taxonomy
from embeddings.choice import EncoderKind, open_encoder, sparse_encoder_for
from eval.batch_io import (
    MANIFEST,
    PAIR_SCHEMA,
    PAIRS_FILE,
    SKIPPED_FILE,
    SKIPPED_SCHEMA,
    ChunkOutput,
    as_in_a_worker,
    chunk_file,
    chunk_output,
    parquet_bytes,
    read_rows,
    sha256,
)
from matcher.batch import BatchJob, BatchSpec, chunk_ids, member_ids, pair_rows, select_members
from matcher.engine import MatchEngine
from matcher.index import IndexKind, set_faiss_threads
from matcher.knowledge_io import MANIFEST as KNOWLEDGE_MANIFEST
from matcher.types import Direction, Filters

__all__ = ["EngineRecipe", "Progress", "RayTarget", "comparable", "run_batch"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (chunks done, chunks in all)


@dataclass(frozen=True)
class EngineRecipe:
    """How to build the engine from files: what a Ray worker is sent instead of an engine.

    The catalog database, the saved index folder (loaded, never written by a worker: the
    driver syncs and saves it first; a chain-knowledge fit saved there for this catalog is
    read instead of fitted, `matcher.knowledge_io`), the model folder and embedding cache,
    the encoder.
    """

    db: Path
    index: Path
    models: Path
    cache: Path
    encoder: EncoderKind = EncoderKind.E5_SMALL
    index_kind: IndexKind = IndexKind.AUTO
    today: dt.date | None = None

    @classmethod
    def for_paths(
        cls,
        paths: Paths,
        encoder: EncoderKind,
        *,
        index_kind: IndexKind = IndexKind.AUTO,
        today: dt.date | None = None,
    ) -> EngineRecipe:
        return cls(paths.db, paths.index, paths.models, paths.cache, encoder, index_kind, today)

    def orgs(self) -> list[Organisation]:
        store = CatalogStore(self.db)
        try:
            return store.all()
        finally:
            store.close()

    def member_ids(self, members: Filters | None) -> list[str]:
        """`matcher.batch.member_ids` from the catalog file, without building an engine."""
        return select_members(self.orgs(), members, self.today or dt.date.today())

    def build(self, *, save: bool = False) -> MatchEngine:
        """The engine over the whole catalog, its index loaded (and synced) from ``index``;
        ``save`` writes the index back when the sync changed it (the driver only)."""
        orgs = self.orgs()
        encoder = open_encoder(self.encoder, models=self.models, cache=self.cache, progress=False)
        engine = MatchEngine(
            orgs,
            load_default_taxonomy(),
            encoder,
            index_kind=self.index_kind,
            today=self.today,
            sparse_encoder=sparse_encoder_for(encoder),
        )
        delta = engine.load(self.index)
        if save and (delta["added"] or delta["removed"] or delta.get("sparse_encoded")):
            engine.save(self.index)
        return engine

    def ensure_fit(self) -> bool:
        """Fit the chain knowledge here and save it beside the index when the folder holds
        none, so that N Ray actors read one fit instead of fitting N times (10⁵
        organisations: an 84 s fit against a 2.5 s read). Whether a saved fit still fits
        the catalog needs an engine to tell: each actor checks, and one that finds it stale
        logs why and fits. True when it fitted."""
        if (self.index / KNOWLEDGE_MANIFEST).exists():
            return False
        engine = self.build()
        with as_in_a_worker():  # as a chunk fits it: the same sums, the same bits
            engine.learned()
        engine.save_knowledge(self.index)
        return True


def _uses_fit(spec: BatchSpec) -> bool:
    """Whether the job asks for suppliers (the learned signals): not substitutes, and not
    customers alone."""
    if spec.job is BatchJob.SUBSTITUTES:
        return False
    return not (spec.job is BatchJob.PARTNERS and spec.direction is Direction.CUSTOMERS)


@dataclass(frozen=True)
class RayTarget:
    """Where Ray runs: ``address`` of a running cluster, or None for a local instance of
    ``workers`` CPUs; one engine-holding actor per worker."""

    address: str | None = None
    workers: int = 2

    def label(self) -> str:
        return f"ray {self.address}" if self.address else "ray local"


def run_batch(
    recipe: EngineRecipe,
    spec: BatchSpec,
    out: Path,
    *,
    ray: RayTarget | None = None,
    chunk: int = 200,
    engine: MatchEngine | None = None,
    overwrite: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run ``spec`` over every organisation (or ``spec.members``) into ``out``; returns the
    manifest it wrote.

    In-process uses ``engine`` when given (else builds one from ``recipe``); ``ray`` sends
    the chunks to Ray workers instead (give no ``engine`` then: the driver needs none).
    ``out`` must be empty or absent unless ``overwrite`` (which removes only batch files).
    Nothing is written before the inputs are checked.
    """
    t0 = time.perf_counter()
    _prepare(out, overwrite, check_only=True)
    if ray is not None:
        from eval.batch_ray import ray_available  # the import check only

        ray_available()
    set_faiss_threads(1)  # one thread in every path: the same float sums, the same order
    if engine is None and ray is None:
        engine = recipe.build()
    if engine is not None:
        ids = member_ids(engine, spec.members)
    else:  # Ray without an engine in the driver: the actors hold theirs
        ids = recipe.member_ids(spec.members)
    chunks = chunk_ids(ids, chunk)
    items = ids if spec.members is not None else None
    _prepare(out, overwrite, check_only=False)
    if ray is not None:
        from eval.batch_ray import run_on_ray

        if _uses_fit(spec) and recipe.ensure_fit():
            log.info(
                "fitted the chain knowledge once for the Ray actors (saved in %s)", recipe.index
            )
        outputs: Iterable[ChunkOutput] = run_on_ray(recipe, spec, chunks, ray)
        executor = ray.label()
    elif engine is not None:
        outputs = _in_process(engine, spec, chunks, items)
        executor = "in-process"
    files, skipped = _write_chunks(out, outputs, len(chunks), progress)
    manifest: dict[str, Any] = {
        "job": spec.job.value,
        "spec": spec.to_dict(),
        "orgs": len(ids),
        "chunk": chunk,
        "rows": sum(f["rows"] for f in files),
        "skipped": len(skipped),
        "files": files,
    }
    skipped_bytes = parquet_bytes(
        [{"org_id": o, "reason": r} for o, r in sorted(skipped)], SKIPPED_SCHEMA
    )
    (out / SKIPPED_FILE).write_bytes(skipped_bytes)
    manifest["skipped_sha256"] = sha256(skipped_bytes)
    if spec.job is BatchJob.PAIRS:
        manifest["pairs"] = _write_pairs(out, files)
    digests = [f["sha256"] for f in files] + [manifest["skipped_sha256"]]
    if "pairs" in manifest:
        digests.append(manifest["pairs"]["sha256"])
    manifest["sha256"] = sha256("\n".join(digests).encode())
    manifest["executor"] = executor
    manifest["seconds"] = round(time.perf_counter() - t0, 2)
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    log.info("%s batch: %d rows, %d organisations", spec.job, manifest["rows"], len(ids))
    return manifest


def _in_process(
    engine: MatchEngine, spec: BatchSpec, chunks: list[list[str]], items: list[str] | None
) -> Iterator[ChunkOutput]:
    for i, c in enumerate(chunks):
        yield chunk_output(engine, spec, i, c, items)


def comparable(manifest: dict[str, Any]) -> dict[str, Any]:
    """A manifest without what may differ between equal runs (executor, time)."""
    return {k: v for k, v in manifest.items() if k not in ("executor", "seconds")}


def _prepare(out: Path, overwrite: bool, *, check_only: bool) -> None:
    """Refuse a folder holding anything unless ``overwrite``; then clear batch files."""
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"out: {out} is a file; give a folder")
    present = sorted(p.name for p in out.iterdir()) if out.exists() else []
    if present and not overwrite:
        shown = ", ".join(present[:3]) + (" …" if len(present) > 3 else "")
        raise ConflictError(
            f"out: {out} is not empty ({shown}); give an empty folder or --overwrite"
        )
    if check_only:
        return
    out.mkdir(parents=True, exist_ok=True)
    for name in present:
        if name in (MANIFEST, PAIRS_FILE, SKIPPED_FILE) or (
            name.startswith("part-") and name.endswith(".parquet")
        ):
            (out / name).unlink()


def _write_chunks(
    out: Path, outputs: Iterable[ChunkOutput], total: int, progress: Progress | None
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    files: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    for done, o in enumerate(outputs, 1):
        name = chunk_file(o.index)
        (out / name).write_bytes(o.data)
        files.append(
            {
                "file": name,
                "orgs": o.orgs,
                "rows": o.rows,
                "skipped": len(o.skipped),
                "sha256": sha256(o.data),
            }
        )
        skipped.extend(o.skipped)
        if progress is not None:
            progress(done, total)
    files.sort(key=lambda f: str(f["file"]))  # Ray hands chunks back as they finish
    return files, skipped


def _write_pairs(out: Path, files: list[dict[str, Any]]) -> dict[str, Any]:
    def one_way() -> Iterator[dict[str, Any]]:
        for f in files:
            yield from read_rows(out / f["file"])

    rows = pair_rows(one_way())
    data = parquet_bytes(rows, PAIR_SCHEMA)
    (out / PAIRS_FILE).write_bytes(data)
    return {"file": PAIRS_FILE, "rows": len(rows), "sha256": sha256(data)}
