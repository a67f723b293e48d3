"""Batch output as Parquet: one fixed schema per job, one file per chunk, bytes made by the
one function both executors call (`chunk_output`), so in-process and Ray runs write the
same bytes for the same rows.

Files in the output folder: ``part-00000.parquet`` … (the per-organisation rows of the job,
ordered by org_id and rank; for pairs the one-way matches), ``pairs.parquet`` (pairs job
only: reciprocal scores by a, b), ``skipped.parquet`` (org_id, reason), ``manifest.json``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from threadpoolctl import threadpool_limits

from matcher.batch import BatchJob, BatchSpec, run_chunk
from matcher.engine import MatchEngine

__all__ = [
    "MANIFEST",
    "PAIRS_FILE",
    "SCHEMAS",
    "SKIPPED_FILE",
    "ChunkOutput",
    "as_in_a_worker",
    "chunk_file",
    "chunk_output",
    "parquet_bytes",
    "read_rows",
    "sha256",
]

MANIFEST = "manifest.json"
PAIRS_FILE = "pairs.parquet"
SKIPPED_FILE = "skipped.parquet"

_STR_LIST = pa.list_(pa.string())
_LINKS = pa.list_(
    pa.struct(
        [
            ("needer", pa.string()),
            ("need", pa.string()),
            ("offerer", pa.string()),
            ("offer", pa.string()),
            ("score", pa.float64()),
        ]
    )
)
_MATCH = pa.schema(
    [
        ("org_id", pa.string()),
        ("rank", pa.int32()),
        ("candidate_id", pa.string()),
        ("score", pa.float64()),
        ("parts", pa.map_(pa.string(), pa.float64())),
        ("relation", pa.string()),
        ("exploratory", pa.bool_()),
        ("rests_on", _STR_LIST),
        ("explanation", pa.string()),
    ]
)
_EDGE = pa.schema(
    [
        ("org_id", pa.string()),  # the buyer asking
        ("rank", pa.int32()),
        ("source", pa.string()),  # the supplier
        ("target", pa.string()),  # the buyer
        ("score", pa.float64()),
        ("relation", pa.string()),
        ("evidence", pa.string()),
        ("exploratory", pa.bool_()),
        ("rests_on", _STR_LIST),
    ]
)
_ONE_WAY = pa.schema(
    [
        ("org_id", pa.string()),
        ("rank", pa.int32()),
        ("candidate_id", pa.string()),
        ("raw", pa.float64()),
        ("relation", pa.string()),
        ("exploratory", pa.bool_()),
        ("rests_on", _STR_LIST),
        ("links", _LINKS),
    ]
)
PAIR_SCHEMA = pa.schema(
    [
        ("a", pa.string()),
        ("b", pa.string()),
        ("score", pa.float64()),
        ("forward", pa.float64()),
        ("backward", pa.float64()),
        ("links", _LINKS),
        ("relation", pa.string()),
        ("exploratory", pa.bool_()),
        ("rests_on", _STR_LIST),
    ]
)
SKIPPED_SCHEMA = pa.schema([("org_id", pa.string()), ("reason", pa.string())])
SCHEMAS: dict[BatchJob, pa.Schema] = {
    BatchJob.PARTNERS: _MATCH,
    BatchJob.SUBSTITUTES: _MATCH,
    BatchJob.MAP: _EDGE,
    BatchJob.PAIRS: _ONE_WAY,
}


def parquet_bytes(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> bytes:
    """``rows`` as one Parquet file (zstd): the same rows always give the same bytes."""
    table = pa.Table.from_pylist(list(rows), schema=schema)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def read_rows(path: Path) -> list[dict[str, Any]]:
    """A batch file's rows as dicts (a map column as a dict)."""
    table = pq.read_table(path)
    rows: list[dict[str, Any]] = table.to_pylist()
    maps = [f.name for f in table.schema if pa.types.is_map(f.type)]
    for r in rows:
        for name in maps:
            r[name] = dict(r[name])
    return rows


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunk_file(index: int) -> str:
    return f"part-{index:05d}.parquet"


@dataclass(frozen=True)
class ChunkOutput:
    """One chunk's file bytes, row count and skipped organisations (org_id, reason)."""

    index: int
    orgs: int
    data: bytes
    rows: int
    skipped: tuple[tuple[str, str], ...]


@contextmanager
def as_in_a_worker() -> Iterator[None]:
    """NumPy's BLAS on one thread, as in a Ray worker (Ray sets OMP_NUM_THREADS=1): a matrix
    product split over more threads sums in another order and moves the last bits of a
    score, so in-process and Ray outputs (and a fit in the driver and one in a chunk) would
    differ byte for byte."""
    with threadpool_limits(limits=1):
        yield


def chunk_output(
    engine: MatchEngine,
    spec: BatchSpec,
    index: int,
    ids: Sequence[str],
    items: Collection[str] | None,
) -> ChunkOutput:
    """Run one chunk (`matcher.batch.run_chunk`) and make its Parquet bytes."""
    with as_in_a_worker():
        got = run_chunk(engine, spec, ids, items=items)
    data = parquet_bytes(got.rows, SCHEMAS[spec.job])
    return ChunkOutput(index, len(ids), data, len(got.rows), tuple(got.skipped))
