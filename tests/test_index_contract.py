"""One contract for every VectorIndex, checked against brute-force NumPy."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import matcher.ivf
from embeddings.base import l2_normalise
from matcher.distinct import DistinctIndex
from matcher.index import (
    APPROXIMATE_ABOVE,
    ExactIndex,
    FaissFlatIndex,
    FaissIVFIndex,
    IndexKind,
    make_index,
    open_index,
)
from matcher.index_io import exact_scores


def brute_force(q: np.ndarray, ids: np.ndarray, vecs: np.ndarray, k: int) -> np.ndarray:
    sims = q @ vecs.T
    return np.sort(-sims, axis=1)[:, :k] * -1


def tied_data(d: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """A repeated-text catalog: 10 copies of the query's vector, then 150 copies of one beside
    it (a tie group at any cut between 10 and 160), then 140 others; inserted in random id
    order, so a scan-order cut would not keep the lowest ids."""
    rng = np.random.default_rng(5)
    base = l2_normalise(rng.standard_normal((142, d)))
    base[1] = l2_normalise(base[:1] + 0.2 * rng.standard_normal((1, d)))[0]
    vecs = np.concatenate([np.repeat(base[:1], 10, 0), np.repeat(base[1:2], 150, 0), base[2:]])
    ids = rng.choice(10**9, size=len(vecs), replace=False).astype(np.int64)
    return ids, vecs


def by_lowest_id(ids: np.ndarray, groups: list[slice], k: int) -> list[int]:
    """The expected top-k: group after group (best first), each in id order."""
    return [int(i) for g in groups for i in np.sort(ids[g])][:k]


class IndexContract:
    make: Any  # an index class: ``make(dim)`` builds one, ``make.load(path)`` reopens it
    min_recall = 1.0  # below 1: an approximate index; its unfiltered top-k may miss some

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
        if self.min_recall < 1.0:
            truth = np.argsort(-(q @ vecs.T), axis=1)[:, :10]
            pairs = zip(truth, got, strict=True)
            hit = [len(set(ids[t].tolist()) & set(g.tolist())) for t, g in pairs]
            assert sum(hit) / truth.size >= self.min_recall
            assert (np.diff(scores, axis=1) <= 1e-6).all()  # still best first
        else:
            expected = brute_force(q, ids, vecs, 10)
            np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-5)
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

    @pytest.mark.parametrize("k", [5, 20, 100])
    def test_equal_scores_at_the_cut_keep_the_lowest_ids(self, k: int) -> None:
        """Ties at the k-th hit resolve by statement id, the same for every kind of index,
        even when the tie group runs past the hits first fetched (4k: k = 20)."""
        ids, vecs = tied_data()
        index = self.make(32)
        index.upsert(ids, vecs)
        scores, got = index.search(vecs[:1], k)
        assert got[0].tolist() == by_lowest_id(ids, [slice(0, 10), slice(10, 160)], k)
        assert (np.diff(scores[0]) <= 0).all()
        for allowed in (ids[::2], ids[:40]):  # wide (probed) and narrow (exact) filters
            _, got = index.search(vecs[:1], k, filter=allowed)
            kept = set(allowed.tolist())
            want = [i for i in by_lowest_id(ids, [slice(0, 10), slice(10, 160)], 160) if i in kept]
            assert got[0, : len(want)].tolist() == want[:k]

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


class SmallIVF(FaissIVFIndex):
    """Few lists, four probed: approximate even on the contract's 300 vectors."""

    def __init__(self, dim: int) -> None:
        super().__init__(dim, nprobe=4, exact_limit=100)


class TestFaissIVFIndex(IndexContract):
    make = SmallIVF
    min_recall = 0.8  # measured 0.87 on this data (7 lists, 4 probed)


class SmallIVFSQ8(FaissIVFIndex):
    def __init__(self, dim: int) -> None:
        super().__init__(dim, nprobe=4, sq8=True, exact_limit=100)


class TestFaissIVFSQ8Index(IndexContract):
    make = SmallIVFSQ8
    min_recall = 0.8
    # 8-bit codes: scores within ≈ 1e-2 of the float ones, so the exact checks get that slack

    def test_search_equals_brute_force(self) -> None:
        ids, vecs = self.data()
        index = self.make(32)
        index.upsert(ids, vecs)
        q = l2_normalise(np.random.default_rng(1).standard_normal((7, 32)))
        scores, got = index.search(q, 10, filter=ids)  # the whole index: probed, not exact
        lookup = dict(zip(ids.tolist(), vecs, strict=True))
        recomputed = np.array([[q[i] @ lookup[j] for j in row] for i, row in enumerate(got)])
        np.testing.assert_allclose(recomputed, scores, atol=2e-2)

    def test_filter_is_applied_inside_the_search(self) -> None:
        ids, vecs = self.data()
        index = self.make(32)
        index.upsert(ids, vecs)
        allowed = ids[::7]
        scores, got = index.search(vecs[:5], 5, filter=allowed)
        assert set(got.ravel().tolist()) <= set(allowed.tolist()) and (got >= 0).all()
        expected = brute_force(vecs[:5], allowed, vecs[::7], 5)
        np.testing.assert_allclose(scores, expected, atol=2e-2)


