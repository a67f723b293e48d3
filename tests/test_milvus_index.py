"""The Milvus index beyond the shared contract: how filters are written, what save and load
mean, configuration, and an engine on milvus-lite answering exactly as on the exact index.

The contract itself runs in tests/test_index_contract.py (``TestMilvusIndex``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from embeddings.base import l2_normalise

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("pymilvus", "milvus_lite")),
    reason="pymilvus / milvus-lite not installed (pip install '.[milvus]')",
)

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    from matcher.milvus import lite_uri

    return lite_uri(tmp_path_factory.mktemp("milvus") / "tests.db")


def _data(n: int, d: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.choice(10**12, size=n, replace=False).astype(np.int64)
    return ids, l2_normalise(rng.standard_normal((n, d)))


class Spy:
    """Records every filter expression the index sends to Milvus."""

    def __init__(self, index: Any) -> None:
        self.exprs: list[str | None] = []
        real = index._search

        def search(q: np.ndarray, limit: int, expr: str | None) -> Any:
            self.exprs.append(expr)
            return real(q, limit, expr)

        index._search = search


@pytest.mark.parametrize(
    ("keep", "plan"),
    [
        (slice(0, 40), "not in"),  # 40 of 48 allowed: the 8 left out are listed
        (slice(0, 5), "in"),  # 5 allowed: listed
        (slice(0, 30), "wide"),  # 30 / 18 left out, both over expr_ids, share 0.62
        (slice(0, 10), "chunks"),  # 10 / 38, share 0.21: listed in chunks of 6
    ],
)
def test_each_filter_plan_equals_the_exact_index(uri: str, keep: slice, plan: str) -> None:
    from matcher.index import ExactIndex
    from matcher.milvus import MilvusIndex

    ids, vecs = _data(48)
    milvus, exact = MilvusIndex(16, uri=uri, expr_ids=8 if plan != "chunks" else 6), ExactIndex(16)
    milvus.upsert(ids, vecs)
    exact.upsert(ids, vecs)
    spy = Spy(milvus)
    allowed = np.concatenate([ids[keep], [123]])  # an id the index does not hold is ignored
    q = vecs[40:46]
    got_scores, got = milvus.search(q, 7, filter=allowed)
    want_scores, want = exact.search(q, 7, filter=allowed)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(got_scores, want_scores, atol=1e-5)
    first = spy.exprs[0]
    if plan == "not in":
        assert spy.exprs == [f"id not in {sorted(ids[40:].tolist())}"]
    elif plan == "in":
        assert spy.exprs == [f"id in {sorted(ids[keep].tolist())}"]
    elif plan == "wide":
        assert first is None  # over-fetched unfiltered, cut to the filter here
        assert all(e is None or e.startswith("id in [") for e in spy.exprs)
    else:
        assert len(spy.exprs) == 2 and all(e and e.count(",") <= 5 for e in spy.exprs)


def test_a_query_short_after_the_over_fetch_is_searched_again_in_chunks(uri: str) -> None:
    from matcher.index import ExactIndex
    from matcher.milvus import MilvusIndex

    ids, vecs = _data(400, seed=4)
    milvus, exact = MilvusIndex(16, uri=uri, expr_ids=8), ExactIndex(16)
    milvus.upsert(ids, vecs)
    exact.upsert(ids, vecs)
    q = vecs[:2]
    # the 120 vectors farthest from query 0: none in its unfiltered top 172 (share 0.3; the
    # tie-stable search fetches 4k = 28, over-fetched 28 / 0.3 · 1.5 + 32)
    allowed = ids[np.argsort(q[0] @ vecs.T)[:120]]
    spy = Spy(milvus)
    got_scores, got = milvus.search(q, 7, filter=allowed)
    want_scores, want = exact.search(q, 7, filter=allowed)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(got_scores, want_scores, atol=1e-5)
    assert spy.exprs[0] is None and len(spy.exprs) == 1 + 15  # then 120 ids in chunks of 8
    assert all(e is not None and e.startswith("id in [") for e in spy.exprs[1:])


def test_save_writes_a_pointer_and_load_reopens_the_collection(uri: str, tmp_path: Path) -> None:
    from matcher.milvus import MilvusIndex

    ids, vecs = _data(30)
    index = MilvusIndex(16, uri=uri)
    index.upsert(ids, vecs)
    path = tmp_path / "offers.index"
    index.save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == {
        "format": "chainmatch-milvus/1",
        "uri": uri,
        "collection": index.collection,
        "dim": 16,
        "index_type": "FLAT",
        "vectors": 30,
    }
    again = MilvusIndex.load(path, uri=uri)
    assert again.collection == index.collection and len(again) == 30
    assert again.search(vecs[3], 1)[1].tolist() == [[int(ids[3])]]
    with pytest.raises(ValueError, match="not the configured /elsewhere/milvus.db"):
        MilvusIndex.load(path, uri="/elsewhere/milvus.db")
    # a rebuild saved over the pointer replaces the collection, and the old one is dropped
    fresh = MilvusIndex(16, uri=uri)
    fresh.upsert(ids[:3], vecs[:3])
    fresh.save(path)
    client = fresh._connect()
    assert client.has_collection(fresh.collection)
    assert not client.has_collection(index.collection)
    assert len(MilvusIndex.load(path)) == 3
    with pytest.raises(ValueError, match="not a Milvus index pointer"):
        path.write_text('{"format": "faiss"}', encoding="utf-8")
        MilvusIndex.load(path)


def test_data_outlives_the_process_that_wrote_it(tmp_path: Path) -> None:
    """Another process saves; this one loads: the vectors are in the lite folder."""
    db, pointer = tmp_path / "other.db", tmp_path / "needs.index"
    script = f"""
