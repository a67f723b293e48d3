"""Hybrid evidence for `ask`: fusion as pure array functions checked against brute force,
sparse statement vectors (cache round trip, save/load, per-organisation best) with the
hashing sparse encoder, and the engine's answers naming the evidence behind them."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from catalog.demo import load_demo_organisations
from catalog.errors import InvalidInputError
from catalog.taxonomy import load_default_taxonomy
from embeddings.cache import CachedSparseEncoder, EmbeddingCache
from embeddings.choice import sparse_encoder_for
from embeddings.fake import FakeEncoder
from embeddings.hashing import HashingEncoder, HashingSparseEncoder
from matcher import MatchEngine
from matcher.askpool import breadth_scores, pool_candidates, top_two_per_org
from matcher.fusion import EvidenceKind, FusionWeights, fuse, standardise
from matcher.hybrid import ASK_RECIPE, AskEvidence, AskRecipe
from matcher.lexical import LexicalIndex, Tokens, bigrams
from matcher.profiles import Space, StatementTable
from matcher.sparseset import SparseStatements

K = EvidenceKind


def _z(values: list[float]) -> list[float]:
    """z-scores the slow way: population mean and standard deviation."""
    mu = sum(values) / len(values)
    sd = math.sqrt(sum((v - mu) ** 2 for v in values) / len(values))
    return [0.0 if sd <= 1e-12 else (v - mu) / sd for v in values]


def test_standardise_is_the_population_z_score() -> None:
    x = [0.8, 0.81, 0.7, 0.95, 0.8]
    np.testing.assert_allclose(standardise(x), _z(x), rtol=1e-5, atol=1e-6)
    assert not standardise([0.3, 0.3, 0.3]).any()  # no spread: no evidence either way
    assert standardise([]).shape == (0,)
    with pytest.raises(ValueError, match="finite"):
        standardise([0.1, float("-inf")])
    with pytest.raises(ValueError, match="one score per candidate"):
        standardise([[0.1, 0.2]])


@pytest.mark.parametrize("seed", range(5))
def test_fuse_matches_brute_force_and_keeps_dense_units(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    dense = rng.uniform(0.7, 0.9, n)
    sparse = rng.uniform(0.0, 0.6, n)
    bm25 = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 12, n))
    w = FusionWeights(dense=1.0, sparse=float(rng.uniform(0, 2)), bm25=float(rng.uniform(0, 1)))
    fused = fuse({K.DENSE: dense, K.SPARSE: sparse, K.BM25: bm25}, w)
    zd, zs, zb = _z(list(dense)), _z(list(sparse)), _z(list(bm25))
    mu, sd = float(np.mean(dense)), float(np.std(dense))
    want = [mu + sd * (zd[i] + w.sparse * zs[i] + w.bm25 * zb[i]) for i in range(n)]
    np.testing.assert_allclose(fused.total, want, rtol=1e-5, atol=1e-5)
    # parts: dense keeps its own cosine, the others their share; together the total
    np.testing.assert_allclose(fused.parts[K.DENSE], dense, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(fused.parts[K.SPARSE], [sd * w.sparse * v for v in zs], atol=1e-5)
    np.testing.assert_allclose(sum(fused.parts.values()), fused.total, atol=1e-5)
    # the order is that of Σ w·z
    plain = np.array(zd) + w.sparse * np.array(zs) + w.bm25 * np.array(zb)
    assert list(np.argsort(-fused.total, kind="stable")) == list(np.argsort(-plain, kind="stable"))


def test_fuse_with_dense_alone_is_the_dense_score_and_weights_switch_kinds_off() -> None:
    dense = np.array([0.9, 0.8, 0.85], np.float32)
    sparse = np.array([0.0, 0.9, 0.1], np.float32)
    alone = fuse({K.DENSE: dense}, FusionWeights())
    np.testing.assert_allclose(alone.total, dense, atol=1e-6)
    off = fuse({K.DENSE: dense, K.SPARSE: sparse}, FusionWeights(sparse=0.0))
    np.testing.assert_allclose(off.total, dense, atol=1e-6)
    only = fuse({K.DENSE: dense, K.SPARSE: sparse}, FusionWeights().only(K.SPARSE))
    assert list(np.argsort(-only.total)) == [1, 2, 0]  # sparse order, dense ignored
    assert FusionWeights(sparse=0.5, bm25=0.0).kinds() == (K.DENSE, K.SPARSE)
    assert FusionWeights(sparse=0.5, bm25=0.2).without(K.DENSE).kinds() == (K.SPARSE, K.BM25)
    with pytest.raises(ValueError, match="differ in length"):
        fuse({K.DENSE: dense, K.SPARSE: sparse[:2]}, FusionWeights(sparse=1.0))
    assert fuse({}, FusionWeights()).total.shape == (0,)


def test_pool_candidates_is_dense_hits_plus_each_kinds_top_allowed() -> None:
    rng = np.random.default_rng(3)
    n = 30
    dense = np.where(rng.random(n) < 0.3, rng.uniform(0.7, 0.9, n), -np.inf).astype(np.float32)
    sparse = rng.uniform(-0.1, 0.5, n).astype(np.float32)
    bm25 = np.where(rng.random(n) < 0.6, 0.0, rng.uniform(0, 5, n)).astype(np.float32)
    allowed = np.flatnonzero(rng.random(n) < 0.7).astype(np.int64)
    got = pool_candidates(dense, [sparse, bm25], allowed, pool=4)
    want: set[int] = {i for i in allowed if np.isfinite(dense[i])}
    for values in (sparse, bm25):
        ranked = sorted((i for i in allowed if values[i] > 0), key=lambda i: (-values[i], i))
        want.update(int(i) for i in ranked[:4])
    assert list(got) == sorted(want)
    everyone = pool_candidates(dense, [sparse], None, pool=n)
    assert set(everyone) == {i for i in range(n) if np.isfinite(dense[i]) or sparse[i] > 0}


def test_top_two_per_org_and_breadth_match_a_loop() -> None:
    rng = np.random.default_rng(7)
    n, n_orgs = 60, 12
    scores = rng.choice([0.1, 0.5, 0.7, 0.9], n).astype(np.float32)  # ties on purpose
    owner = rng.integers(0, n_orgs - 2, n).astype(np.int64)  # the last two own nothing
    rows = rng.permutation(1000)[:n].astype(np.int64)
    best, second, best_row = top_two_per_org(scores, owner, rows, n_orgs)
    for org in range(n_orgs):
        mine = sorted((-float(scores[i]), int(rows[i])) for i in range(n) if owner[i] == org)
        if not mine:
            assert best[org] == -np.inf and second[org] == -np.inf and best_row[org] == -1
            continue
        assert (best[org], best_row[org]) == (pytest.approx(-mine[0][0]), mine[0][1])
        assert second[org] == (pytest.approx(-mine[1][0]) if len(mine) > 1 else -np.inf)
    got = breadth_scores(best, second, 0.25)
    want = [b + 0.25 * s if np.isfinite(s) else b for b, s in zip(best, second, strict=True)]
    np.testing.assert_allclose(got, want)


def _table() -> StatementTable:
    return StatementTable.from_orgs(load_demo_organisations()[:60])


def test_sparse_best_per_org_matches_a_loop_over_statements() -> None:
    table = _table()
    sparse = SparseStatements(table, HashingSparseEncoder()).build()
    q = sparse.encode(["碳化硅功率模块"])
    n_orgs = int(table.org.max()) + 1
    allowed = np.arange(0, n_orgs, 2, dtype=np.int64)
    best, rows = sparse.best_per_org(Space.OFFERS, q, n_orgs, allowed)
    offers = np.flatnonzero(table.mask(Space.OFFERS))
    cos = sparse.scores(Space.OFFERS, q)[:, 0]
    for org in range(n_orgs):
        mine = [(float(cos[j]), int(r)) for j, r in enumerate(offers) if table.org[r] == org]
        if org % 2 or not mine:
            assert best[org] == -np.inf and rows[org] == -1
            continue
        top = max(c for c, _ in mine)
        assert best[org] == pytest.approx(top)
        assert rows[org] == min(r for c, r in mine if c == top)
    norms = np.sqrt(
        np.asarray(
            sparse.matrices_[Space.OFFERS].multiply(sparse.matrices_[Space.OFFERS]).sum(axis=1)
        )
    )
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5)


def test_a_build_encodes_each_text_once_and_gives_every_statement_its_row() -> None:
    """Repeated offer texts are encoded once (a 10⁶ build held every statement's entries as
    Python objects): the matrix equals the rows encoded one statement at a time."""
    orgs = load_demo_organisations()[:60]
    twin = orgs[0].model_copy(update={"id": "demo-twin-0001"})  # the same offers again
    table = StatementTable.from_orgs([*orgs, twin])
    seen: list[int] = []

    class Counting(HashingSparseEncoder):
        def encode_entries(self, texts):  # type: ignore[no-untyped-def]
            seen.append(len(texts))
            return super().encode_entries(texts)

    sparse = SparseStatements(table, Counting()).build()
    rows = np.flatnonzero(table.mask(Space.OFFERS))
    texts = [table.texts[int(r)] for r in rows]
    assert seen == [len(set(texts))] and len(set(texts)) < len(texts)
    one_by_one = sparse.encode(texts)
    got = sparse.matrices_[Space.OFFERS]
    assert got.shape == one_by_one.shape and (got != one_by_one).nnz == 0
    np.testing.assert_array_equal(got.indptr, one_by_one.indptr)
    np.testing.assert_array_equal(got.indices, one_by_one.indices)


def test_sparse_vectors_round_trip_through_the_cache(tmp_path: Path) -> None:
    inner = HashingSparseEncoder(dim=512)
    cache = EmbeddingCache(tmp_path / "emb.sqlite")
    enc = CachedSparseEncoder(inner, cache)
    texts = ["液氨", "carbon fibre", "液氨", "光伏玻璃 EVA胶膜"]
    first = enc.encode_entries(texts)
    assert (enc.hits, enc.misses, inner.texts_encoded) == (0, 3, 3)
    again = CachedSparseEncoder(inner, EmbeddingCache(tmp_path / "emb.sqlite"))
    second = again.encode_entries(texts)
    assert (again.hits, again.misses, inner.texts_encoded) == (4, 0, 3)  # nothing re-encoded
    for (i1, v1), (i2, v2), want in zip(first, second, inner.encode_entries(texts), strict=True):
        np.testing.assert_array_equal(i1, want[0])
        np.testing.assert_array_equal(v1, want[1])
        np.testing.assert_array_equal(i2, want[0])
        np.testing.assert_array_equal(v2, want[1])
        assert i2.dtype == np.int32 and v2.dtype == np.float32
    assert cache.count() == 0  # dense table untouched


def test_sparse_statements_save_load_and_sync_encode_only_new(tmp_path: Path) -> None:
    orgs = load_demo_organisations()[:40]
    inner = HashingSparseEncoder()
    built = SparseStatements(StatementTable.from_orgs(orgs[:30]), inner).build()
    built.save(tmp_path)
    before = inner.texts_encoded
    table = StatementTable.from_orgs(orgs[5:40])  # five gone, ten new
    loaded = SparseStatements(table, inner)
    delta = loaded.load(tmp_path)
    new_offers = sum(1 for r in np.flatnonzero(table.mask(Space.OFFERS)) if table.org[r] >= 25)
    assert delta == {"added": new_offers}
    assert inner.texts_encoded - before == new_offers
    fresh = SparseStatements(table, HashingSparseEncoder()).build()
    diff = loaded.matrices_[Space.OFFERS] - fresh.matrices_[Space.OFFERS]
    assert abs(diff).max() < 1e-6
    other = SparseStatements(table, HashingSparseEncoder(dim=1024))  # another model: rebuilt
    assert other.load(tmp_path)["added"] == len(np.flatnonzero(table.mask(Space.OFFERS)))


@pytest.fixture(scope="module")
def hybrid_engine() -> MatchEngine:
    orgs = load_demo_organisations()
    enc = FakeEncoder(["碳化硅|SiC", "检测|测试|testing"], dim=64)
    return MatchEngine(
        orgs, load_default_taxonomy(), enc, sparse_encoder=HashingSparseEncoder()
    ).build()


def test_ask_names_the_evidence_behind_each_answer(hybrid_engine: MatchEngine) -> None:
    res = hybrid_engine.ask("碳化硅功率模块", k=5)
    assert len(res.matches) == 5
    for m in res.matches:  # the shipped recipe: dense, sparse, bigram BM25 and shares
        assert {"semantic", "sparse", "ngram", "share"} <= set(m.parts) and "bm25" not in m.parts
        assert m.score == pytest.approx(sum(m.parts.values()), abs=1e-4)
        assert "依据 evidence（语义、稀疏词项、字面片段、主营占比）" in m.explanation
        kinds = ("dense", "sparse", "ngram", "share")
        assert all(f"{kind} " in m.explanation for kind in kinds)
    assert res.to_dict()["results"][0].keys() >= {"org_id", "score", "parts", "explanation"}
    engine = MatchEngine(hybrid_engine.orgs, hybrid_engine.taxonomy, hybrid_engine.encoder)
    engine.vectors = hybrid_engine.vectors
    weights = FusionWeights(sparse=0.5, bm25=0.1)  # a kind at weight 0 is neither used nor named
    engine.hybrid = AskEvidence(engine.vectors, engine.orgs, replace(ASK_RECIPE, weights=weights))
    for m in engine.ask("碳化硅功率模块", k=5).matches:
        assert {"semantic", "sparse", "bm25"} <= set(m.parts) and "ngram" not in m.parts
        assert m.score == pytest.approx(sum(m.parts.values()), abs=1e-4)
        assert "（语义、稀疏词项、字面）" in m.explanation and "ngram" not in m.explanation


def test_bigrams_cut_chinese_runs_and_keep_latin_words() -> None:
    assert bigrams("锂电池") == ["锂电", "电池"]
    assert bigrams("钨") == ["钨"]  # a one-character run stays whole
    assert bigrams("PCB可靠性测试，LED") == ["pcb", "可靠", "靠性", "性测", "测试", "led"]
    # documents carry the characters too, so a one-character question finds its word
    assert bigrams("钨钼", unigrams=True) == ["钨钼", "钨", "钼"]
    # one string object per distinct token, whatever text it came from (corpus memory)
    assert bigrams("锂电池")[1] is bigrams("电池隔膜")[0]
    assert bigrams("钨钼", unigrams=True)[1] is bigrams("钨丝", unigrams=True)[1]
    assert bigrams("PCB板")[0] is bigrams("pcb")[0]


def test_bigram_bm25_finds_a_term_inside_a_compound_that_jieba_keeps_whole() -> None:
    """锂电池 is a kind of 电池; jieba cuts 锂电池 as one word, so BM25 over words misses it
    when the question is 电池; over bigrams it is found, and the exact maker ranks first."""
    docs = ["磷酸铁锂电池 储能电池", "电池", "光伏玻璃 EVA胶膜"]
    words = LexicalIndex.fit(docs, tokens=Tokens.WORDS).scores(["电池"])
    grams = LexicalIndex.fit(docs, tokens=Tokens.BIGRAMS).scores(["电池"])
    assert words[0] == 0 or words[0] < words[1]
    assert grams[0] > 0 and grams[1] > grams[0] and grams[2] == 0
    one = LexicalIndex.fit(["钨钼制品", "硬质合金"], tokens=Tokens.BIGRAMS).scores(["钨"])
    assert one[0] > 0 and one[1] == 0


def test_lexical_weights_fade_beyond_the_question_lengths_they_were_measured_on() -> None:
    recipe = replace(ASK_RECIPE, weights=FusionWeights(sparse=0.5, bm25=0.2, ngram=0.75))
    assert recipe.lexical_range == 4
    assert recipe.weights_for("电池") == recipe.weights  # one bigram: as measured
    assert recipe.weights_for("锂电池隔膜") == recipe.weights  # four: still measured
    # 需要 (1) + pcb (1) + 可靠性测试和失效分析服务 (12 characters: 11) = 13 bigrams: × 4/13
    got = recipe.weights_for("需要PCB可靠性测试和失效分析服务")
    assert (got.dense, got.sparse) == (1.0, 0.5)
    assert got.ngram == pytest.approx(0.75 * 4 / 13) and got.bm25 == pytest.approx(0.2 * 4 / 13)
    assert replace(recipe, lexical_range=0).weights_for("需要PCB可靠性测试和失效分析服务") == (
        recipe.weights
    )
    # no Chinese, no lexical evidence: its words occur only in offers of its own language
    english = recipe.weights_for("IP pledge loan")
    assert (english.dense, english.sparse, english.bm25, english.ngram) == (1.0, 0.5, 0.0, 0.0)


def test_one_chinese_character_is_a_question(hybrid_engine: MatchEngine) -> None:
    assert hybrid_engine.ask("钨", k=3).matches
    with pytest.raises(InvalidInputError, match="question is empty"):
        hybrid_engine.ask("x")


def test_ask_with_plain_dense_evidence_alone_is_best_statement_cosine(
    hybrid_engine: MatchEngine,
) -> None:
    """No feedback, no breadth, no other kind: the answer is plain cosine of the best offer,
    brute force over every statement."""
    from embeddings.base import l2_normalise
    from matcher.profiles import encode_for, profile_texts

    plain = MatchEngine(hybrid_engine.orgs, hybrid_engine.taxonomy, hybrid_engine.encoder)
    plain.vectors = hybrid_engine.vectors
    plain.hybrid = AskEvidence(hybrid_engine.vectors, plain.orgs, AskRecipe())
    text = "碳化硅功率模块"
    res = plain.ask(text, k=8)
    assert all(set(m.parts) == {"semantic", "qualification"} for m in res.matches)
    q = l2_normalise(encode_for(plain.encoder, Space.NEEDS, [text]))[0]
    best = {}
    for o in plain.orgs:
        texts = profile_texts(o, Space.OFFERS)
        if texts:
            best[o.id] = float((encode_for(plain.encoder, Space.OFFERS, texts) @ q).max())
    for m in res.matches:
        assert m.parts["semantic"] == pytest.approx(best[m.org_id], abs=1e-5)
        assert m.evidence[0].score == pytest.approx(best[m.org_id], abs=1e-5)
    top = sorted(best.values(), reverse=True)[:8]
    assert [m.parts["semantic"] for m in res.matches] == pytest.approx(top, abs=1e-5)


def test_sparse_encoder_for_pairs_model_free_encoders_with_hashing() -> None:
    assert isinstance(sparse_encoder_for(HashingEncoder()), HashingSparseEncoder)
    cached = sparse_encoder_for(_cached(HashingEncoder()))
    assert isinstance(cached, CachedSparseEncoder)
    assert cached.model_id == HashingSparseEncoder().model_id


def _cached(enc: HashingEncoder):  # type: ignore[no-untyped-def]
    from embeddings.cache import CachedEncoder

    return CachedEncoder(enc, EmbeddingCache(":memory:"))


def test_saved_engine_reloads_plain_and_sparse_vectors_without_encoding(tmp_path: Path) -> None:
    orgs = load_demo_organisations()[:80]
    enc, sparse = FakeEncoder(["碳化硅|SiC"], dim=64), HashingSparseEncoder()
    tax = load_default_taxonomy()
    built = MatchEngine(orgs, tax, enc, sparse_encoder=sparse).build()
    built.save(tmp_path)
    assert (tmp_path / "offers.plain.index").is_file()
    assert (tmp_path / "offers.sparse.npz").is_file()
    want = built.ask("碳化硅功率模块", k=5).to_dict()
    dense_before, sparse_before = enc.texts_encoded, sparse.texts_encoded
    again = MatchEngine(orgs, tax, enc, sparse_encoder=sparse)
    delta = again.load(tmp_path)
    assert delta == {"added": 0, "removed": 0, "sparse_encoded": 0}
    assert (enc.texts_encoded, sparse.texts_encoded) == (dense_before, sparse_before)
    got = again.ask("碳化硅功率模块", k=5).to_dict()
    assert [r["org_id"] for r in got["results"]] == [r["org_id"] for r in want["results"]]
    assert [r["score"] for r in got["results"]] == pytest.approx(
        [r["score"] for r in want["results"]], abs=1e-5
    )


@pytest.mark.parametrize("offers", [False, True])
def test_ask_and_partners_on_a_catalog_without_offers_answer_nothing(offers: bool) -> None:
    """An empty catalog, or one whose only organisation offers nothing, has no statement to
    search: the answer is empty, not the index's "k must be at least 1" ValueError."""
    orgs = load_demo_organisations()[:1]
    orgs = [o.model_copy(update={"offers": [], "products": []}) for o in orgs] if offers else []
    engine = MatchEngine(orgs, load_default_taxonomy(), HashingEncoder(dim=64)).build()
    assert engine.ask("锂电池", k=5).matches == ()
    if orgs:
        assert engine.find_partners(orgs[0].id, k=5).matches == ()
