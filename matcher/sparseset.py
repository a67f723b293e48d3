"""Sparse statement vectors beside the dense ones: the sparse head's latent terms of every
statement of a space, one CSR matrix per space.

Rows follow the space's statements in `StatementTable` order and are unit length, so one
sparse product gives every statement's cosine to a question (`scores`), and `best_per_org`
reduces them to each organisation's best statement, as `matcher.scoring.best_per_org` does
for the dense hits. Texts are encoded through the encoder given (the engine passes the
cached one: a warm run reads them from the embedding cache); `save` / `load` keep the
matrix beside the dense indexes, and `sync` re-encodes only new statements.

Scale: the A-share catalog's 38,090 offer statements hold 256 latents each (top-k of the
head): 9.8 M non-zeros, 78 MB as CSR, and one question costs one sparse × sparse product
over the rows (a few ms). The matrix grows linearly with statements: 10⁶ organisations of
about ten statements each would hold 2.6 × 10⁹ non-zeros (≈ 20 GB as CSR). At that size the
same vectors go into an inverted index instead — latent → (statement, weight) postings,
ordered by weight, queried with WAND / block-max pruning so a question reads only the
postings of its own latents — sharded by organisation like the dense index (Milvus's
sparse inverted index behind the same seam), and the stored top-k can drop from 256 to
64 latents per statement with float16 weights (≈ 4 × smaller).

Example usage::

    sparse = SparseStatements(table, HashingSparseEncoder()).build()
    scores, rows = sparse.best_per_org(Space.OFFERS, sparse.encode(["液氨"]), n_orgs, None)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.base import F32Array, SparseTextEncoder
from embeddings.sparse import l2_normalise_rows, to_csr
from matcher.index import I64Array, write_json_atomic
from matcher.profiles import Space, StatementTable, distinct_texts
from matcher.sparserows import dense_product, plain_csr

__all__ = ["SparseStatements"]

log = logging.getLogger(__name__)

_MANIFEST = "sparse_manifest.json"


def _atomic(path: Path, write: Callable[[Any], None]) -> None:
    """Write through a temporary file and rename, as the dense indexes are written."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        write(fh)
    os.replace(tmp, path)