import numpy as np
from matcher.milvus import MilvusIndex, lite_uri
index = MilvusIndex(4, uri=lite_uri({str(db)!r}))
index.upsert([7, 8, 9], np.eye(4, dtype=np.float32)[:3])
index.delete([8])
index.save({str(pointer)!r})
"""
    root = Path(__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        timeout=120,
        cwd=root,
        env={"PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"},
    )
    from matcher.milvus import MilvusIndex

    index = MilvusIndex.load(pointer)
    assert index.ids().tolist() == [7, 9]
    scores, got = index.search(np.eye(4, dtype=np.float32)[[2]], 3)
    assert got.tolist() == [[9, 7, -1]]
    np.testing.assert_allclose(scores[0, :2], [1.0, 0.0], atol=1e-6)


def test_configuration_and_limits(uri: str) -> None:
    from matcher.index import IndexKind, make_index
    from matcher.milvus import MAX_TOPK, MilvusIndex, lite_uri

    assert IndexKind("milvus") is IndexKind.MILVUS
    assert IndexKind.AUTO.for_size(10**9) is IndexKind.FAISS_IVF  # AUTO never picks Milvus
    with pytest.raises(ValueError, match="needs a Milvus URI"):
        make_index(IndexKind.MILVUS, 8)
    index = make_index(IndexKind.MILVUS, 8, milvus_uri=uri)
    assert isinstance(index, MilvusIndex) and index.uri == uri and len(index) == 0
    with pytest.raises(ValueError, match=f"at most {MAX_TOPK}"):
        index.search(np.ones((1, 8), dtype=np.float32), MAX_TOPK + 1)
    with pytest.raises(ValueError, match="must end in .db"):
        lite_uri(Path("milvus.sqlite"))
    assert index.delete([1, 2]) == 0  # nothing there: no collection made for it


def test_engine_on_milvus_finds_what_the_exact_engine_finds(uri: str, tmp_path: Path) -> None:
    from catalog.models import Organisation
    from catalog.taxonomy import load_default_taxonomy
    from embeddings.hashing import HashingEncoder
    from eval.scale_catalog import ScaleSources, iter_organisations
    from matcher.engine import MatchEngine
    from matcher.index import IndexKind
    from matcher.milvus import MilvusIndex

    src = ScaleSources.load(use_ashare=False)
    orgs = [Organisation.model_validate(r) for r in iter_organisations(src, 120, seed=3)]

    def engine(kind: IndexKind) -> MatchEngine:
        return MatchEngine(
            orgs,
            load_default_taxonomy(),
            HashingEncoder(dim=64),
            index_kind=kind,
            today=TODAY,
            milvus_uri=uri,
        )

    exact, milvus = engine(IndexKind.EXACT).build(), engine(IndexKind.MILVUS).build()
    assert all(isinstance(ix, MilvusIndex) for ix in milvus.indexes.values())
    asking = [o.id for o in orgs[::12] if o.needs and o.offers]
    assert len(asking) >= 3
    members = [o.id for o in orgs[:50]]
    for org_id in asking:
        for items in (None, members):
            want = exact.find_partners(org_id, k=10, items=items).matches
            got = milvus.find_partners(org_id, k=10, items=items).matches
            assert [m.org_id for m in got] == [m.org_id for m in want], (org_id, items)
            np.testing.assert_allclose([m.score for m in got], [m.score for m in want], atol=1e-5)
    # saved and reopened by a second engine: the same collections, nothing re-encoded
    milvus.save(tmp_path / "index")
    again = engine(IndexKind.MILVUS)
    assert again.load(tmp_path / "index") == {"added": 0, "removed": 0}
    names = {s: ix.collection for s, ix in milvus.indexes.items()}  # type: ignore[attr-defined]
    assert {s: ix.collection for s, ix in again.indexes.items()} == names  # type: ignore[attr-defined]
    org_id = asking[0]
    assert [m.org_id for m in again.find_partners(org_id, k=10).matches] == [
        m.org_id for m in exact.find_partners(org_id, k=10).matches
    ]


def test_cli_chooses_milvus_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``CHAINMATCH_INDEX=milvus``: the vectors go to ``<home>/milvus.db`` (or
    ``CHAINMATCH_MILVUS_URI``), the index folder holds pointers, and the answers are the
    default index's."""
    from typer.testing import CliRunner

    from service.cli import app

    monkeypatch.setenv("CHAINMATCH_ENCODER", "hashing")
    runner = CliRunner()

    def partners(home: Path, org: str) -> list[tuple[str, float]]:
        monkeypatch.setenv("CHAINMATCH_HOME", str(home))
        res = runner.invoke(app, ["partners", org, "--json", "--k", "8"], catch_exceptions=False)
        assert res.exit_code == 0, res.stderr
        return [(r["org_id"], round(r["score"], 4)) for r in json.loads(res.stdout)["results"]]

    for home, kind in ((tmp_path / "faiss", "auto"), (tmp_path / "milvus", "milvus")):
        monkeypatch.setenv("CHAINMATCH_HOME", str(home))
        monkeypatch.setenv("CHAINMATCH_INDEX", kind)
        assert runner.invoke(app, ["demo", "--k", "1"], catch_exceptions=False).exit_code == 0
        info = json.loads(runner.invoke(app, ["info", "--json"]).stdout)
        assert info["index"] == kind
    pointer = json.loads((tmp_path / "milvus" / "index" / "offers.index").read_text("utf-8"))
    assert pointer["uri"] == str(tmp_path / "milvus" / "milvus.db")
    assert (tmp_path / "milvus" / "milvus.db").is_dir()
    for org in ("demo-nev-0001", "demo-ic-0003"):
        monkeypatch.setenv("CHAINMATCH_INDEX", "auto")
        want = partners(tmp_path / "faiss", org)
        monkeypatch.setenv("CHAINMATCH_INDEX", "milvus")
        assert partners(tmp_path / "milvus", org) == want


def test_service_settings_read_the_index_and_the_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog.paths import Paths
    from matcher.index import IndexKind
    from service.settings import Settings
    from service.workspace import Workspace

    monkeypatch.setenv("CHAINMATCH_INDEX", "milvus")
    monkeypatch.setenv("CHAINMATCH_MILVUS_URI", "http://milvus.internal:19530")
    settings = Settings(home=tmp_path)
    assert (settings.index, settings.milvus_uri) == (
        IndexKind.MILVUS,
        "http://milvus.internal:19530",
    )
    monkeypatch.setenv("CHAINMATCH_INDEX", "pinecone")
    with pytest.raises(ValueError, match="'exact', 'faiss-flat', 'faiss-ivf', 'auto' or 'milvus'"):
        Settings(home=tmp_path)
    with Workspace(Paths(tmp_path / "home"), index_kind=IndexKind.MILVUS) as ws:
        assert ws.milvus_uri == str(tmp_path / "home" / "milvus.db")
