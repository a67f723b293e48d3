"""One contract for every VectorIndex, checked against brute-force NumPy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.base import l2_normalise
from matcher.index import ExactIndex, FaissFlatIndex


def brute_force(q: np.ndarray, ids: np.ndarray, vecs: np.ndarray, k: int) -> np.ndarray:
    sims = q @ vecs.T
    return np.sort(-sims, axis=1)[:, :k] * -1


class IndexContract:
    make: type[ExactIndex] | type[FaissFlatIndex]

    def data(self, n: int = 300, d: int = 32, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(seed)
        ids = rng.choice(10**12, size=n, replace=False).astype(np.int64)
        return ids, l2_normalise(rng.standard_normal((n, d)))

    def test_search_equals_brute_force(self) -> None:
        ids, vecs = self.data()
        index = self.make(32)
        index.upsert(ids, vecs)
        q = l2_normalise(np.random.default_rng(1).standard_normal((7, 32)))
        scores, got = index.search(q, 10)
        np.testing.assert_allclose(scores, brute_force(q, ids, vecs, 10), rtol=1e-5, atol=1e-5)
        # ids must be the ones with those scores (ties allowed: compare by score)
        lookup = dict(zip(ids.tolist(), vecs, strict=True))
        recomputed = np.array([[q[i] @ lookup[j] for j in row] for i, row in enumerate(got)])
        np.testing.assert_allclose(recomputed, scores, rtol=1e-5, atol=1e-5)

    def test_filter_is_applied_inside_the_search(self) -> None:
        ids, vecs = self.data()
        index = self.make(32)
        index.upsert(ids, vecs)
        allowed = ids[::7]
        q = vecs[:5]
        scores, got = index.search(q, 5, filter=allowed)
        assert set(got.ravel().tolist()) <= set(allowed.tolist())
        expected = brute_force(q, allowed, vecs[::7], 5)
        np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-5)
        # filtered results are full, not a trimmed unfiltered top-k
        assert (got >= 0).all()

    def test_empty_filter_and_short_index_pad_with_minus_one(self) -> None:
        ids, vecs = self.data(n=3)
        index = self.make(32)
        index.upsert(ids, vecs)
        scores, got = index.search(vecs[:1], 5)
        assert got[0, :3].tolist() != [-1, -1, -1] and got[0, 3:].tolist() == [-1, -1]
        assert np.isneginf(scores[0, 3:]).all()
        scores, got = index.search(vecs[:1], 2, filter=np.array([], dtype=np.int64))
        assert got.tolist() == [[-1, -1]]

    def test_upsert_replaces_and_delete_removes(self) -> None:
        ids, vecs = self.data(n=20)
        index = self.make(32)
        index.upsert(ids, vecs)
        index.upsert(ids[:1], vecs[1:2])  # id 0 now carries vector 1
        assert len(index) == 20
        scores, got = index.search(vecs[1:2], 2)
        assert set(got[0].tolist()) == {int(ids[0]), int(ids[1])}
        assert index.delete(ids[:5]) == 5
        assert len(index) == 15
        assert not set(ids[:5].tolist()) & set(index.ids().tolist())
        assert index.delete(ids[:5]) == 0

    def test_save_and_load_round_trip(self, tmp_path: Path) -> None:
        ids, vecs = self.data(n=50)
        index = self.make(32)
        index.upsert(ids, vecs)
        path = tmp_path / "sub" / "x.index"
        index.save(path)
        again = self.make.load(path)
        assert sorted(again.ids().tolist()) == sorted(ids.tolist())
        a, b = index.search(vecs[:3], 4), again.search(vecs[:3], 4)
        np.testing.assert_array_equal(a[1], b[1])
        assert [p.name for p in path.parent.iterdir()] == ["x.index"]  # no temp files left

    def test_bad_input_is_a_value_error(self) -> None:
        index = self.make(32)
        with pytest.raises(ValueError, match=r"shape \(n, 32\)"):
            index.upsert([1], np.zeros((1, 8), dtype=np.float32))
        with pytest.raises(ValueError, match="duplicate ids"):
            index.upsert([1, 1], np.zeros((2, 32), dtype=np.float32))
        with pytest.raises(ValueError, match="k must be at least 1"):
            index.search(np.zeros((1, 32), dtype=np.float32), 0)


class TestExactIndex(IndexContract):
    make = ExactIndex


class TestFaissFlatIndex(IndexContract):
    make = FaissFlatIndex
