"""Vectors on a Milvus server behind `VectorIndex`: serving beyond one machine.

One `MilvusClient` API for both places: a milvus-lite folder (``…/milvus.db``, in-process,
for tests and a laptop) and a Milvus cluster (``http://host:19530``) in production. Each
index is one collection: an int64 primary key ``id`` (the statement id) and a float vector
``vec`` compared by inner product, so normalised vectors score by cosine like FAISS.

**Save and load.** The vectors live in the server (or the lite folder), not in a file:
``save(path)`` flushes the collection and writes a small JSON *pointer* at ``path`` (URI,
collection, dimension, count); ``load(path)`` reopens the collection the pointer names.
Saving a pointer over one that named another collection on the same server drops that
collection: it was replaced by a rebuild. A fresh index gets a collection of its own
(``chainmatch_<12 hex>``), so a rebuild never writes into the collection a running engine
reads.

**Filters** are boolean expressions on the primary key, and their cost is the expression's
length: milvus-lite parses ≈ 35 µs per listed id (10⁴ ids ≈ 0.4 s, 10⁵ ids ≈ 4.6 s per
search, measured here). So a filter is first cut to the ids the collection holds, then
written the short way round: ``id not in [the few left out]`` or ``id in [the few let in]``
when either side has at most ``expr_ids`` ids. A filter long both ways (say half of 10⁵
vectors) is searched unfiltered with the limit raised by 1 / share and cut here, which is
exact once ``k`` allowed hits are in; a query still short of ``k`` is searched again with
the allowed ids in chunks of ``expr_ids``, one search per chunk, and the chunks' top-k
merged (exact: the top k of a union is among the union of each part's top k).

Example usage::

    index = MilvusIndex(384, uri=str(home / "milvus.db"))
    index.upsert(ids, vectors)
    scores, hits = index.search(queries, 200, filter=allowed_ids)
    index.save(home / "index" / "offers.index")  # the pointer; the vectors stay in Milvus
"""

from __future__ import annotations

import enum
import json
import logging
import math
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pymilvus import DataType, MilvusClient

from embeddings.base import F32Array
from matcher.index_io import (
    I64Array,
    IndexKind,
    check_vectors,
    query_vectors,
    tie_stable,
    write_json_atomic,
)

__all__ = ["EXPR_IDS", "MAX_TOPK", "MilvusIndex", "MilvusIndexType", "lite_uri"]

log = logging.getLogger(__name__)

POINTER_FORMAT = "chainmatch-milvus/1"
EXPR_IDS = 4_096  # ids one filter expression lists: ≈ 0.15 s of parsing on milvus-lite
MAX_TOPK = 16_384  # Milvus's largest limit per search (a cluster rejects more)
_UPSERT_ROWS = 2_000  # rows per insert request: 3 MB at d = 384, far below gRPC's 64 MB
# an upsert of at least this many rows ends with a flush: unflushed (growing) rows are
# scanned row by row — on milvus-lite a search over 8,000 unflushed of 10⁴ took 1.1 s,
# 78 ms once flushed into a sealed segment (measured here, d = 384); a few rows may wait
_FLUSH_ROWS = 1_000
_WIDE_SHARE = 0.25  # filters keeping at least this share are over-fetched, not listed
_PK, _VEC = "id", "vec"


class MilvusIndexType(enum.StrEnum):
    """Milvus's index over ``vec``: FLAT is exact (the contract's reference behaviour)."""

    FLAT = "FLAT"
    IVF_FLAT = "IVF_FLAT"
    IVF_SQ8 = "IVF_SQ8"
    HNSW = "HNSW"


def lite_uri(path: Path) -> str:
    """The URI of a milvus-lite folder: an absolute path ending in ``.db``."""
    path = Path(path).absolute()
    if path.suffix != ".db":
        raise ValueError(f"a milvus-lite path must end in .db, got {path}")
    return str(path)


