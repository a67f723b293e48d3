"""A model-free encoder of hashed character bigrams: instant, deterministic, for trials.

`chainmatch --encoder hashing` uses it to try the pages and the CLI without the model; it
matches strings, not meanings, so it is never used to judge match quality.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from embeddings.base import F32Array, l2_normalise

__all__ = ["HashingEncoder"]


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
