"""Language centering's means are over statements, whether a text comes once per statement or
once with its count (`IndexSet.build` passes each distinct text once)."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.base import l2_normalise
from matcher.language import MIN_TEXTS, LanguageCentering

ZH = [f"中文陈述{i}" for i in range(30)]
EN = [f"english statement {i}" for i in range(30)]


def _vectors(n: int, seed: int) -> np.ndarray:
    return l2_normalise(np.random.default_rng(seed).standard_normal((n, 8)))


def test_counts_give_the_means_of_the_repeated_rows() -> None:
    texts = ZH + EN
    vecs = _vectors(len(texts), 0)
    counts = np.random.default_rng(1).integers(1, 9, len(texts))
    repeated = np.repeat(np.arange(len(texts)), counts)
    once = LanguageCentering().fit("offers", texts, vecs, counts)
    every = LanguageCentering().fit("offers", [texts[i] for i in repeated], vecs[repeated])
    np.testing.assert_allclose(once.means_["offers"], every.means_["offers"], atol=1e-7)
    zh = counts[:30] @ vecs[:30].astype(np.float64) / counts[:30].sum()  # by hand
    np.testing.assert_allclose(once.means_["offers"][0], zh, atol=1e-7)
    out = once.transform("offers", texts, vecs)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)


def test_a_language_counts_its_statements_not_its_texts() -> None:
    """Two English texts standing for MIN_TEXTS statements get a mean; without counts the
    two alone are too few."""
    texts = ZH + EN[:2]
    vecs = _vectors(len(texts), 2)
    counts = np.array([1] * 30 + [MIN_TEXTS // 2, MIN_TEXTS - MIN_TEXTS // 2])
    assert LanguageCentering().fit("needs", texts, vecs, counts).means_["needs"][1].any()
    assert not LanguageCentering().fit("needs", texts, vecs).means_["needs"][1].any()


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="expected 3 non-negative counts"):
        LanguageCentering().fit("offers", ZH[:3], _vectors(3, 3), [1, 2])
    with pytest.raises(ValueError, match="expected 3 non-negative counts"):
        LanguageCentering().fit("offers", ZH[:3], _vectors(3, 3), [1, -1, 2])
