"""Embedding cache keyed by model id and text hash: an unchanged statement is encoded once.

Dense vectors (`CachedEncoder`) and sparse ones (`CachedSparseEncoder`, the SAE head's
latent terms) sit in two tables of the same SQLite file, each under its encoder's model id.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from embeddings.base import (
    Encoder,
    F32Array,
    Prefix,
    PrefixedEncoder,
    SparseEntries,
    SparseTextEncoder,
)

__all__ = ["CachedEncoder", "CachedSparseEncoder", "EmbeddingCache", "text_key"]

T = TypeVar("T")
_CHUNK = 500  # keys per statement (SQLite allows 32,766 variables) and rows per transaction


def text_key(prefix: Prefix | None, text: str) -> bytes:
    """The cache key of ``text`` as encoded with ``prefix`` (None: the raw text, as the
    sparse head reads it)."""
    return hashlib.sha256(((prefix.value if prefix else "") + text).encode("utf-8")).digest()


class EmbeddingCache:
    """A SQLite table of float32 vectors; safe to share between threads of one process."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors ("
            " model_id TEXT NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL,"
            " PRIMARY KEY (model_id, key)) WITHOUT ROWID"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sparse_vectors ("
            " model_id TEXT NOT NULL, key BLOB NOT NULL, idx BLOB NOT NULL, val BLOB NOT NULL,"
            " PRIMARY KEY (model_id, key)) WITHOUT ROWID"
        )
        self._db.commit()

    def _select(self, sql: str, model_id: str, keys: Sequence[bytes]) -> list[tuple[bytes, ...]]:
        """Rows of ``sql`` (``… WHERE model_id = ? AND key IN ({marks})``) for ``keys``, the
        lock held for one chunk's statement at a time: a refit reading 10⁵ vectors must not
        hold off a write's few (seen: a write's publish waiting 3.8 s at 10⁵ organisations),
        and the rows are decoded outside it."""
        rows: list[tuple[bytes, ...]] = []
        for start in range(0, len(keys), _CHUNK):
            chunk = list(keys[start : start + _CHUNK])
            query = sql.format(marks=",".join("?" * len(chunk)))
            with self._lock:
                rows.extend(self._db.execute(query, [model_id, *chunk]).fetchall())
        return rows

    def _insert(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        """``executemany`` a chunk per transaction (a cache: a chunk written alone is never
        wrong), so a large write holds the lock one chunk at a time."""
        for start in range(0, len(rows), _CHUNK):
            with self._lock, self._db:
                self._db.executemany(sql, rows[start : start + _CHUNK])

    def get_many(self, model_id: str, keys: Sequence[bytes], dim: int) -> dict[bytes, F32Array]:
        found: dict[bytes, F32Array] = {}
        sql = "SELECT key, vec FROM vectors WHERE model_id = ? AND key IN ({marks})"
        for key, blob in self._select(sql, model_id, keys):
            vec = np.frombuffer(blob, dtype=np.float32)
            if vec.shape == (dim,):
                found[bytes(key)] = vec
        return found

    def put_many(self, model_id: str, items: Sequence[tuple[bytes, F32Array]]) -> None:
        self._insert(
            "INSERT OR REPLACE INTO vectors (model_id, key, vec) VALUES (?, ?, ?)",
            [(model_id, k, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for k, v in items],
        )

    def get_sparse_many(self, model_id: str, keys: Sequence[bytes]) -> dict[bytes, SparseEntries]:
        """Stored sparse vectors of ``keys`` (latent ids int32, weights float32)."""
        found: dict[bytes, SparseEntries] = {}
        sql = "SELECT key, idx, val FROM sparse_vectors WHERE model_id = ? AND key IN ({marks})"
        for key, idx, val in self._select(sql, model_id, keys):
            ids = np.frombuffer(idx, dtype=np.int32)
            weights = np.frombuffer(val, dtype=np.float32)
            if ids.shape == weights.shape:
                found[bytes(key)] = (ids, weights)
        return found

    def put_sparse_many(self, model_id: str, items: Sequence[tuple[bytes, SparseEntries]]) -> None:
        self._insert(
            "INSERT OR REPLACE INTO sparse_vectors (model_id, key, idx, val) VALUES (?, ?, ?, ?)",
            [
                (
                    model_id,
                    k,
                    np.ascontiguousarray(i, dtype=np.int32).tobytes(),
                    np.ascontiguousarray(v, dtype=np.float32).tobytes(),
                )
                for k, (i, v) in items
            ],
        )

    def count(self, model_id: str | None = None) -> int:
        with self._lock:
            if model_id is None:
                row = self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()
            else:
                sql = "SELECT COUNT(*) FROM vectors WHERE model_id = ?"
                row = self._db.execute(sql, (model_id,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _read_through(
    keys: Sequence[bytes],
    texts: Sequence[str],
    get: Callable[[list[bytes]], dict[bytes, T]],
    compute: Callable[[list[str]], Sequence[T]],
    put: Callable[[list[tuple[bytes, T]]], None],
) -> tuple[dict[bytes, T], dict[bytes, str]]:
    """Read-through cache shared by the dense and the sparse encoder: what the cache holds,
    the distinct misses computed once and stored. Returns (every key's value, the misses)."""
    found = get(list(keys))
    missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
    if missing:
        new = list(zip(missing, compute(list(missing.values())), strict=True))
        put(new)
        found.update(new)
    return found, missing


class CachedEncoder:
    """An `Encoder` that asks the cache first and encodes only the misses."""

    def __init__(self, inner: Encoder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _encode(self, prefix: Prefix, texts: Sequence[str]) -> F32Array:
        inner = self.inner.encode_queries if prefix is Prefix.QUERY else self.inner.encode_passages
        return self._through([text_key(prefix, t) for t in texts], texts, inner)

    def encode_mixed(self, items: Sequence[tuple[Prefix, str]]) -> F32Array:
        """Rows for texts of either prefix in one model call: a catalog write brings a few
        statements for each of three spaces, and a forward pass of a few short texts costs
        about what one of six costs (torch, one thread: 54 ms for 1, 105 ms for 6)."""
        prefixed = [p.value + t for p, t in items]
        if isinstance(self.inner, PrefixedEncoder):
            embed = self.inner.embed_prefixed
            return self._through([text_key(None, t) for t in prefixed], prefixed, embed)
        out = np.empty((len(items), self.dim), dtype=np.float32)
        for prefix in Prefix:
            rows = [i for i, (p, _) in enumerate(items) if p is prefix]
            if rows:
                out[rows] = self._encode(prefix, [items[i][1] for i in rows])
        return out

    def _through(
        self, keys: list[bytes], texts: Sequence[str], inner: Callable[[list[str]], F32Array]
    ) -> F32Array:
        found, missing = _read_through(
            keys,
            texts,
            lambda ks: self.cache.get_many(self.model_id, ks, self.dim),
            lambda todo: list(inner(todo)),
            lambda new: self.cache.put_many(self.model_id, new),
        )
        self.hits += sum(1 for k in keys if k not in missing)
        self.misses += len(missing)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def encode_queries(self, texts: Sequence[str]) -> F32Array:
        return self._encode(Prefix.QUERY, texts)

    def encode_passages(self, texts: Sequence[str]) -> F32Array:
        return self._encode(Prefix.PASSAGE, texts)


class CachedSparseEncoder:
    """A `SparseTextEncoder` that asks the cache first and encodes only the misses (its
    texts are keyed raw: the sparse recipe adds no prefix)."""

    def __init__(self, inner: SparseTextEncoder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_entries(self, texts: Sequence[str]) -> list[SparseEntries]:
        keys = [text_key(None, t) for t in texts]
        found, missing = _read_through(
            keys,
            texts,
            lambda ks: self.cache.get_sparse_many(self.model_id, ks),
            self.inner.encode_entries,
            lambda new: self.cache.put_sparse_many(self.model_id, new),
        )
        self.hits += sum(1 for k in keys if k not in missing)
        self.misses += len(missing)
        return [found[k] for k in keys]
