"""Statement hits → organisation scores, against brute force and hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.scoring import Aggregation, aggregate, best_per_org


def test_best_per_org_equals_a_brute_force_loop() -> None:
    rng = np.random.default_rng(3)
    n_rows, n_orgs, m, k = 60, 9, 4, 25
    row_org = rng.integers(0, n_orgs, size=n_rows)
    rows = np.stack([rng.choice(n_rows, size=k, replace=False) for _ in range(m)])
    scores = rng.random((m, k)).astype(np.float32)
    rows[0, -3:] = -1  # padding
    S, best = best_per_org(scores, rows, row_org, n_orgs)
    for i in range(m):
        for o in range(n_orgs):
            hits = [
                (s, r)
                for s, r in zip(scores[i], rows[i], strict=True)
                if r >= 0 and row_org[r] == o
            ]
            if not hits:
                assert np.isneginf(S[i, o]) and best[i, o] == -1
            else:
                s, r = max(hits)
                assert S[i, o] == pytest.approx(s) and best[i, o] == r


def test_aggregate_hand_computed() -> None:
    inf = -np.inf
    S = np.array([[0.9, 0.5, inf], [0.7, inf, inf]], dtype=np.float32)
    # org 1 misses need 2 → counts as that need's weakest retrieved score, 0.7
    assert aggregate(S, Aggregation.MAX).tolist()[:2] == pytest.approx([0.9, 0.7])
    assert aggregate(S, Aggregation.MEAN).tolist()[:2] == pytest.approx([0.8, 0.6])
    blend = aggregate(S, Aggregation.BLEND)
    assert blend[:2] == pytest.approx([0.75 * 0.9 + 0.25 * 0.8, 0.75 * 0.7 + 0.25 * 0.6])
    assert np.isneginf(blend[2])  # never retrieved: not a candidate


def test_aggregate_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="2-D score matrix"):
        aggregate(np.zeros(3))
    with pytest.raises(ValueError, match="share a 2-D shape"):
        best_per_org(np.zeros((2, 3)), np.zeros((2, 2)), np.zeros(3), 1)


def test_top_stable_is_the_stable_argsort_prefix() -> None:
    from matcher.scoring import top_stable

    rng = np.random.default_rng(0)
    for n, k in [(50, 5), (50, 50), (50, 80), (1000, 200), (7, 0)]:
        v = rng.integers(0, 6, size=n).astype(np.float32)  # many ties
        v[::9] = -np.inf
        want = np.argsort(-v, kind="stable")[:k]
        np.testing.assert_array_equal(top_stable(v, k), want)