class SmallDistinct(DistinctIndex):
    """The statement index of large catalogs: distinct vectors in a `SmallIVF`."""

    def __init__(self, dim: int) -> None:
        super().__init__(SmallIVF(dim))

    @classmethod
    def load(cls, path: Path) -> DistinctIndex:
        return DistinctIndex.open(SmallIVF.load(path), path)


class TestDistinctIndex(IndexContract):
    make = SmallDistinct
    min_recall = 0.8  # the contract's vectors are all distinct: SmallIVF's own recall

    def test_save_and_load_round_trip(self, tmp_path: Path) -> None:
        ids, vecs = self.data(n=50)
        index = self.make(32)
        index.upsert(np.concatenate([ids, ids + 1]), np.concatenate([vecs, vecs]))
        path = tmp_path / "sub" / "x.index"
        index.save(path)
        again = self.make.load(path)
        assert again.ids().tolist() == sorted([*ids.tolist(), *(ids + 1).tolist()])
        assert again.vectors_held() == 50
        a, b = index.search(vecs[:3], 4), again.search(vecs[:3], 4)
        np.testing.assert_array_equal(a[1], b[1])
        names = sorted(p.name for p in path.parent.iterdir())  # no temp files left
        assert names == ["x.index", "x.index.keys.npz"]


