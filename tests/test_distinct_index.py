"""The distinct-vector statement index answers as the tie-stable IVF index over every
statement does when every list is probed: through writes, filters, overlays and files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matcher.distinct
from embeddings.base import l2_normalise
from matcher.distinct import DistinctIndex, distinct_share
from matcher.index import FaissIVFIndex, VectorIndex
from matcher.overlay import OverlayIndex

D = 16


def catalog(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """4,000 statements over 400 texts (a tenth distinct, as at 10⁵ generated orgs),
    ids in random order, a few texts shared by hundreds of statements."""
    rng = np.random.default_rng(seed)
    texts = l2_normalise(rng.standard_normal((400, D)))
    which = np.minimum(rng.zipf(1.3, 4000) - 1, 399)  # skewed: long tie groups
    ids = rng.choice(10**9, size=4000, replace=False).astype(np.int64)
    return ids, texts[which].astype(np.float32)


def every_list(exact_limit: int = 20_000) -> FaissIVFIndex:
    return FaissIVFIndex(D, probe_share=1.0, exact_limit=exact_limit)


def pair(exact_limit: int = 20_000) -> tuple[FaissIVFIndex, DistinctIndex]:
    ids, vecs = catalog()
    ref, dis = every_list(exact_limit), DistinctIndex(every_list(exact_limit))
    ref.upsert(ids, vecs)
    dis.upsert(ids, vecs)
    return ref, dis


def queries(vecs: np.ndarray) -> np.ndarray:
    """Statement vectors themselves (their copies tie at the top) and random directions."""
    rng = np.random.default_rng(9)
    return np.concatenate([vecs[:6], l2_normalise(rng.standard_normal((4, D)))])


def assert_same(ref: VectorIndex, dis: VectorIndex, q: np.ndarray, flt: object = None) -> None:
    """The same ids in the same order; the same scores up to the last bit of a BLAS product
    (an exactly scored filter multiplies matrices of other shapes: ±1.2e-7 seen)."""
    for k in (1, 5, 50, 200, 900):
        want_s, want = ref.search(q, k, flt)  # type: ignore[arg-type]
        got_s, got = dis.search(q, k, flt)  # type: ignore[arg-type]
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(got_s, want_s, rtol=0, atol=2.5e-7)
        if flt is None:  # the lists are scanned alike: bit for bit
            np.testing.assert_array_equal(got_s, want_s)


def filters(ids: np.ndarray) -> list[np.ndarray | None]:
    rng = np.random.default_rng(2)
    return [
        None,
        rng.permutation(ids)[:25],  # narrow
        rng.permutation(ids)[:1500],  # wide
        np.concatenate([ids[::3], [12345]]),  # wide, with an id not held
        np.zeros(0, dtype=np.int64),
    ]


@pytest.mark.parametrize("exact_limit", [20_000, 0])  # filters scored exactly / probed
def test_search_equals_the_ivf_index_over_every_statement(exact_limit: int) -> None:
    ref, dis = pair(exact_limit)
    ids, vecs = catalog()
    assert len(dis) == 4000 and dis.ids().tolist() == sorted(ids.tolist())
    assert dis.vectors_held() == len(np.unique(vecs, axis=0)) < 400
    for flt in filters(ids):
        assert_same(ref, dis, queries(vecs), flt)


def test_writes_add_and_drop_mappings_and_vectors_only_when_needed() -> None:
    ref, dis = pair()
    ids, vecs = catalog()
    held = dis.vectors_held()
    # a new statement on a held vector: a mapping only
    dis.upsert([7], vecs[:1])
    ref.upsert([7], vecs[:1])
    assert dis.vectors_held() == held and len(dis) == 4001
    # deleting all but one statement of a vector keeps it; the last one drops it
    same = ids[(vecs == vecs[1]).all(axis=1)]
    assert len(same) > 2
    assert dis.delete(same[:-1]) == len(same) - 1 == ref.delete(same[:-1])
    assert dis.vectors_held() == held
    assert dis.delete(same[-1:]) == 1 == ref.delete(same[-1:])
    assert dis.vectors_held() == held - 1
    assert dis.delete(same) == 0
    # a new vector, and a statement moved to another vector (an upsert replaces)
    new = l2_normalise(np.random.default_rng(3).standard_normal((1, D)))
    for index in (ref, dis):
        index.upsert([8, 9], np.concatenate([new, new]))
        index.upsert(ids[5:6], new)
    assert dis.vectors_held() == held
    assert len(dis) == len(ref) == 4000 - len(same) + 3
    q = np.concatenate([queries(vecs), new, vecs[1:2]])
    for flt in filters(ref.ids()):
        assert_same(ref, dis, q, flt)


def test_overlay_generations_and_their_compaction_agree() -> None:
    ref, dis = pair()
    ids, vecs = catalog()
    rng = np.random.default_rng(4)
    gone = rng.choice(ids, 300, replace=False)
    add = np.arange(1, 41, dtype=np.int64)
    add_vecs = np.concatenate([vecs[:30], l2_normalise(rng.standard_normal((10, D)))])
    gen_ref = OverlayIndex(ref).changed(remove=gone, ids=add, vectors=add_vecs)
    gen_dis = OverlayIndex(dis).changed(remove=gone, ids=add, vectors=add_vecs)
    q = np.concatenate([queries(vecs), add_vecs[-2:]])
    live = gen_ref.ids()
    for flt in [*filters(live), rng.permutation(live)[:2000]]:
        assert_same(gen_ref, gen_dis, q, flt)
    merged = gen_dis.merged()
    assert isinstance(merged, DistinctIndex) and len(dis) == 4000  # the base is untouched
    assert merged.vectors_held() == len(
        np.unique(np.concatenate([vecs[~np.isin(ids, gone)], add_vecs]), axis=0)
    )
    for flt in filters(live):
        assert_same(gen_ref.merged(), merged, q, flt)


def test_wide_filters_are_converted_once_and_forgotten_on_a_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matcher.distinct, "_PREPARE_ABOVE", 100)
    ref, dis = pair()
    ids, vecs = catalog()
    wide = np.random.default_rng(5).permutation(ids)[:2000]
    for flt in (wide, wide.copy()):
        assert_same(ref, dis, queries(vecs), flt)
    assert len(dis._prepared) == 1
    dis.delete(wide[:1])
    ref.delete(wide[:1])
    assert dis._prepared == []
    assert_same(ref, dis, queries(vecs), wide)


def test_files_round_trip_and_a_mismatched_mapping_is_refused(tmp_path: Path) -> None:
    ref, dis = pair()
    ids, vecs = catalog()
    path = tmp_path / "offers.index"
    dis.save(path)
    again = DistinctIndex.open(FaissIVFIndex.load(path), path)
    again.inner.probe_share = 1.0
    assert_same(ref, again, queries(vecs))
    # writes after a load recognise the held vectors (digests read back from the lists)
    held = again.vectors_held()
    again.upsert([3], vecs[10:11])
    assert again.vectors_held() == held
    other = DistinctIndex(every_list())
    other.upsert(ids[:10], l2_normalise(np.random.default_rng(6).standard_normal((10, D))))
    other.save(tmp_path / "other.index")
    (tmp_path / "other.index.keys.npz").replace(tmp_path / "offers.index.keys.npz")
    with pytest.raises(ValueError, match="mapping does not match"):
        DistinctIndex.open(FaissIVFIndex.load(path), path)


def test_distinct_share_counts_equal_rows() -> None:
    _, vecs = catalog()
    assert distinct_share(vecs) == len(np.unique(vecs, axis=0)) / 4000
    assert distinct_share(np.zeros((0, D), dtype=np.float32)) == 1.0


def test_an_upsert_of_each_vector_once_with_its_rows_equals_one_of_every_copy() -> None:
    """A build passes each distinct text's vector once (`rows=`): the same keys, mapping,
    lists and answers as the rows repeated."""
    ids, vecs = catalog()
    uniq, first, inverse = np.unique(vecs, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)  # first-seen order, as `IndexSet.build` passes texts
    shared = uniq[order]
    rows = np.argsort(order)[inverse.reshape(-1)]
    np.testing.assert_array_equal(shared[rows], vecs)
    full, once = DistinctIndex(every_list()), DistinctIndex(every_list())
    full.upsert(ids, vecs)
    once.upsert(ids, shared, rows=rows)
    assert once.vectors_held() == full.vectors_held() == len(uniq)
    np.testing.assert_array_equal(once._keys, full._keys)
    np.testing.assert_array_equal(once.inner.ids(), full.inner.ids())
    for flt in filters(ids):
        assert_same(full, once, queries(vecs), flt)


def test_an_upsert_with_rows_names_what_is_wrong() -> None:
    _, vecs = catalog()
    index = DistinctIndex(every_list())
    with pytest.raises(ValueError, match="3 ids for 2 rows"):
        index.upsert([1, 2, 3], vecs[:2], rows=[0, 1])
    with pytest.raises(ValueError, match="duplicate ids"):
        index.upsert([1, 1], vecs[:2], rows=[0, 1])
    with pytest.raises(ValueError, match=r"rows must lie in \[0, 2\)"):
        index.upsert([1, 2], vecs[:2], rows=[0, 2])
    with pytest.raises(ValueError, match="every vector must be the row of at least one id"):
        index.upsert([1, 2], vecs[:3], rows=[0, 1])
    assert len(index) == 0 and index.vectors_held() == 0  # nothing half-written
