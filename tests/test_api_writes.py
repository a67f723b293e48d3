"""Catalog writes in the running service: visible to the next query without a rebuild,
batched when they arrive together, refitted and compacted in the background (hashing
encoder: no model needed)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from catalog.models import Organisation
from catalog.paths import Paths
from embeddings.choice import EncoderKind
from matcher.generation import pending
from matcher.stale import StaleKnowledge
from service.api.app import create_app
from service.api.state import EngineHolder
from service.settings import Settings
from service.workspace import Workspace

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TODAY = dt.date(2026, 6, 1)

NEW = {
    "id": "write-1",
    "name": "写入测试材料公司",
    "offers": ["钙钛矿叠层电池封装胶膜"],
    "needs": ["寻找高阻隔水汽背板"],
    "chains": [{"chain": "pv", "segment": "pv-module"}],
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    home = tmp_path_factory.mktemp("writes-home")
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def _asked(client: TestClient, text: str, k: int = 5) -> list[str]:
    r = client.post("/ask", json={"text": text, "k": k})
    assert r.status_code == 200, r.text
    return [m["org_id"] for m in r.json()["results"]]


def test_post_put_delete_are_read_back_by_the_next_query(client: TestClient) -> None:
    version = client.get("/health").json()["index_version"]
    assert "write-1" not in _asked(client, "钙钛矿叠层电池封装胶膜")
    assert client.post("/orgs", json=NEW, headers=AUTH).status_code == 201
    assert _asked(client, "钙钛矿叠层电池封装胶膜")[0] == "write-1"
    r = client.post("/match/partners", json={"org_id": "write-1", "k": 3})
    assert r.status_code == 200 and len(r.json()["results"]) == 3
    assert client.get("/health").json()["index_version"] == version + 1
    # an update: the new offer is found at once, the old one no longer names it
    r = client.put("/orgs/write-1", json={"offers": ["柔性钙钛矿组件激光划线设备"]}, headers=AUTH)
    assert r.status_code == 200 and r.json()["offers"] == ["柔性钙钛矿组件激光划线设备"]
    assert _asked(client, "柔性钙钛矿组件激光划线设备")[0] == "write-1"
    assert "write-1" not in _asked(client, "钙钛矿叠层电池封装胶膜", k=20)
    subs = client.post("/match/substitutes", json={"org_id": "write-1", "k": 5}).json()
    assert len(subs["results"]) == 5 and "write-1" not in [m["org_id"] for m in subs["results"]]
    # a delete: gone from answers and from the verbs
    assert client.delete("/orgs/write-1", headers=AUTH).status_code == 204
    assert "write-1" not in _asked(client, "柔性钙钛矿组件激光划线设备", k=20)
    r = client.post("/match/partners", json={"org_id": "write-1"})
    assert r.status_code == 404 and "write-1" in r.json()["detail"]
    assert client.get("/health").json()["organisations"] == 357


def test_an_update_that_changes_nothing_publishes_nothing(client: TestClient) -> None:
    version = client.get("/health").json()["index_version"]
    body = client.get("/orgs/demo-nev-0019", headers=AUTH).json()
    r = client.put("/orgs/demo-nev-0019", json={"name": body["name"]}, headers=AUTH)
    assert r.status_code == 200
    assert client.get("/health").json()["index_version"] == version


# --------------------------------------------------------------- the holder itself
@pytest.fixture()
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace(Paths(tmp_path), encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False)
    ws.load_demo()
    yield ws
    ws.close()


def _org(i: int) -> Organisation:
    return Organisation(
        id=f"batch-{i:02d}",
        name=f"批量写入{i}号公司",
        offers=(f"第{i}代固态电池电解质薄膜",),
        needs=("寻找锂金属负极箔材",),
    )


def test_concurrent_writes_are_published_together_and_all_visible(
    workspace: Workspace,
) -> None:
    holder = EngineHolder(workspace, background=False)
    version = holder.version
    gate = threading.Barrier(8)

    def write(i: int) -> None:
        gate.wait()
        holder.write(lambda store: store.insert([_org(i)]))
        # once write returns, this very write is visible
        assert f"batch-{i:02d}" in {o.id for o in holder.engine.orgs}

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine = holder.engine
    assert {f"batch-{i:02d}" for i in range(8)} <= {o.id for o in engine.orgs}
    assert 1 <= holder.version - version <= 8  # group commit: usually far fewer than 8
    top = engine.ask("第3代固态电池电解质薄膜", k=3).matches[0]
    assert top.org_id == "batch-03"
    assert holder.writes_unfitted == 8 and isinstance(engine._learned, StaleKnowledge)


def test_readers_during_writes_see_whole_generations(workspace: Workspace) -> None:
    """Every answer comes from one generation: a reader never sees an organisation
    half-written (listed without its statements, or its statements without it)."""
    holder = EngineHolder(workspace, background=False)
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            engine = holder.engine
            ids = {o.id for o in engine.orgs}
            res = engine.ask("固态电池电解质薄膜", k=10)
            found = [m.org_id for m in res.matches]
            if any(i not in ids for i in found) or len(engine.table.org) != len(engine.table):
                errors.append(f"{found} outside the generation")
            owners = set(engine.table.org.tolist())
            if owners - set(range(len(engine.orgs))):
                errors.append("a statement of an unknown organisation")

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for i in range(6):
        holder.write(lambda store, i=i: store.insert([_org(i)]))
        holder.write(lambda store, i=i: store.delete([f"batch-{i:02d}"]))
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert not any(o.id.startswith("batch-") for o in holder.engine.orgs)


def test_background_refit_and_compaction_reach_a_fresh_engine(workspace: Workspace) -> None:
    holder = EngineHolder(workspace, refit_seconds=0.2, compact_above=1)
    try:
        for i in range(3):
            holder.write(lambda store, i=i: store.insert([_org(i)]))
        holder.write(lambda store: store.delete(["demo-nev-0019"]))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            holder.writes_unfitted or pending(holder.engine) or _stale(holder)
        ):
            time.sleep(0.1)
        engine = holder.engine
        assert holder.writes_unfitted == 0 and pending(engine) == 0 and not _stale(holder)
    finally:
        holder.close()
    # the saved index now holds the writes: a fresh engine syncs nothing
    fresh = workspace.engine()
    assert workspace.engine().load(workspace.paths.index) == {
        "added": 0,
        "removed": 0,
        "sparse_encoded": 0,
    }
    for org_id in ("batch-01", "demo-ic-0029", "demo-pv-0003"):
        a = engine.find_partners(org_id, k=10).matches
        b = fresh.find_partners(org_id, k=10).matches
        assert [m.org_id for m in a] == [m.org_id for m in b]
        assert [m.score for m in a] == pytest.approx([m.score for m in b], abs=1e-5)
    a, b = engine.ask("固态电池电解质薄膜", k=10), fresh.ask("固态电池电解质薄膜", k=10)
    assert [m.org_id for m in a.matches] == [m.org_id for m in b.matches]


def _stale(holder: EngineHolder) -> bool:
    return isinstance(holder.engine._learned, StaleKnowledge)
