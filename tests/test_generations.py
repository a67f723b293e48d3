"""Incremental engine generations (`matcher.generation`, `matcher.overlay`): after a
sequence of adds, updates and deletes a generation searches exactly like an engine rebuilt
from the catalog, and after a refit it answers exactly like one; the old generation is
never touched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from catalog.models import Organisation
from catalog.taxonomy import load_default_taxonomy
from embeddings.hashing import HashingEncoder, HashingSparseEncoder
from eval.scale_catalog import ScaleSources, iter_organisations
from matcher.engine import MatchEngine
from matcher.generation import CatalogChange, next_generation, pending
from matcher.index import ExactIndex, IndexKind
from matcher.ivf import FaissIVFIndex
from matcher.lexical import LexicalIndex, Tokens
from matcher.overlay import OverlayIndex
from matcher.peers import PeerSignals
from matcher.profiles import Space
from matcher.stale import StaleKnowledge
from matcher.types import Direction
from matcher.upkeep import compacted, refit

TODAY = dt.date(2026, 6, 1)
Generations = tuple[MatchEngine, MatchEngine, MatchEngine, list[Organisation]]


@pytest.fixture(scope="module")
def catalog() -> list[Organisation]:
    src = ScaleSources.load(use_ashare=False)
    orgs = [Organisation.model_validate(r) for r in iter_organisations(src, 260, seed=3)]
    return sorted(orgs, key=lambda o: o.id)


def _engine(orgs: list[Organisation]) -> MatchEngine:
    return MatchEngine(
        sorted(orgs, key=lambda o: o.id),
        load_default_taxonomy(),
        HashingEncoder(dim=64),
        index_kind=IndexKind.EXACT,
        today=TODAY,
        sparse_encoder=HashingSparseEncoder(dim=512),
    )


def _changes(catalog: list[Organisation]) -> tuple[list[CatalogChange], list[Organisation]]:
    """Three writes: adds, updates (one keeping most statements), deletes, and a re-add."""
    base, extra = catalog[:240], catalog[240:]
    up1 = base[3].model_copy(update={"offers": (*base[3].offers[:1], "高纯石英砂提纯")})
    up2 = base[10].model_copy(update={"needs": ("工业级碳酸锂", *base[10].needs)})
    up3 = extra[0].model_copy(update={"offers": ("晶圆级封装测试服务",)})
    steps = [
        CatalogChange(upserts=(extra[0], extra[1], extra[2], up1)),
        CatalogChange(upserts=(up2, extra[3]), removed=(base[5].id, base[20].id, extra[1].id)),
        CatalogChange(upserts=(up3, base[5]), removed=(base[30].id,)),
    ]
    final = {o.id: o for o in base}
    for step in steps:
        final.update({o.id: o for o in step.upserts})
        for gone in step.removed:
            final.pop(gone)
    return steps, sorted(final.values(), key=lambda o: o.id)


@pytest.fixture(scope="module")
def generations(
    catalog: list[Organisation], tmp_path_factory: pytest.TempPathFactory
) -> tuple[MatchEngine, MatchEngine, MatchEngine, list[Organisation]]:
    """(base, last generation, rebuilt reference, final catalog). The reference opens the
    base's saved index and syncs it: the language means stay the base's, as in the
    service's full-rebuild path."""
    folder: Path = tmp_path_factory.mktemp("index")
    base = _engine(catalog[:240]).build()
    base.save(folder)
    base.learned()
    steps, final = _changes(catalog)
    gen = base
    for step in steps:
        gen = next_generation(gen, step)
    ref = _engine(final)
    ref.load(folder)
    return base, gen, ref, final