class SparseStatements:
    """Unit sparse vectors of the statements of ``spaces`` (default: offers, what questions
    and needs are matched against)."""

    def __init__(
        self,
        table: StatementTable,
        encoder: SparseTextEncoder,
        spaces: Sequence[Space] = (Space.OFFERS,),
    ) -> None:
        self.table = table
        self.encoder = encoder
        self.spaces = tuple(spaces)
        self.matrices_: dict[Space, Any] = {}  # CSR, or `StackedRows` in a generation
        self.rows_: dict[Space, I64Array] = {}  # table row of each matrix row

    def __bool__(self) -> bool:
        return bool(self.matrices_)

    def encode(self, texts: Sequence[str]) -> Any:
        """Unit CSR rows of ``texts`` (a question's, or needs')."""
        return l2_normalise_rows(to_csr(self.encoder.encode_entries(list(texts)), self.encoder.dim))

    def _rows(self, space: Space) -> I64Array:
        return np.flatnonzero(self.table.mask(space)).astype(np.int64)

    def build(self) -> SparseStatements:
        for space in self.spaces:
            rows = self._rows(space)
            # each distinct text encoded once, its row repeated by scipy: a Python list of
            # every statement's entries took ≈ 10 GB at 10⁶ organisations
            texts, of_row = distinct_texts([self.table.texts[int(r)] for r in rows])
            self.matrices_[space] = self.encode(texts)[of_row]
            self.rows_[space] = rows
            log.info("sparse-encoded %d %s statements", len(rows), space.value)
        return self

    def scores(self, space: Space, queries: Any) -> F32Array:
        """Cosine of every statement of ``space`` (rows) to every query (columns)."""
        return dense_product(self.matrices_[space], queries)

    def packed(self) -> SparseStatements:
        """The same rows, each space's matrix one CSR again (a generation's compaction)."""
        out = SparseStatements(self.table, self.encoder, self.spaces)
        out.matrices_ = {s: plain_csr(m) for s, m in self.matrices_.items()}
        out.rows_ = dict(self.rows_)
        return out

    def best_per_org(
        self, space: Space, query: Any, n_orgs: int, allowed: I64Array | None
    ) -> tuple[F32Array, I64Array]:
        """For one query row: each organisation's best cosine (−inf: not allowed, or no
        statement in ``space``) and the table row of that statement (−1: none)."""
        if query.shape[0] != 1:
            raise ValueError(f"one query at a time, got {query.shape[0]}")
        cos = self.scores(space, query)[:, 0]
        rows = self.rows_[space]
        owner = self.table.org[rows].astype(np.int64)
        keep = np.ones(len(rows), dtype=bool)
        if allowed is not None:
            keep = np.isin(owner, allowed)
        best = np.full(n_orgs, -np.inf, dtype=np.float32)
        best_row = np.full(n_orgs, -1, dtype=np.int64)
        idx = np.flatnonzero(keep)
        if len(idx):
            order = idx[np.lexsort((rows[idx], -cos[idx], owner[idx]))]  # by org, best first
            first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
            best[owner[first]] = cos[first]
            best_row[owner[first]] = rows[first]
        return best, best_row

    # -------------------------------------------------------------- persistence
    def save(self, folder: Path) -> None:
        from scipy.sparse import save_npz  # type: ignore[import-untyped]

        folder.mkdir(parents=True, exist_ok=True)
        for space, matrix in self.matrices_.items():
            ids = self.table.ids[self.rows_[space]]
            csr = plain_csr(matrix)
            _atomic(folder / f"{space.value}.sparse.npz", partial(save_npz, matrix=csr))
            _atomic(folder / f"{space.value}.sparse_ids.npy", partial(np.save, arr=ids))
        write_json_atomic(
            folder / _MANIFEST,
            {"model_id": self.encoder.model_id, "dim": self.encoder.dim},
        )

    def load(self, folder: Path) -> dict[str, int]:
        """Reuse saved rows whose statements are still in the table, encode the others;
        everything is encoded when nothing saved fits this encoder."""
        from scipy.sparse import load_npz

        try:
            doc = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
            fits = doc.get("model_id") == self.encoder.model_id
        except (OSError, ValueError) as exc:
            log.info("no usable sparse vectors in %s (%s)", folder, exc)
            fits = False
        added = 0
        for space in self.spaces:
            saved: tuple[Any, I64Array] | None = None
            if fits:
                try:
                    matrix = load_npz(folder / f"{space.value}.sparse.npz").tocsr()
                    saved = (matrix, np.load(folder / f"{space.value}.sparse_ids.npy"))
                except (OSError, ValueError) as exc:
                    log.info("sparse %s vectors unreadable (%s); encoding", space.value, exc)
            added += self._align(space, saved)
        return {"added": added}

    def sync(self) -> dict[str, int]:
        """Bring the matrices in line with the table: encode only new statements."""
        added = 0
        for space in self.spaces:
            saved = None
            if space in self.matrices_:
                saved = (self.matrices_[space], self.table.ids[self.rows_[space]])
            added += self._align(space, saved)
        return {"added": added}

    def _align(self, space: Space, saved: tuple[Any, I64Array] | None) -> int:
        """Rows for the table's statements of ``space``: from ``saved`` (matrix, statement
        ids) where it has them, encoded where not. Returns how many were encoded."""
        from scipy.sparse import vstack

        rows = self._rows(space)
        want = self.table.ids[rows]
        unchanged = saved is not None and getattr(saved[0], "dtype", None) == np.float32
        if saved is not None and unchanged and np.array_equal(saved[1], want):  # 10 s at 10⁵
            self.matrices_[space] = saved[0]
            self.rows_[space] = rows
            return 0
        pos = {int(s): i for i, s in enumerate(saved[1])} if saved is not None else {}
        have = np.asarray([pos.get(int(s), -1) for s in want], dtype=np.int64)
        new = np.flatnonzero(have < 0)
        old = np.flatnonzero(have >= 0)
        parts = [self.encode([self.table.texts[int(rows[i])] for i in new])]
        if saved is not None and len(old):
            parts.insert(0, saved[0][have[old]])
        stacked = vstack(parts).tocsr() if len(parts) > 1 else parts[0]
        perm = np.empty(len(rows), dtype=np.int64)
        perm[np.concatenate([old, new]) if len(parts) > 1 else new] = np.arange(len(rows))
        self.matrices_[space] = stacked[perm].tocsr().astype(np.float32)
        self.rows_[space] = rows
        return len(new)
