"""A model-free encoder of hashed character bigrams: instant, deterministic, for trials.

`chainmatch --encoder hashing` uses it to try the pages and the CLI without the model; it
matches strings, not meanings, so it is never used to judge match quality.
`HashingSparseEncoder` is its sparse counterpart (hashed characters and bigrams as latent
terms), the stand-in for the SAE head in tests and with ``--encoder hashing``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from embeddings.base import F32Array, SparseEntries, l2_normalise

__all__ = ["HashingEncoder", "HashingSparseEncoder"]


def _bucket(gram: str, size: int) -> int:
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "big") % size


class HashingEncoder:
    """Hashed character bigrams in ``dim`` dimensions, L2-normalised."""

    def __init__(self, dim: int = 256, bigram_weight: float = 0.1) -> None:
        self._dim = dim
        self.bigram_weight = bigram_weight
        self.calls = 0
        self.texts_encoded = 0

    @property
    def model_id(self) -> str:
        return f"hashing-bigrams-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _bigrams(self, vec: np.ndarray, text: str, offset: int) -> None:
        """Add ``text``'s hashed bigrams to ``vec[offset:]``."""
        free = self._dim - offset
        for a, b in zip(text, text[1:], strict=False):
            h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "big")
            vec[offset + h % free] += self.bigram_weight

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, dtype=np.float32)
        self._bigrams(vec, text.lower(), 0)
        return vec

    def _encode(self, texts: Sequence[str]) -> F32Array:
        self.calls += 1
        self.texts_encoded += len(texts)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return l2_normalise(np.stack([self._one(t) for t in texts]))

    def encode_queries(self, texts: Sequence[str]) -> F32Array:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> F32Array:
        return self._encode(texts)


class HashingSparseEncoder:
    """Hashed characters and character bigrams as ``dim`` latent terms, weight = count:
    deterministic and model-free, the same recipe for questions and statements."""

    def __init__(self, dim: int = 4096) -> None:
        self._dim = dim
        self.texts_encoded = 0

    @property
    def model_id(self) -> str:
        return f"hashing-sparse-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def encode_entries(self, texts: Sequence[str]) -> list[SparseEntries]:
        self.texts_encoded += len(texts)
        out: list[SparseEntries] = []
        for text in texts:
            low = "".join(text.lower().split())
            counts: dict[int, float] = {}
            for gram in [*low, *(a + b for a, b in zip(low, low[1:], strict=False))]:
                j = _bucket(gram, self._dim)
                counts[j] = counts.get(j, 0.0) + 1.0
            ids = np.asarray(sorted(counts, key=lambda j: (-counts[j], j)), dtype=np.int32)
            out.append((ids, np.asarray([counts[int(j)] for j in ids], dtype=np.float32)))
        return out
