"""A deterministic stand-in encoder so retrieval logic is tested without a model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from embeddings.base import F32Array, l2_normalise

__all__ = ["FakeEncoder"]


class FakeEncoder:
    """Keyword one-hot dimensions plus hashed character bigrams.

    Texts that share a keyword (or a synonym group, given as ``"芯片|chip"``) land on the
    same axis, so tests can state exactly which texts must match. Everything else falls
    into hashed bigram dimensions, which gives a weak, stable string similarity.
    """

    def __init__(self, keywords: Sequence[str] = (), dim: int = 64, bigram_weight: float = 0.1):
        self.keywords = tuple(keywords)
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

    def _one(self, text: str) -> np.ndarray:
        if len(self.keywords) >= self._dim:
            raise ValueError(f"{len(self.keywords)} keywords do not fit in dim={self._dim}")
        vec = np.zeros(self._dim, dtype=np.float32)
        low = text.lower()
        for i, group in enumerate(self.keywords):
            if any(word.lower() in low for word in group.split("|")):
                vec[i] = 1.0
        free = self._dim - len(self.keywords)
        for a, b in zip(low, low[1:], strict=False):
            h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest(), "big")
            vec[len(self.keywords) + h % free] += self.bigram_weight
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