class MilvusIndex:
    """One Milvus collection of statement vectors, searched by inner product."""

    kind = IndexKind.MILVUS

    def __init__(
        self,
        dim: int,
        *,
        uri: str,
        collection: str | None = None,
        index_type: MilvusIndexType = MilvusIndexType.FLAT,
        expr_ids: int = EXPR_IDS,
    ) -> None:
        self._dim = dim
        self.uri = uri
        self.collection = collection or f"chainmatch_{uuid.uuid4().hex[:12]}"
        self.index_type = index_type
        self.expr_ids = expr_ids
        self._client: MilvusClient | None = None
        self._created = False
        # sorted ids this object wrote or found on load: len(), ids() and cutting filters
        # without a round trip (one writer per collection; see the README)
        self._ids = np.zeros(0, dtype=np.int64)

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> I64Array:
        return self._ids.copy()

    # ---------------------------------------------------------------- connection
    def _connect(self) -> MilvusClient:
        if self._client is None:
            self._client = MilvusClient(uri=self.uri)  # clients share one channel per URI
        return self._client

    def _ready(self) -> MilvusClient:
        """The client, with this index's collection created (on first write) and loaded."""
        client = self._connect()
        if not self._created:
            schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field(_PK, DataType.INT64, is_primary=True)
            schema.add_field(_VEC, DataType.FLOAT_VECTOR, dim=self._dim)
            params = client.prepare_index_params()
            params.add_index(field_name=_VEC, index_type=self.index_type.value, metric_type="IP")
            client.create_collection(self.collection, schema=schema, index_params=params)
            self._created = True
        return client

    # ---------------------------------------------------------------- writes
    def upsert(self, ids: npt.ArrayLike, vectors: npt.ArrayLike) -> None:
        id_arr, vec = check_vectors(ids, vectors, self._dim)
        if len(id_arr) == 0:
            return
        client = self._ready()
        for start in range(0, len(id_arr), _UPSERT_ROWS):
            part = slice(start, start + _UPSERT_ROWS)
            rows = [{_PK: int(i), _VEC: v} for i, v in zip(id_arr[part], vec[part], strict=True)]
            client.upsert(self.collection, rows)
        if len(id_arr) >= _FLUSH_ROWS:
            client.flush(self.collection)
        self._ids = np.union1d(self._ids, id_arr)

    def delete(self, ids: npt.ArrayLike) -> int:
        want = np.unique(np.asarray(ids, dtype=np.int64).reshape(-1))
        present = want[self._has(want)]
        if len(present) == 0:
            return 0
        client = self._ready()
        for chunk in _chunks(present, self.expr_ids):
            client.delete(self.collection, ids=chunk.tolist())
        self._ids = np.setdiff1d(self._ids, present, assume_unique=True)
        return len(present)

    def _has(self, ids: I64Array) -> npt.NDArray[np.bool_]:
        if len(self._ids) == 0:
            return np.zeros(len(ids), dtype=bool)
        pos = np.clip(np.searchsorted(self._ids, ids), 0, len(self._ids) - 1)
        found: npt.NDArray[np.bool_] = self._ids[pos] == ids
        return found

    # ---------------------------------------------------------------- search
    def search(
        self, vectors: npt.ArrayLike, k: int, filter: npt.ArrayLike | None = None
    ) -> tuple[F32Array, I64Array]:
        """Top-``k`` by inner product, equal scores in id order (`tie_stable`, as FAISS):
        Milvus cuts a tie group in its own segment order, so a deeper fetch is sorted here."""
        q = query_vectors(vectors, self._dim, k)
        if k > MAX_TOPK:
            raise ValueError(f"k must be at most {MAX_TOPK} on Milvus, got {k}")
        allowed: I64Array | None = None
        if filter is not None:
            allowed = np.unique(np.asarray(filter, dtype=np.int64).reshape(-1))
            allowed = allowed[self._has(allowed)]
            if len(allowed) == len(self._ids):
                allowed = None  # nothing left out: an unfiltered search
        size = len(self._ids) if allowed is None else len(allowed)
        if size == 0:
            return _padded([[] for _ in q], [[] for _ in q], k)

        def fetch(rows: I64Array, kk: int) -> tuple[F32Array, I64Array]:
            return self._search_once(q[rows], kk, allowed)

        return tie_stable(fetch, len(q), k, min(size, MAX_TOPK))

    def _search_once(
        self, q: F32Array, k: int, allowed: I64Array | None
    ) -> tuple[F32Array, I64Array]:
        """One top-``k`` (``allowed``: the held ids let in, or None for all), the filter
        written the cheapest way."""
        n = len(self._ids)
        if allowed is None:
            return _padded(*self._search(q, min(k, n), None), k)
        if n - len(allowed) <= self.expr_ids:
            outside = np.setdiff1d(self._ids, allowed, assume_unique=True)
            expr = f"{_PK} not in {outside.tolist()}"
            return _padded(*self._search(q, min(k, len(allowed)), expr), k)
        if len(allowed) <= self.expr_ids:
            expr = f"{_PK} in {allowed.tolist()}"
            return _padded(*self._search(q, min(k, len(allowed)), expr), k)
        return _padded(*self._wide(q, k, allowed), k)

    def _wide(
        self, q: F32Array, k: int, allowed: I64Array
    ) -> tuple[list[I64Array], list[F32Array]]:
        """A filter too long to list either way: over-fetch, then chunks for the rest."""
        kk = min(k, len(allowed))
        share = len(allowed) / len(self._ids)
        ids: list[I64Array] = [np.zeros(0, dtype=np.int64)] * len(q)
        scores: list[F32Array] = [np.zeros(0, dtype=np.float32)] * len(q)
        short = np.arange(len(q))
        if share >= _WIDE_SHARE:
            fetch = min(len(self._ids), MAX_TOPK, math.ceil(kk / share * 1.5) + 32)
            got_ids, got_scores = self._search(q, fetch, None)
            for i, (row_ids, row_scores) in enumerate(zip(got_ids, got_scores, strict=True)):
                keep = np.isin(row_ids, allowed, assume_unique=True)
                ids[i], scores[i] = row_ids[keep], row_scores[keep]
            # a query has its answer once k allowed hits are in (or nothing was left unread)
            full = fetch >= len(self._ids)
            lacking = [i for i in range(len(q)) if len(ids[i]) < kk and not full]
            short = np.asarray(lacking, dtype=np.int64)
            log.debug("wide filter: %d of %d queries short at limit %d", len(short), len(q), fetch)
        if len(short):
            parts = [
                self._search(q[short], min(kk, len(c)), f"{_PK} in {c.tolist()}")
                for c in _chunks(allowed, self.expr_ids)
            ]
            for j, row in enumerate(short.tolist()):
                ids[row] = np.concatenate([p[0][j] for p in parts])
                scores[row] = np.concatenate([p[1][j] for p in parts])
        return ids, scores

    def _search(
        self, q: F32Array, limit: int, expr: str | None
    ) -> tuple[list[I64Array], list[F32Array]]:
        """One Milvus search: per query, the hits' ids and scores (unsorted, unpadded)."""
        client = self._ready()
        kwargs: dict[str, Any] = {"filter": expr} if expr else {}
        res = client.search(
            self.collection,
            data=q,
            limit=limit,
            anns_field=_VEC,
            output_fields=[_PK],
            search_params={"metric_type": "IP"},
            **kwargs,
        )
        ids = [
            np.fromiter((h["id"] for h in hits), dtype=np.int64, count=len(hits)) for hits in res
        ]
        scores = [
            np.fromiter((h["distance"] for h in hits), dtype=np.float32, count=len(hits))
            for hits in res
        ]
        return ids, scores

    # ---------------------------------------------------------------- files
    def save(self, path: Path) -> None:
        """Flush the collection, then point ``path`` at it (dropping a replaced one)."""
        path = Path(path)
        client = self._ready()
        client.flush(self.collection)
        before = _read_pointer(path) if path.exists() else None
        write_json_atomic(
            path,
            {
                "format": POINTER_FORMAT,
                "uri": self.uri,
                "collection": self.collection,
                "dim": self._dim,
                "index_type": self.index_type.value,
                "vectors": len(self),
            },
        )
        if before and before.get("uri") == self.uri and before["collection"] != self.collection:
            if client.has_collection(before["collection"]):
                client.drop_collection(before["collection"])
                log.info("dropped replaced Milvus collection %s", before["collection"])

    @classmethod
    def load(cls, path: Path, *, uri: str | None = None) -> MilvusIndex:
        """Reopen the collection ``path`` points at; ``uri``: the server it must be on (a
        pointer to another server is a ValueError, so the caller rebuilds)."""
        doc = _read_pointer(Path(path))
        if uri is not None and doc["uri"] != uri:
            raise ValueError(f"{path} points at Milvus {doc['uri']}, not the configured {uri}")
        index = cls(
            int(doc["dim"]),
            uri=str(doc["uri"]),
            collection=str(doc["collection"]),
            index_type=MilvusIndexType(doc["index_type"]),
        )
        client = index._connect()
        if not client.has_collection(index.collection):
            raise ValueError(f"{path}: Milvus {index.uri} has no collection {index.collection}")
        client.load_collection(index.collection)
        index._created = True
        index._ids = np.unique(np.fromiter(index._all_ids(), dtype=np.int64))
        return index

    def _all_ids(self) -> Iterator[int]:
        client = self._connect()
        it = client.query_iterator(
            self.collection, batch_size=MAX_TOPK, filter="", output_fields=[_PK]
        )
        try:
            while batch := it.next():
                yield from (int(row[_PK]) for row in batch)
        finally:
            it.close()


def _read_pointer(path: Path) -> dict[str, Any]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != POINTER_FORMAT:
        raise ValueError(f"{path} is not a Milvus index pointer ({POINTER_FORMAT})")
    return doc


def _chunks(ids: I64Array, size: int) -> Iterator[I64Array]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _padded(
    ids: Sequence[npt.ArrayLike], scores: Sequence[npt.ArrayLike], k: int
) -> tuple[F32Array, I64Array]:
    """Each query's hits as the protocol's (n, k) arrays: best first, ties by id, then
    (-inf, -1) padding."""
    out_scores = np.full((len(ids), k), -np.inf, dtype=np.float32)
    out_ids = np.full((len(ids), k), -1, dtype=np.int64)
    for i, (row_ids, row_scores) in enumerate(zip(ids, scores, strict=True)):
        r_ids = np.asarray(row_ids, dtype=np.int64)
        r_scores = np.asarray(row_scores, dtype=np.float32)
        order = np.lexsort((r_ids, -r_scores))[:k]
        out_ids[i, : len(order)] = r_ids[order]
        out_scores[i, : len(order)] = r_scores[order]
    return out_scores, out_ids
