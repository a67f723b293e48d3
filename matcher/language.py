"""Language centering: take the "this text is Chinese / English" direction out of vectors.

Small multilingual encoders put texts of one language close together whatever they say, so
an English question finds English offers before the Chinese ones that answer it. Subtracting
half of each language's mean vector (fitted, without labels, on the indexed statements) and
renormalising removes much of that pull. On the demo park's 50 need → supplier probes it
lifts MRR from 0.547 to 0.609 (strength 0.5; 0.593 at 0.75, 0.569 at 1.0), and an English
question about patent-pledge loans finds 4 Chinese 知识产权质押 offers in its top 5, not 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array, l2_normalise

__all__ = ["LanguageCentering", "language_of"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LANGUAGES = ("zh", "other")
MIN_TEXTS = 20  # fewer statements than this in a language: too few to estimate its mean


def language_of(text: str) -> int:
    """0 for text with Chinese characters, 1 for everything else (mostly English)."""
    return 0 if _CJK.search(text) else 1


class LanguageCentering:
    """Per-space, per-language mean vectors; ``strength`` 0 switches the correction off."""

    def __init__(self, strength: float = 0.5) -> None:
        self.strength = strength
        self.means_: dict[str, F32Array] = {}

    def fit(
        self,
        space: str,
        texts: Sequence[str],
        vectors: F32Array,
        counts: npt.ArrayLike | None = None,
    ) -> LanguageCentering:
        """``counts``: how many statements each (distinct) text stands for, so a build
        passes each repeated text once; the means are over statements, summed in float64."""
        if len(texts) != len(vectors):
            raise ValueError(f"{len(texts)} texts for {len(vectors)} vectors")
        weights = np.ones(len(texts)) if counts is None else np.asarray(counts, np.float64)
        if weights.shape != (len(texts),) or (weights < 0).any():
            raise ValueError(f"expected {len(texts)} non-negative counts, got {weights.shape}")
        langs = np.array([language_of(t) for t in texts], dtype=np.int64)
        means = np.zeros((len(LANGUAGES), vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
        for lang in range(len(LANGUAGES)):
            mine = langs == lang
            total = weights[mine].sum()
            if total >= MIN_TEXTS:
                means[lang] = weights[mine] @ vectors[mine].astype(np.float64) / total
        self.means_[space] = means
        return self

    def transform(self, space: str, texts: Sequence[str], vectors: F32Array) -> F32Array:
        means = self.means_.get(space)
        if means is None or self.strength == 0 or len(vectors) == 0:
            return vectors
        langs = np.array([language_of(t) for t in texts], dtype=np.int64)
        return l2_normalise(vectors - self.strength * means[langs])

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {"strength": np.float32(self.strength), **self.means_}
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> LanguageCentering:
        with np.load(path) as data:
            out = cls(float(data["strength"]))
            out.means_ = {k: data[k] for k in data.files if k != "strength"}
        return out
