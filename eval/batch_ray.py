"""The Ray path of `eval.batch`: Ray Data hands chunks to a pool of engine-holding actors.

``ray.data.from_items(chunks).map_batches(ChunkWorker, compute=ActorPoolStrategy(...))``:
each actor builds its engine once from the `EngineRecipe` (catalog file, saved index,
encoder) and turns one chunk at a time into Parquet bytes with `eval.batch_io.chunk_output`
— the function the in-process path calls — so both write the same bytes. Ray shows its own
progress; the driver writes each chunk's file as it arrives.

Locally (``RayTarget(address=None)``) this starts Ray with ``workers`` CPUs and stops it
afterwards; with an address it joins that cluster, whose nodes need ChainMatch installed
and the home folder (catalog, index, model, cache) at the same path.
Ray is optional (``pip install 'chainmatch[batch]'``): without it, `ray_available` says
how to install it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from catalog.errors import InvalidInputError
from eval.batch_io import ChunkOutput, chunk_output
from matcher.batch import BatchSpec, member_ids
from matcher.index import set_faiss_threads

if TYPE_CHECKING:
    from eval.batch import EngineRecipe, RayTarget

__all__ = ["INSTALL_HINT", "ChunkWorker", "ray_available", "run_on_ray"]

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'chainmatch[batch]' (or pip install 'ray[data]>=2.60')"


def ray_available() -> None:
    """Raise InvalidInputError naming the install command when Ray Data is not importable."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise InvalidInputError(
            f"Ray was asked for (--ray-local / --ray-address) but is not installed: "
            f"{INSTALL_HINT}; without it the batch runs in-process ({exc})"
        ) from None


class ChunkWorker:
    """One Ray actor: an engine built once, then any number of chunks."""

    def __init__(self, recipe: EngineRecipe, spec: BatchSpec) -> None:
        set_faiss_threads(1)
        self.spec = spec
        self.engine = recipe.build()
        self.items = member_ids(self.engine, spec.members) if spec.members else None

    def __call__(self, batch: pa.Table) -> pa.Table:
        outs = [
            chunk_output(self.engine, self.spec, int(i), list(ids), self.items)
            for i, ids in zip(
                batch.column("index").to_pylist(), batch.column("ids").to_pylist(), strict=True
            )
        ]
        return pa.table(
            {
                "index": pa.array([o.index for o in outs], pa.int64()),
                "orgs": pa.array([o.orgs for o in outs], pa.int64()),
                "data": pa.array([o.data for o in outs], pa.binary()),
                "rows": pa.array([o.rows for o in outs], pa.int64()),
                "skipped": pa.array(
                    [[list(s) for s in o.skipped] for o in outs], pa.list_(pa.list_(pa.string()))
                ),
            }
        )


def run_on_ray(
    recipe: EngineRecipe, spec: BatchSpec, chunks: Sequence[Sequence[str]], target: RayTarget
) -> Iterator[ChunkOutput]:
    """Every chunk's output, in the order Ray finishes them."""
    import ray
    import ray.data

    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING}
        if target.address:
            ray.init(address=target.address, **kwargs)
        else:
            ray.init(num_cpus=target.workers, **kwargs)
        started = True
    try:
        if not chunks:
            return
        items = [{"index": i, "ids": list(c)} for i, c in enumerate(chunks)]
        ds = ray.data.from_items(items, override_num_blocks=len(items))
        done = ds.map_batches(
            ChunkWorker,
            fn_constructor_kwargs={"recipe": recipe, "spec": spec},
            batch_size=1,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=min(target.workers, len(chunks))),
            num_cpus=1,
        )
        for row in done.iter_rows():
            skipped = tuple((str(o), str(r)) for o, r in row["skipped"])
            yield ChunkOutput(
                int(row["index"]), int(row["orgs"]), bytes(row["data"]), int(row["rows"]), skipped
            )
    finally:
        if started:
            ray.shutdown()