def test_ivf_wide_filter_probes_more_lists_and_stays_inside_the_filter() -> None:
    rng = np.random.default_rng(3)
    n, d = 4000, 32
    ids = rng.choice(10**12, size=n, replace=False).astype(np.int64)
    vecs = l2_normalise(rng.standard_normal((n, d)))
    index = FaissIVFIndex(d, nprobe=16, exact_limit=50)
    index.upsert(ids, vecs)
    allowed = ids[: n // 2]  # half the index: searched through the lists, not exactly
    q = vecs[n // 2 : n // 2 + 20]
    _, got = index.search(q, 10, filter=allowed)
    assert set(got.ravel().tolist()) <= set(allowed.tolist())
    truth = np.argsort(-(q @ vecs[: n // 2].T), axis=1)[:, :10]
    pairs = zip(truth, got, strict=True)
    hits = sum(len(set(allowed[t].tolist()) & set(g.tolist())) for t, g in pairs)
    assert hits / truth.size >= 0.6


def test_ivf_wide_filter_prepared_once_gives_the_answers_of_a_fresh_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`ask` passes the same wide per-language filter with every question: the index keeps
    it prepared (sorted ids, selector), recognised by content, forgotten on any write."""
    monkeypatch.setattr(matcher.ivf, "_PREPARE_ABOVE", 100)
    rng = np.random.default_rng(6)
    n, d = 4000, 32
    ids = rng.choice(10**12, size=n, replace=False).astype(np.int64)
    vecs = l2_normalise(rng.standard_normal((n, d)))

    def fresh() -> FaissIVFIndex:
        index = FaissIVFIndex(d, nprobe=16, exact_limit=50)
        index.upsert(ids, vecs)
        return index

    index, q = fresh(), vecs[:20]
    wide = rng.permutation(ids[: 3 * n // 4])  # unsorted, like table ids in table order
    other = wide.copy()
    other[0] = ids[-1]  # same length, one id changed: must not be taken for ``wide``
    for flt in (wide, wide.copy(), other, wide):  # a copy of ``wide`` is recognised
        want = fresh().search(q, 10, filter=flt)
        got = index.search(q, 10, filter=flt)
        np.testing.assert_array_equal(got[1], want[1])
        np.testing.assert_array_equal(got[0], want[0])
    assert [len(p.raw) for p in index._prepared] == [len(wide), len(wide)]
    gone = index.search(q[:1], 1, filter=wide)[1][0]
    index.delete(gone)  # a write forgets every prepared filter
    assert index._prepared == []
    _, after = index.search(q, 10, filter=wide)
    assert int(gone[0]) not in after.ravel().tolist()
    assert set(after.ravel().tolist()) <= set(wide.tolist())


def test_ivf_keeps_the_filters_asked_every_time_past_new_wide_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`ask` sends two language lists, then a wide filter of its candidates that is new
    each time: the language lists stay prepared (used most recently), question after
    question; the candidates' filters are the ones dropped."""
    monkeypatch.setattr(matcher.ivf, "_PREPARE_ABOVE", 100)
    rng = np.random.default_rng(7)
    n, d = 3000, 16
    ids = rng.choice(10**12, size=n, replace=False).astype(np.int64)
    index = FaissIVFIndex(d, nprobe=8, exact_limit=50)
    index.upsert(ids, l2_normalise(rng.standard_normal((n, d))))
    q = l2_normalise(rng.standard_normal((2, d)))
    zh, en = ids[: 2 * n // 3], ids[2 * n // 3 :]
    index.search(q, 5, filter=zh)
    index.search(q, 5, filter=en)
    kept = {len(zh): index._prepared[0], len(en): index._prepared[1]}
    for i in range(5):
        index.search(q, 5, filter=zh)
        index.search(q, 5, filter=en)
        index.search(q, 5, filter=rng.choice(ids, size=500 + i, replace=False))
        assert index._prepared[-3] is kept[len(zh)] and index._prepared[-2] is kept[len(en)]
    assert len(index._prepared) == 4


def test_ivf_is_memory_mapped_on_load_and_writable_after(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    ids = rng.choice(10**12, size=500, replace=False).astype(np.int64)
    vecs = l2_normalise(rng.standard_normal((500, 16)))
    index = FaissIVFIndex(16, nprobe=3)
    index.upsert(ids, vecs)
    path = tmp_path / "ivf.index"
    index.save(path)
    again = FaissIVFIndex.load(path)
    assert again._mapped == path  # lists on disk until the first write
    again.nprobe = 3  # search settings belong to the object, not the file
    np.testing.assert_array_equal(index.search(vecs[:4], 5)[1], again.search(vecs[:4], 5)[1])
    assert again.delete(ids[:10]) == 10 and again._mapped is None
    again.upsert(ids[:1], vecs[1:2])
    assert len(again) == 491
    _, got = again.search(vecs[1:2], 2, filter=ids[:2])
    assert got.tolist() == [[int(ids[0]), -1]]  # ids[1] is not in the filter's answer


def test_auto_kind_is_exact_below_the_threshold_and_ivf_above(tmp_path: Path) -> None:
    assert IndexKind.AUTO.for_size(APPROXIMATE_ABOVE) is IndexKind.FAISS_FLAT
    assert IndexKind.AUTO.for_size(APPROXIMATE_ABOVE + 1) is IndexKind.FAISS_IVF
    assert IndexKind.EXACT.for_size(10**9) is IndexKind.EXACT
    assert isinstance(make_index(IndexKind.AUTO, 8, 10), FaissFlatIndex)
    assert isinstance(make_index(IndexKind.AUTO, 8, APPROXIMATE_ABOVE + 1), FaissIVFIndex)
    rng = np.random.default_rng(5)
    vecs = l2_normalise(rng.standard_normal((100, 8)))
    for index in (FaissFlatIndex(8), FaissIVFIndex(8)):
        index.upsert(np.arange(100), vecs)
        path = tmp_path / f"{index.kind.value}.index"
        index.save(path)
        assert type(open_index(IndexKind.AUTO, path)) is type(index)


# --------------------------------------------------------------------------- Milvus
HAS_MILVUS = all(importlib.util.find_spec(m) for m in ("pymilvus", "milvus_lite"))
needs_milvus = pytest.mark.skipif(
    not HAS_MILVUS, reason="pymilvus / milvus-lite not installed (pip install '.[milvus]')"
)


@pytest.fixture(scope="module")
def milvus_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One milvus-lite folder for the module (its server starts once); each index is a
    collection of its own in it."""
    from matcher.milvus import lite_uri

    return lite_uri(tmp_path_factory.mktemp("milvus") / "contract.db")


@needs_milvus
class TestMilvusIndex(IndexContract):
    """The same contract on milvus-lite (FLAT: exact), through the same client as a cluster."""

    @pytest.fixture(autouse=True)
    def _lite(self, milvus_db: str) -> None:
        from matcher.milvus import MilvusIndex

        class LiteIndex(MilvusIndex):
            def __init__(self, dim: int, **kw: Any) -> None:
                super().__init__(dim, **{"uri": milvus_db, **kw})

        self.make = LiteIndex


@pytest.mark.parametrize("dim", [16, 17, 384, 385])
def test_exact_scores_give_copies_of_a_vector_one_score_wherever_they_sit(dim: int) -> None:
    """The exactly scored filter path must score equal vectors equally, or the tie-stable
    cut orders copies by position: OpenBLAS's products did not on an AMD EPYC."""
    rng = np.random.default_rng(dim)
    for n in [*range(1, 70), 1000, 4097]:
        copies = np.tile(l2_normalise(rng.standard_normal((1, dim))), (n, 1))
        q = l2_normalise(rng.standard_normal((3, dim)))
        got = exact_scores(q, copies)
        assert got.shape == (3, n) and got.dtype == np.float32
        assert (got == got[:, :1]).all(), f"{n} copies of a {dim}-d vector scored unequally"
        np.testing.assert_allclose(got[:, 0], q @ copies[0], rtol=0, atol=1e-6)
