"""The list-major batch search returns FAISS's own IVF answer (`matcher.listmajor`)."""

from __future__ import annotations

from typing import Any

import faiss
import numpy as np
import pytest

from matcher import listmajor
from matcher.ivf import FaissIVFIndex
from matcher.listmajor import MIN_QUERIES, list_major_search, supports


def _unit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


def _ivf(vectors: np.ndarray, nlist: int) -> faiss.IndexIVFFlat:
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    index = faiss.IndexIVFFlat(quantizer, vectors.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    index.train(vectors)
    index.add_with_ids(vectors, np.arange(len(vectors), dtype=np.int64) * 3 + 7)
    return index


@pytest.fixture(scope="module")
def clustered() -> tuple[faiss.IndexIVFFlat, np.ndarray]:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((40, 24))
    x = _unit(centres[rng.integers(0, 40, 4000)] + 0.4 * rng.standard_normal((4000, 24)))
    q = _unit(centres[rng.integers(0, 40, 150)] + 0.5 * rng.standard_normal((150, 24)))
    faiss.omp_set_num_threads(1)
    return _ivf(x, 50), q


@pytest.mark.parametrize("k", [1, 10, 64, 400, 5000])
@pytest.mark.parametrize("nprobe", [1, 7, 50])
def test_the_same_scores_and_ids_as_faiss(
    clustered: tuple[faiss.IndexIVFFlat, np.ndarray], k: int, nprobe: int
) -> None:
    index, q = clustered
    want_s, want_i = index.search(q, k, params=faiss.SearchParametersIVF(nprobe=nprobe))  # type: ignore[call-arg]
    got_s, got_i = list_major_search(index, q, k, nprobe)
    found = want_i >= 0
    assert (got_i >= 0).tolist() == found.tolist()  # as many hits, padding where FAISS pads
    assert got_i[found].tolist() == want_i[found].tolist()
    assert got_s[found].tobytes() == want_s[found].tobytes()  # FAISS's kernel, to the bit


def test_equal_scores_come_out_as_the_index_orders_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Repeated vectors tie; through `FaissIVFIndex.search` (which orders ties by id) a
    batch read list by list equals each query searched alone."""
    rng = np.random.default_rng(1)
    base = _unit(rng.standard_normal((300, 16)))
    x = np.concatenate([base, base, base[:100]])  # every vector two or three times
    index = FaissIVFIndex(16, nlist=20, nprobe=6)
    index.upsert(np.arange(len(x)) * 5 + 1, x)
    q = _unit(base[rng.integers(0, 300, MIN_QUERIES + 30)] + 0.05)
    calls: list[int] = []
    real = listmajor.list_major_search

    def counted(*args: Any) -> tuple[np.ndarray, np.ndarray]:
        calls.append(len(args[1]))
        return real(*args)

    monkeypatch.setattr(listmajor, "list_major_search", counted)
    batch_s, batch_i = index.search(q, 25)
    assert calls and calls[0] == len(q), "a batch of MIN_QUERIES or more reads the lists once"
    monkeypatch.undo()
    for j in range(len(q)):
        one_s, one_i = index.search(q[j : j + 1], 25)
        assert batch_i[j].tolist() == one_i[0].tolist()
        assert batch_s[j].tobytes() == one_s[0].tobytes()
    assert len(set(batch_i[:, 0].tolist())) > 10  # the queries reach different vectors


def test_only_flat_inner_product_lists_qualify() -> None:
    rng = np.random.default_rng(2)
    x = _unit(rng.standard_normal((500, 8)))
    assert supports(_ivf(x, 8))
    l2 = faiss.IndexIVFFlat(faiss.IndexFlatL2(8), 8, 8, faiss.METRIC_L2)
    l2.train(x)
    assert not supports(l2)
    sq = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(8), 8, 8, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    sq.train(x)
    assert not supports(sq)
    with pytest.raises(ValueError, match="IVF-Flat inner-product"):
        list_major_search(sq, x[:3], 2, 2)
