"""An IVF statement index over *distinct* vectors: each statement maps to its vector's key.

Catalogs repeat statement texts (many companies "offer" the same product), and equal texts
give equal vectors. Searching every copy scans the same vector once per statement; this
index keeps each distinct vector once in a `FaissIVFIndex` (under a key of its own),
searches the keys, and expands each hit to its statements in id order. Its answers are
those of the tie-stable IVF index over all statements when every list is probed: a
statement scores what its vector scores, and equal scores are cut by statement id.

Writes stay incremental: a statement whose vector is already held only adds a mapping; a
deleted statement removes its mapping, and its vector only when no statement is left on it.
Vectors are recognised by a 128-bit digest of their bytes (built lazily after a load, by
reading the held vectors back). Keys are never reused, so a saved mapping whose keys are
the saved IVF's ids describes that IVF's vectors.

Example usage::

    index = DistinctIndex(FaissIVFIndex(384))
    index.upsert(statement_ids, vectors)       # 569,796 statements, 51,721 vectors (10⁵ orgs)
    scores, ids = index.search(queries, 200, filter=allowed_statement_ids)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array
from matcher.index_io import (
    TIE_MARGIN,
    I64Array,
    IndexKind,
    as_vectors,
    atomic_write,
    check_ids,
    check_vectors,
    in_sorted,
    query_vectors,
)
from matcher.ivf import FaissIVFIndex
from matcher.scoring import spans

__all__ = ["DistinctIndex", "distinct_share"]

_KEYS = ".keys.npz"  # beside the IVF file: the statement → key mapping
_PREPARED = 4  # wide filters kept converted to keys (ask sends the same language lists)
_PREPARE_ABOVE = 20_000
_WIDEN = 4


@dataclass
class _Filter:
    raw: I64Array
    allowed: I64Array  # held statement ids, sorted
    keys: I64Array  # the keys of those statements, sorted, distinct


def distinct_share(vectors: F32Array) -> float:
    """Distinct rows of ``vectors`` over all rows (1.0: no repeats)."""
    if not len(vectors):
        return 1.0
    return len(np.unique(_rows(vectors))) / len(vectors)


def _rows(vec: F32Array) -> npt.NDArray[np.void]:
    vec = np.ascontiguousarray(vec, dtype=np.float32)
    return vec.view(np.dtype((np.void, vec.shape[1] * 4))).ravel()


def _digest(row: F32Array) -> bytes:
    return hashlib.blake2b(np.ascontiguousarray(row).tobytes(), digest_size=16).digest()


class DistinctIndex:
    """Statements over a `FaissIVFIndex` of their distinct vectors (`VectorIndex`)."""

    kind = IndexKind.FAISS_IVF

    def __init__(self, inner: FaissIVFIndex) -> None:
        self.inner = inner
        self._ids = np.zeros(0, dtype=np.int64)  # statement ids, sorted
        self._keys = np.zeros(0, dtype=np.int64)  # each statement's key (parallel to _ids)
        self._post_keys = self._post_ids = self._ids  # sorted by (key, id): the expansion
        self._next_key = 0
        self._by_digest: dict[bytes, int] | None = None  # None: not built since the load
        self._digest_of: dict[int, bytes] = {}
        self._prepared: list[_Filter] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> I64Array:
        return self._ids.copy()

    def vectors_held(self) -> int:
        """Distinct vectors in the IVF index."""
        return len(self.inner)

    # ------------------------------------------------------------------ writes
    def upsert(
        self, ids: npt.ArrayLike, vectors: npt.ArrayLike, *, rows: npt.ArrayLike | None = None
    ) -> None:
        """``rows``: statement ``ids[i]`` has vector ``vectors[rows[i]]``, so a vector many
        statements share is passed once (a build at 10⁶ organisations need not hold ≈ 6·10⁶
        rows of ≈ 2·10⁵ distinct offers); the index is the same as with the rows repeated."""
        if rows is None:
            id_arr, vec = check_vectors(ids, vectors, self.dim)
            pick = None
        else:
            vec = as_vectors(vectors, self.dim)
            pick = np.asarray(rows, dtype=np.int64).reshape(-1)
            id_arr = check_ids(ids, len(pick), "rows")
            if len(pick) and (pick.min() < 0 or pick.max() >= len(vec)):
                raise ValueError(f"rows must lie in [0, {len(vec)}), one per id")
            if len(np.unique(pick)) != len(vec):
                raise ValueError("every vector must be the row of at least one id")
        if len(id_arr) == 0:
            return
        self._remove(id_arr)  # an upsert replaces
        by_digest = self._digests()
        _, first, inverse = np.unique(_rows(vec), return_index=True, return_inverse=True)
        batch_keys = np.empty(len(first), dtype=np.int64)
        new: list[int] = []
        for j, row in enumerate(first.tolist()):
            digest = _digest(vec[row])
            key = by_digest.get(digest)
            if key is None:
                key, self._next_key = self._next_key, self._next_key + 1
                by_digest[digest], self._digest_of[key] = key, digest
                new.append(j)
            batch_keys[j] = key
        if new:
            self.inner.upsert(batch_keys[new], vec[first[new]])
        ids_all = np.concatenate([self._ids, id_arr])
        vec_keys = batch_keys[inverse.reshape(-1)]
        keys_all = np.concatenate([self._keys, vec_keys if pick is None else vec_keys[pick]])
        order = np.argsort(ids_all, kind="stable")
        self._set(ids_all[order], keys_all[order])

    def delete(self, ids: npt.ArrayLike) -> int:
        return self._remove(np.unique(np.asarray(ids, dtype=np.int64).reshape(-1)))

    def _remove(self, ids: I64Array) -> int:
        gone = in_sorted(self._ids, np.unique(ids))
        if not gone.any():
            return 0
        keys = np.unique(self._keys[gone])
        self._set(self._ids[~gone], self._keys[~gone])
        emptied = keys[~in_sorted(keys, self._post_keys)]  # no statement left on these
        if len(emptied):
            self.inner.delete(emptied)
            if self._by_digest is not None:
                for key in emptied.tolist():
                    self._by_digest.pop(self._digest_of.pop(key), None)
        return int(gone.sum())

    def _set(self, ids: I64Array, keys: I64Array) -> None:
        order = np.lexsort((ids, keys))
        self._ids, self._keys = ids, keys
        self._post_keys, self._post_ids = keys[order], ids[order]
        self._prepared = []

    def _digests(self) -> dict[bytes, int]:
        """Digest → key of every held vector (read back once after a load)."""
        if self._by_digest is None:
            keys = self.inner.ids()
            vecs = self.inner.vectors(keys) if len(keys) else np.zeros((0, self.dim))
            self._digest_of = {int(k): _digest(v) for k, v in zip(keys, vecs, strict=True)}
            self._by_digest = {d: k for k, d in self._digest_of.items()}
        return self._by_digest

    # ------------------------------------------------------------------ search
    def search(
        self, vectors: npt.ArrayLike, k: int, filter: npt.ArrayLike | None = None
    ) -> tuple[F32Array, I64Array]:
        """Top-k statements: the top keys, each expanded to its (allowed) statements, equal
        scores in statement-id order; keys fetched four times deeper while the k-th
        statement's score equals the last key's (a tie group may go on past it)."""
        q = query_vectors(vectors, self.dim, k)
        out_s = np.full((len(q), k), -np.inf, dtype=np.float32)
        out_i = np.full((len(q), k), -1, dtype=np.int64)
        allowed: I64Array | None = None
        key_filter: I64Array | None = None
        if filter is not None:
            prepared = self._prepare(np.asarray(filter, dtype=np.int64).reshape(-1))
            if len(prepared.allowed) < len(self._ids):
                allowed, key_filter = prepared.allowed, prepared.keys
        held = len(self.inner) if key_filter is None else len(key_filter)
        if held == 0:
            return out_s, out_i
        exact = None
        if allowed is not None:  # the statement index's choice, so scores round alike
            share = len(allowed) / len(self._ids)
            exact = len(allowed) <= max(self.inner.exact_limit, k) or share < 0.02
        rows = np.arange(len(q))
        m = min(k, held)  # k keys hold at least k (allowed) statements
        while len(rows):
            # distinct vectors rarely tie, so the first fetch stops at m + TIE_MARGIN, not
            # 4m (a batch's shared search at 10⁵: ≈ 25 % of its FAISS time was heap work)
            key_s, keys = self.inner.search(
                q[rows], m, key_filter, exact=exact, first=m + TIE_MARGIN
            )
            s, i, counts = self._expand(key_s, keys, allowed, k)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            take = np.minimum(counts, k)
            for j, row in enumerate(rows.tolist()):
                lo = starts[j]
                out_s[row, : take[j]] = s[lo : lo + take[j]]
                out_i[row, : take[j]] = i[lo : lo + take[j]]
            if m >= held:
                break
            last = key_s[:, -1]
            exhausted = keys[:, -1] < 0
            cut = out_s[rows, k - 1]
            open_ended = ~exhausted & ((counts < k) | (cut <= last))
            rows, m = rows[open_ended], min(_WIDEN * m, held)
        return out_s, out_i

    def _expand(
        self, key_s: F32Array, keys: I64Array, allowed: I64Array | None, k: int
    ) -> tuple[F32Array, I64Array, npt.NDArray[np.int64]]:
        """Each row's hit keys as statements sorted by (−score, id), rows one after the
        other, and each row's count. Unfiltered, a row's keys scoring below its k-th
        statement stay unexpanded: at 10⁵ organisations a key holds 11 statements on
        average, and expanding all of them was a tenth of a batch's search."""
        flat = keys.reshape(-1)
        lo = np.searchsorted(self._post_keys, flat, side="left")
        hi = np.searchsorted(self._post_keys, flat, side="right")
        per = np.where(flat >= 0, hi - lo, 0)
        if allowed is None and keys.shape[1]:  # keys come in (−score, key) order
            reach = np.cumsum(per.reshape(keys.shape), axis=1) >= k
            at = np.where(reach.any(axis=1), reach.argmax(axis=1), keys.shape[1] - 1)
            kth = key_s[np.arange(len(keys)), at]  # the k-th statement's score (ties kept)
            per = np.where((key_s >= kth[:, None]).reshape(-1), per, 0)
        ids = self._post_ids[spans(lo, per)]
        scores = np.repeat(key_s.reshape(-1), per).astype(np.float32)
        row = np.repeat(np.repeat(np.arange(len(keys)), keys.shape[1]), per)
        if allowed is not None:
            keep = in_sorted(ids, allowed)
            ids, scores, row = ids[keep], scores[keep], row[keep]
        order = np.lexsort((ids, -scores, row))
        counts = np.bincount(row, minlength=len(keys)).astype(np.int64)
        return scores[order], ids[order], counts

    def _prepare(self, raw: I64Array) -> _Filter:
        """``raw``'s held statements and their keys; a wide filter seen before comes back
        converted (recognised by content, as `FaissIVFIndex` recognises its filters)."""
        for seen in reversed(self._prepared):
            if len(seen.raw) == len(raw) and np.array_equal(seen.raw, raw):
                return seen
        ids = np.unique(raw)
        pos = np.clip(np.searchsorted(self._ids, ids), 0, max(len(self._ids) - 1, 0))
        held = self._ids[pos] == ids if len(self._ids) else np.zeros(len(ids), dtype=bool)
        prepared = _Filter(raw, ids[held], np.unique(self._keys[pos[held]]))
        if len(raw) > _PREPARE_ABOVE:
            prepared.raw = raw.copy()
            self._prepared = [*self._prepared[-(_PREPARED - 1) :], prepared]
        return prepared

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        """The IVF file at ``path``, the mapping beside it (``<path>.keys.npz``)."""
        path = Path(path)

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.savez(fh, ids=self._ids, keys=self._keys, next_key=self._next_key)

        atomic_write(_keys_path(path), write)
        self.inner.save(path)

    @classmethod
    def open(cls, inner: FaissIVFIndex, path: Path) -> DistinctIndex:
        """``inner`` (opened from ``path``) with its saved mapping; a mapping that does not
        describe ``inner``'s vectors (a save cut short between the files) is a ValueError."""
        with np.load(_keys_path(Path(path))) as doc:
            ids, keys, next_key = doc["ids"], doc["keys"], int(doc["next_key"])
        if not np.array_equal(np.unique(keys), inner.ids()):
            raise ValueError(f"{path}: the statement mapping does not match the vectors")
        index = cls(inner)
        index._next_key = next_key
        index._set(ids.astype(np.int64), keys.astype(np.int64))
        return index

    def copy(self, inner: FaissIVFIndex) -> DistinctIndex:
        """An independent copy over ``inner``, a copy of this index's IVF (compaction)."""
        out = DistinctIndex(inner)
        out._next_key = self._next_key
        out._set(self._ids, self._keys)  # replaced, never mutated, on change
        if self._by_digest is not None:
            out._by_digest, out._digest_of = dict(self._by_digest), dict(self._digest_of)
        return out


def _keys_path(path: Path) -> Path:
    return path.with_name(path.name + _KEYS)