def test_overlay_equals_an_exact_index_after_random_changes() -> None:
    rng = np.random.default_rng(0)
    dim, ids = 16, np.arange(400, dtype=np.int64)
    vecs = rng.normal(size=(400, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    base = ExactIndex(dim)
    base.upsert(ids[:300], vecs[:300])
    ref = ExactIndex(dim)
    ref.upsert(ids[:300], vecs[:300])
    over = OverlayIndex(base)
    live = set(range(300))
    for step in range(6):
        gone = rng.choice(sorted(live), 40, replace=False)
        came = [i for i in range(400) if i not in live and i not in gone][: 30 + step]
        over = over.changed(remove=gone, ids=ids[came], vectors=vecs[came])
        ref.delete(gone)
        ref.upsert(ids[came], vecs[came])
        live = (live - set(gone.tolist())) | set(came)
    assert sorted(over.ids().tolist()) == sorted(live) == sorted(ref.ids().tolist())
    assert len(over) == len(live)
    q = rng.normal(size=(5, dim)).astype(np.float32)
    flt = np.asarray(sorted(live)[::3], dtype=np.int64)
    for k, f in ((10, None), (50, None), (10, flt), (500, None)):
        s1, i1 = over.search(q, k, f)
        s2, i2 = ref.search(q, k, f)
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_allclose(s1, s2, rtol=0, atol=1e-6)
    merged = over.merged()
    np.testing.assert_array_equal(merged.search(q, 20)[1], ref.search(q, 20)[1])
    assert len(base) == 300  # the base was never changed
    with pytest.raises(TypeError, match="frozen"):
        over.upsert(ids[:1], vecs[:1])


def test_overlay_filters_past_many_tombstones() -> None:
    rng = np.random.default_rng(1)
    vecs = rng.normal(size=(3000, 8)).astype(np.float32)
    base = ExactIndex(8)
    base.upsert(np.arange(3000), vecs)
    over = OverlayIndex(base).changed(
        remove=np.arange(0, 2000), ids=np.arange(0, 10), vectors=vecs[:10] * 2
    )
    ref = ExactIndex(8)
    ref.upsert(np.arange(2000, 3000), vecs[2000:])
    ref.upsert(np.arange(0, 10), vecs[:10] * 2)
    flt = np.r_[np.arange(0, 10), np.arange(2000, 2500)]
    q = rng.normal(size=(3, 8)).astype(np.float32)
    np.testing.assert_array_equal(over.search(q, 30, flt)[1], ref.search(q, 30, flt)[1])
    np.testing.assert_array_equal(over.search(q, 30)[1], ref.search(q, 30)[1])


def test_overlay_sends_an_ivf_base_the_wide_filter_it_prepared_before() -> None:
    """A write changes a wide filter (ask's per-language ids) by a new id and a removed
    one; the IVF base is sent the filter it already prepared, and finds the same."""
    rng = np.random.default_rng(2)
    n, dim = 24_000, 8
    vecs = rng.normal(size=(n + 50, dim)).astype(np.float32)
    base, other = (FaissIVFIndex(dim, nlist=16, nprobe=16, exact_limit=100) for _ in "ab")
    base.upsert(np.arange(n), vecs[:n])  # nprobe = nlist: every list searched, exact
    other.upsert(np.arange(n), vecs[:n])
    q = rng.normal(size=(3, dim)).astype(np.float32)
    over, live = OverlayIndex(base), np.arange(n)
    over.search(q, 10, live[live % 7 != 0])  # the filter of the catalog as it was
    for step in range(3):
        gone = np.asarray([7 * step + 1, 7 * step + 2])
        came = np.asarray([n + step])
        over = over.changed(remove=gone, ids=came, vectors=vecs[came])
        live = np.union1d(np.setdiff1d(live, gone), came)
        flt = live[live % 7 != 0]
        s1, i1 = over.search(q, 10, flt)
        assert len(base._prepared) == 1  # prepared once, for the first filter
        ref = OverlayIndex(other, over.delta, over.tombstones)  # no filter sent before
        s2, i2 = ref.search(q, 10, flt)
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_allclose(s1, s2, rtol=0, atol=1e-6)
        assert not np.isin(i1, over.tombstones).any() and (i1 >= 0).all()


def test_generation_searches_like_a_rebuilt_engine(generations: Generations) -> None:
    _, gen, ref, final = generations
    assert [o.id for o in gen.orgs] == [o.id for o in final]
    assert gen.table.ids.tolist() == ref.table.ids.tolist()
    assert gen.table.texts == ref.table.texts
    assert pending(gen) > 0
    rng = np.random.default_rng(2)
    for space in Space:
        q = gen.vectors.encode(space, ["高纯石英砂提纯", "工业级碳酸锂", "封装测试"])
        allowed = np.sort(rng.choice(len(gen.table), 120, replace=False)).astype(np.int64)
        for flt in (None, gen.table.ids[allowed]):
            s1, r1 = gen.vectors.search(space, q, 40, flt)
            s2, r2 = ref.vectors.search(space, q, 40, flt)
            np.testing.assert_array_equal(r1, r2)
            np.testing.assert_allclose(s1, s2, rtol=0, atol=1e-6)
    assert gen.vectors.sparse is not None and ref.vectors.sparse is not None
    for space in gen.vectors.sparse.spaces:
        a = gen.vectors.sparse
        b = ref.vectors.sparse
        order_a, order_b = np.argsort(a.rows_[space]), np.argsort(b.rows_[space])
        assert a.rows_[space][order_a].tolist() == b.rows_[space][order_b].tolist()
        diff = a.matrices_[space][order_a] - b.matrices_[space][order_b]
        assert abs(diff).max() < 1e-6


def test_refit_generation_answers_like_a_fresh_engine(
    catalog: list[Organisation], generations: Generations
) -> None:
    _, gen, ref, final = generations
    assert isinstance(gen._learned, StaleKnowledge)  # the base's fit, carried
    fresh = refit(gen)
    assert not isinstance(fresh._learned, StaleKnowledge)
    probes = [o.id for o in final if o.needs and o.offers][::25] + [catalog[243].id, catalog[10].id]
    for org_id in probes:
        for a, b in (
            (fresh.find_partners(org_id, k=10), ref.find_partners(org_id, k=10)),
            (
                fresh.find_partners(org_id, k=10, direction=Direction.CUSTOMERS),
                ref.find_partners(org_id, k=10, direction=Direction.CUSTOMERS),
            ),
            (fresh.find_substitutes(org_id, k=10), ref.find_substitutes(org_id, k=10)),
        ):
            assert [m.org_id for m in a.matches] == [m.org_id for m in b.matches]
            assert [m.score for m in a.matches] == pytest.approx([m.score for m in b.matches])
    for text in ("高纯石英砂提纯", "晶圆级封装测试服务", "锂电池正极材料"):
        a, b = fresh.ask(text, k=10), ref.ask(text, k=10)
        assert [m.org_id for m in a.matches] == [m.org_id for m in b.matches]
        assert [m.score for m in a.matches] == pytest.approx([m.score for m in b.matches])
    # compaction changes no answer
    packed = compacted(fresh)
    assert pending(packed) == 0
    assert [m.org_id for m in packed.ask("高纯石英砂提纯").matches] == [
        m.org_id for m in fresh.ask("高纯石英砂提纯").matches
    ]


def test_writes_are_visible_at_once_and_the_old_generation_is_untouched(
    catalog: list[Organisation], generations: Generations
) -> None:
    base, gen, _, _ = generations
    updated, added, deleted = catalog[3], catalog[240], catalog[20]
    # the update's new offer, the added organisation's offer: found by ask, before a refit
    assert updated.id in [m.org_id for m in gen.ask("高纯石英砂提纯", k=5).matches]
    assert added.id in [m.org_id for m in gen.ask("晶圆级封装测试服务", k=5).matches]
    for verb in (gen.ask(deleted.offers[0], k=50), gen.find_substitutes(updated.id, k=50)):
        assert deleted.id not in {m.org_id for m in verb.matches}
    with pytest.raises(Exception, match=deleted.id):
        gen.find_partners(deleted.id)
    # the old generation still holds the deleted organisation, not the added one
    assert base.org(deleted.id).id == deleted.id
    assert added.id not in {o.id for o in base.orgs}
    assert "高纯石英砂提纯" not in base.table.texts
    assert deleted.id in [m.org_id for m in base.ask(deleted.offers[0], k=50).matches]


def test_substitute_signals_are_carried_exactly(
    catalog: list[Organisation], generations: Generations
) -> None:
    base = generations[0]
    base.find_substitutes(base.orgs[0].id)  # fits the base's peer signals
    gen = base
    for step in _changes(catalog)[0]:
        gen = next_generation(gen, step)
    fresh = PeerSignals(gen.orgs, gen.taxonomy, gen.vectors)
    assert gen._peers is not None
    np.testing.assert_allclose(gen._peers.profiles(), fresh.profiles(), atol=1e-6)
    assert gen._peers.members_.keys() == fresh.members_.keys()
    for g, rows in fresh.members_.items():
        assert gen._peers.members_[g].tolist() == rows.tolist()


@pytest.mark.parametrize("tokens", list(Tokens))
def test_fold_in_scores_a_document_as_a_refit_would(tokens: Tokens) -> None:
    corpus = ["硫酸 液氨 尿素", "光伏玻璃 EVA胶膜 光伏组件", "锂电池正极材料", "", "尿素 化肥"]
    doc = "钙钛矿电池 光伏玻璃 尿素"
    queries, weights = ["光伏玻璃", "尿素", "钙钛矿"], [1.0, 0.5, 2.0]
    refit_scores = LexicalIndex.fit([*corpus, doc], tokens=tokens).scores(queries, weights)
    folded = LexicalIndex.fit(corpus, tokens=tokens).fold_in(queries, weights, [doc])
    assert folded[0] > 0
    assert folded[0] == pytest.approx(refit_scores[-1], rel=1e-5)
