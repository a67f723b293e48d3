"""All statement vectors of a catalog: one vector index per `Space`, kept in sync, and,
with a sparse encoder, the offers' sparse vectors beside them (`matcher.sparseset`).

With language centering on, the offers are also kept *plain* (uncentered, one more index
of the same size): `ask` compares a question with offers by plain e5 cosine, since the
centering that helps need → offer search cost free questions a third of their MRR on an
independent probe (issue 11; see `matcher.hybrid`).

Separate from the engine so that building, syncing and persisting vectors is one concern
and ranking another.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.db import Checkpoint
from embeddings.base import Encoder, F32Array, SparseTextEncoder
from matcher.distinct import DistinctIndex
from matcher.index import (
    FaissIVFIndex,
    IndexKind,
    VectorIndex,
    make_index,
    open_index,
    write_json_atomic,
)
from matcher.language import LanguageCentering
from matcher.profiles import Space, StatementTable, distinct_texts, encode_for
from matcher.sparseset import SparseStatements

__all__ = ["StatementIndex"]

log = logging.getLogger(__name__)

_MANIFEST = "manifest.json"
_OVERFETCH = 256  # up to this many excluded statements: search all, drop them afterwards

# An approximate statement index (`DistinctIndex`: IVF lists of the distinct vectors) scans
# this share of its lists per query, more than the knowledge lookups' 1/12. At 10⁵ generated
# organisations (51,721 distinct of 569,796 offer vectors) find_partners' top-10 recall vs
# the exact path, interleaved A/B: 1/6 0.955, 1/4 0.961, 1/3 0.969 at p50 26.4 / 27.8 /
# 28.4 ms (the IVF over every statement, 1/8 probed: 0.959 at 54.7 ms).
STATEMENT_PROBE_SHARE = 1 / 3

_CENTERING = "language_means.npz"
_PLAIN = "offers.plain.index"  # uncentered offer vectors (only while centering is on)


class StatementIndex:
    """Vectors for every statement in ``table``, searchable per space."""

    def __init__(
        self,
        table: StatementTable,
        encoder: Encoder,
        *,
        index_kind: IndexKind = IndexKind.AUTO,
        milvus_uri: str | None = None,
        centering: float = 0.5,
        sparse_encoder: SparseTextEncoder | None = None,
    ) -> None:
        self.table = table
        self.encoder = encoder
        self.index_kind = index_kind
        self.milvus_uri = milvus_uri  # IndexKind.MILVUS: the server (or lite folder) used
        self.centering = LanguageCentering(centering)
        self.sparse = SparseStatements(table, sparse_encoder) if sparse_encoder else None
        self.indexes: dict[Space, VectorIndex] = {}
        self.plain_: VectorIndex | None = None  # uncentered offers; None: centering is off
        self._ids_cache: dict[Space, npt.NDArray[np.int64]] = {}

    def __bool__(self) -> bool:
        return bool(self.indexes)

    def rows(self, space: Space) -> npt.NDArray[np.int64]:
        return np.flatnonzero(self.table.mask(space)).astype(np.int64)

    def encode(self, space: Space, texts: Sequence[str]) -> F32Array:
        """Vectors for texts as statements of ``space`` are encoded: prefix, then centering."""
        return self.centering.transform(space.value, texts, encode_for(self.encoder, space, texts))

    def encode_plain(self, space: Space, texts: Sequence[str]) -> F32Array:
        """Vectors for texts as statements of ``space`` are encoded, without centering."""
        return encode_for(self.encoder, space, texts)

    def _texts(self, rows: npt.NDArray[np.int64]) -> list[str]:
        return [self.table.texts[int(r)] for r in rows]

    def _new_index(self, size: int) -> VectorIndex:
        index = make_index(self.index_kind, self.encoder.dim, size, milvus_uri=self.milvus_uri)
        return _statement_probes(index)

    def _open_index(self, path: Path) -> VectorIndex:
        index = open_index(self.index_kind, path, milvus_uri=self.milvus_uri)
        return _statement_probes(index, path)

    def build(self) -> None:
        """Encode every statement (cache permitting), fit the language means, index."""
        for space in Space:
            rows = self.rows(space)
            # each distinct text once: the generated 10⁵ catalog's 569,796 offers are 51,721
            # texts, and an IVF index over the distinct vectors never needs the repeats
            texts, of_row = distinct_texts(self._texts(rows))
            raw = encode_for(self.encoder, space, texts)
            if len(rows):
                self.centering.fit(space.value, texts, raw, np.bincount(of_row))
            index = self._new_index(len(rows))
            if len(rows):
                centered = self.centering.transform(space.value, texts, raw)
                _upsert_shared(index, self.table.ids[rows], centered, of_row)
            self.indexes[space] = index
            if space is Space.OFFERS and self.centering.strength:
                self.plain_ = self._new_index(len(rows))
                if len(rows):
                    _upsert_shared(self.plain_, self.table.ids[rows], raw, of_row)
            log.info("indexed %d %s statements", len(rows), space.value)
        if self.sparse is not None:
            self.sparse.build()

    def sync(self) -> dict[str, int]:
        """Bring loaded indexes in line with the table: encode only what is new.

        The language means stay as fitted at build time, so old and new vectors agree.
        """
        added = removed = 0
        for space in Space:
            rows = self.rows(space)
            index = self.indexes.get(space) or self._new_index(len(rows))
            have = index.ids()
            stale = np.setdiff1d(have, self.table.ids[rows])
            removed += index.delete(stale) if len(stale) else 0
            new_rows = rows[~np.isin(self.table.ids[rows], have)]
            texts = self._texts(new_rows)
            raw = encode_for(self.encoder, space, texts) if len(new_rows) else None
            if raw is not None:
                index.upsert(
                    self.table.ids[new_rows], self.centering.transform(space.value, texts, raw)
                )
                added += len(new_rows)
            self.indexes[space] = index
            if space is Space.OFFERS and self.centering.strength:
                if self.plain_ is None:
                    self.plain_ = self._new_index(len(rows))
                self.plain_.delete(np.setdiff1d(self.plain_.ids(), self.table.ids[rows]))
                if raw is not None:
                    self.plain_.upsert(self.table.ids[new_rows], raw)
        if self.sparse is not None:
            self.sparse.sync()
        return {"added": added, "removed": removed}

    def search(
        self,
        space: Space,
        queries: F32Array,
        k: int,
        allowed: npt.NDArray[np.int64] | None,
        *,
        plain: bool = False,
        excluded: npt.NDArray[np.int64] | None = None,
    ) -> tuple[F32Array, npt.NDArray[np.int64]]:
        """(scores, statement rows), each (n, k); rows −1 where nothing was found.
        ``plain``: the uncentered offers (queries from `encode_plain`). ``excluded``
        instead of ``allowed``: the ids left out (cheaper when they are few)."""
        if not self.indexes:
            raise RuntimeError("the statement index is empty; build() or load() it first")
        index = self.indexes[space]
        if plain and space is Space.OFFERS and self.plain_ is not None:
            index = self.plain_
        k = max(1, min(k, len(index)))
        if not len(index):  # a catalog without statements of this space finds nothing
            n = len(queries)
            return np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, np.int64)
        if allowed is not None or excluded is not None:
            few, space_ids = max(_OVERFETCH, k), self._space_ids(space)
            # ``allowed`` holds distinct ids of this space, so a short list leaves many out
            # (then no set difference over the whole space is worth computing)
            if excluded is None and allowed is not None and len(space_ids) - len(allowed) <= few:
                excluded = np.setdiff1d(space_ids, allowed, assume_unique=True)
            if excluded is not None and len(excluded) <= few:
                scores, ids = _search_excluding(index, queries, k, excluded)
                return scores, self.table.rows_of(ids)
            if allowed is None and excluded is not None:
                allowed = np.setdiff1d(space_ids, excluded)
        scores, ids = index.search(queries, k, allowed)
        return scores, self.table.rows_of(ids)

    def search_excluding_many(
        self,
        space: Space,
        queries: Sequence[F32Array],
        k: int,
        excluded: Sequence[npt.NDArray[np.int64]],
    ) -> list[tuple[F32Array, npt.NDArray[np.int64]]]:
        """`search` of many query sets, each leaving its own few ids out, in one index
        search: what a batch of organisations asks (each query set without its own
        statements). Each answer equals its own `search(…, excluded=…)`: the first
        k + |excluded| hits of a search for more are that search's hits (ties in id order).
        """
        if len(queries) != len(excluded):
            raise ValueError(f"{len(queries)} query sets for {len(excluded)} exclusions")
        index = self.indexes.get(space)
        few = max(_OVERFETCH, k)
        group = [i for i, e in enumerate(excluded) if len(e) <= few]
        out: list[tuple[F32Array, npt.NDArray[np.int64]] | None] = [None] * len(queries)
        if index is not None and len(index) and len(group) > 1:
            k = max(1, min(k, len(index)))
            deepest = min(len(index), k + max(len(excluded[i]) for i in group))
            stacked = np.concatenate([queries[i] for i in group], axis=0)
            scores, ids = index.search(stacked, deepest, None)
            at = 0
            for i in group:
                n, kk = len(queries[i]), min(len(index), k + len(excluded[i]))
                part = scores[at : at + n, :kk], ids[at : at + n, :kk]
                s, got = _drop_excluded(*part, k, excluded[i])
                out[i] = (s, self.table.rows_of(got))
                at += n
        return [
            found if found is not None else self.search(space, q, k, None, excluded=e)
            for q, e, found in zip(queries, excluded, out, strict=True)
        ]

    def _space_ids(self, space: Space) -> npt.NDArray[np.int64]:
        """The ids of ``space``, sorted (through the table's id order: no sort per
        engine generation)."""
        ids = self._ids_cache.get(space)
        if ids is None:
            ids = self.table.sorted_ids(space)
            self._ids_cache[space] = ids
        return ids

    def save(self, folder: Path, checkpoint: Checkpoint | None = None) -> None:
        """Each file is replaced atomically and the manifest last, so a process killed
        between files leaves files that `load` still opens and syncs (``checkpoint`` names
        that moment for the kill -9 fault test: ``index.files_written``)."""
        folder.mkdir(parents=True, exist_ok=True)
        for space, index in self.indexes.items():
            index.save(folder / f"{space.value}.index")
        self.centering.save(folder / _CENTERING)
        if self.plain_ is not None:
            self.plain_.save(folder / _PLAIN)
        if self.sparse is not None:
            self.sparse.save(folder)
        if checkpoint is not None:
            checkpoint("index.files_written")
        write_json_atomic(folder / _MANIFEST, self._manifest())

    def _manifest(self) -> dict[str, Any]:
        return {
            "model_id": self.encoder.model_id,
            "dim": self.encoder.dim,
            "index_kind": self.index_kind.value,
            "language_centering": self.centering.strength,
            "statements": {s.value: len(i) for s, i in self.indexes.items()},
        }

    def identity(self) -> dict[str, Any]:
        """What the manifest records, and a digest of the language means (a rebuild refits
        them): vectors encoded through this index are the same while it is unchanged."""
        h = hashlib.sha256()
        for space, means in sorted(self.centering.means_.items()):
            h.update(f"{space}{means.shape}".encode())
            h.update(np.ascontiguousarray(means, dtype=np.float32).tobytes())
        return {**self._manifest(), "language_means": h.hexdigest()}

    def load(self, folder: Path) -> dict[str, int]:
        """Open saved indexes if they fit this encoder, then sync; else build from scratch."""
        try:
            doc = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
            fits = (
                doc.get("model_id") == self.encoder.model_id
                and doc.get("dim") == self.encoder.dim
                and doc.get("index_kind") == self.index_kind.value
                and doc.get("language_centering") == self.centering.strength
            )
            if fits:
                self.centering = LanguageCentering.load(folder / _CENTERING)
                if self.centering.strength:
                    self.plain_ = self._open_index(folder / _PLAIN)
                for space in Space:
                    path = folder / f"{space.value}.index"
                    self.indexes[space] = self._open_index(path)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            log.info("no usable index in %s (%s); building", folder, exc)
            fits = False
        if not fits:
            self.indexes.clear()
            self.build()
            return {"added": len(self.table), "removed": 0}
        if self.sparse is None:
            return self.sync()
        encoded = self.sparse.load(folder)["added"]
        return {**self.sync(), "sparse_encoded": encoded}  # sync syncs the sparse rows too


def _upsert_shared(
    index: VectorIndex, ids: npt.NDArray[np.int64], vectors: F32Array, rows: npt.NDArray[np.int64]
) -> None:
    """Statement ``ids[i]`` gets ``vectors[rows[i]]``: passed once per vector where the index
    keeps vectors distinct, repeated for any other."""
    if isinstance(index, DistinctIndex):
        index.upsert(ids, vectors, rows=rows)
    else:
        index.upsert(ids, vectors[rows])


def _statement_probes(index: VectorIndex, path: Path | None = None) -> VectorIndex:
    """``index``, if an IVF index: over the distinct vectors (`DistinctIndex`; ``path``: the
    file it was opened from, whose mapping is beside it), probing `STATEMENT_PROBE_SHARE`
    of the lists."""
    if not isinstance(index, FaissIVFIndex):
        return index
    index.probe_share = STATEMENT_PROBE_SHARE
    return DistinctIndex(index) if path is None else DistinctIndex.open(index, path)


def _search_excluding(
    index: VectorIndex, queries: F32Array, k: int, excluded: npt.NDArray[np.int64]
) -> tuple[F32Array, npt.NDArray[np.int64]]:
    """Top-k without a few excluded ids: search k + |excluded| unfiltered, drop them.

    Exactly the filtered search's answer — at most |excluded| of the first k + |excluded|
    hits can be dropped — without building a selector over the whole index per query.
    """
    kk = min(len(index), k + len(excluded))
    scores, ids = index.search(queries, kk, None)
    return _drop_excluded(scores, ids, k, excluded)


def _drop_excluded(
    scores: F32Array, ids: npt.NDArray[np.int64], k: int, excluded: npt.NDArray[np.int64]
) -> tuple[F32Array, npt.NDArray[np.int64]]:
    """The first k hits not in ``excluded`` (an unfiltered search's top k + |excluded|)."""
    keep = (ids >= 0) & ~np.isin(ids, excluded)
    order = np.argsort(~keep, axis=1, kind="stable")[:, :k]
    kept = np.take_along_axis(keep, order, axis=1)
    out_ids = np.where(kept, np.take_along_axis(ids, order, axis=1), -1).astype(np.int64)
    out_scores = np.where(kept, np.take_along_axis(scores, order, axis=1), -np.inf)
    if out_ids.shape[1] < k:  # fewer hits than k: pad like the index does
        pad = k - out_ids.shape[1]
        out_ids = np.pad(out_ids, ((0, 0), (0, pad)), constant_values=-1)
        out_scores = np.pad(out_scores, ((0, 0), (0, pad)), constant_values=-np.inf)
    return out_scores.astype(np.float32), out_ids
