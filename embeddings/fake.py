"""A deterministic stand-in encoder so retrieval logic is tested without a model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embeddings.hashing import HashingEncoder

__all__ = ["FakeEncoder"]


class FakeEncoder(HashingEncoder):
    """Keyword one-hot dimensions plus hashed character bigrams.

    Texts that share a keyword (or a synonym group, given as ``"芯片|chip"``) land on the
    same axis, so tests can state exactly which texts must match. Everything else falls
    into hashed bigram dimensions, which gives a weak, stable string similarity. With no
    keywords it encodes exactly like `HashingEncoder`.
    """

    def __init__(self, keywords: Sequence[str] = (), dim: int = 64, bigram_weight: float = 0.1):
        if len(keywords) >= dim:
            raise ValueError(f"{len(keywords)} keywords do not fit in dim={dim}")
        super().__init__(dim=dim, bigram_weight=bigram_weight)
        self.keywords = tuple(keywords)

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        low = text.lower()
        for i, group in enumerate(self.keywords):
            if any(word.lower() in low for word in group.split("|")):
                vec[i] = 1.0
        self._bigrams(vec, low, len(self.keywords))
        return vec
