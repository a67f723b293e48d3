"""Maps served stale while they are redrawn: one background build per query, one first
build however many requests wait for it, errors neither cached nor lost (fake maps and a
fake generation counter), and the service's /map after a write (hashing encoder)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from matcher.coopmap import CoopMap
from matcher.engine import MatchEngine
from service.api.app import create_app
from service.api.mapcache import MapCache, MapView
from service.settings import Settings

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Park:
    """A generation counter standing in for the live engine; builds are counted per
    generation and can be held back to look at the cache mid-build."""

    def __init__(self) -> None:
        self.generation = 1
        self.builds: list[int] = []
        self.release = threading.Event()
        self.release.set()
        self.fail: type[Exception] | None = None

    def snapshot(self) -> tuple[MatchEngine, int]:
        return cast(MatchEngine, self.generation), self.generation

    def build(self, engine: MatchEngine) -> CoopMap:
        generation = cast(int, engine)
        self.builds.append(generation)
        self.release.wait(10)
        if self.fail is not None:
            raise self.fail(f"no map at generation {generation}")
        return cast(CoopMap, f"map@{generation}")


def _label(view: MapView) -> str:
    return cast(str, view.cmap)  # the fake maps are strings


def _settle(cache: MapCache, park: Park, key: tuple[object, ...]) -> None:
    """Wait until the background refresh of ``key`` has landed."""
    for _ in range(500):
        view = cache.get(key, park.build)
        if not view.stale:
            return
        time.sleep(0.01)
    raise AssertionError("the map was never redrawn")


def test_first_request_draws_then_serves_the_same_generation() -> None:
    park = Park()
    cache = MapCache(park.snapshot)
    first = cache.get(("nev",), park.build)
    again = cache.get(("nev",), park.build)
    assert (_label(first), first.generation, first.stale) == ("map@1", 1, False)
    assert (_label(again), again.stale) == ("map@1", False)
    assert park.builds == [1]


def test_after_a_write_the_old_map_is_served_while_one_refresh_runs() -> None:
    park = Park()
    cache = MapCache(park.snapshot, refresh_every=0)
    cache.get(("nev",), park.build)
    park.generation = 2
    park.release.clear()  # hold the refresh
    views = [cache.get(("nev",), park.build) for _ in range(5)]
    assert [(_label(v), v.generation, v.stale) for v in views] == [("map@1", 1, True)] * 5
    park.release.set()
    _settle(cache, park, ("nev",))
    now = cache.get(("nev",), park.build)
    assert (_label(now), now.generation, now.stale) == ("map@2", 2, False)
    assert park.builds == [1, 2]  # five stale requests, one refresh


def test_concurrent_first_requests_wait_for_one_build() -> None:
    park = Park()
    cache = MapCache(park.snapshot)
    park.release.clear()
    got: list[str] = []
    threads = [
        threading.Thread(target=lambda: got.append(_label(cache.get(("ic",), park.build))))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    time.sleep(0.2)
    park.release.set()
    for t in threads:
        t.join(10)
    assert got == ["map@1"] * 8
    assert park.builds == [1]


def test_a_failed_first_build_raises_and_leaves_nothing_cached() -> None:
    park = Park()
    cache = MapCache(park.snapshot)
    park.fail = ValueError
    with pytest.raises(ValueError, match="no map at generation 1"):
        cache.get(("pv",), park.build)
    park.fail = None
    assert _label(cache.get(("pv",), park.build)) == "map@1"
    assert park.builds == [1, 1]


def test_a_failed_refresh_keeps_the_stale_map_and_is_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    park = Park()
    cache = MapCache(park.snapshot, refresh_every=0)
    cache.get(("pv",), park.build)
    park.generation, park.fail = 3, RuntimeError
    with caplog.at_level(logging.WARNING, logger="service.api.mapcache"):
        assert cache.get(("pv",), park.build).stale
        for _ in range(500):  # the refresh fails in the background
            if any("redrawing map" in r.getMessage() for r in caplog.records):
                break
            time.sleep(0.01)
    assert "redrawing map ('pv',) at generation 3 failed" in caplog.text
    park.fail = None
    _settle(cache, park, ("pv",))
    assert _label(cache.get(("pv",), park.build)) == "map@3"
    assert park.builds[0] == 1 and park.builds[-1] == 3 and len(park.builds) >= 3


def test_the_least_recently_used_query_is_forgotten_past_the_size() -> None:
    park = Park()
    cache = MapCache(park.snapshot, size=2)
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        cache.get((key,), park.build)
    cache.get(("a",), park.build)
    cache.get(("b",), park.build)
    assert park.builds == [1, 1, 1, 1]  # a, b, c, then b again
    with pytest.raises(ValueError, match="size must be at least 1, got 0"):
        MapCache(park.snapshot, size=0)
    with pytest.raises(ValueError, match="refresh_every must be at least 0 seconds, got -1"):
        MapCache(park.snapshot, refresh_every=-1)


def test_a_map_is_redrawn_at_most_once_per_interval_by_one_thread() -> None:
    park = Park()
    cache = MapCache(park.snapshot, refresh_every=60)
    cache.get(("a",), park.build)
    cache.get(("b",), park.build)
    for generation in range(2, 6):  # a write stream: every request finds a newer generation
        park.generation = generation
        assert [cache.get((k,), park.build).generation for k in "ab"] == [1, 1]
    time.sleep(0.1)
    assert park.builds == [1, 1]  # drawn less than 60 s ago: served stale, not redrawn
    cache.refresh_every = 0
    park.release.clear()  # hold the first redraw: the other waits behind it, on one thread
    assert cache.get(("a",), park.build).stale and cache.get(("b",), park.build).stale
    time.sleep(0.1)
    assert park.builds == [1, 1, 5]
    park.release.set()
    _settle(cache, park, ("a",))
    _settle(cache, park, ("b",))
    assert park.builds == [1, 1, 5, 5]
    refreshers = sum(t.name == "map-refresh" for t in threading.enumerate())
    cache.close()  # its refresher ends (other tests' caches may keep theirs)
    assert sum(t.name == "map-refresh" for t in threading.enumerate()) == refreshers - 1


def _nodes(c: TestClient) -> tuple[dict[str, Any], set[str]]:
    body = c.get("/map", params={"chain": "pv", "per_org": 1}).json()
    return body, {n["id"] for n in body["nodes"]}


def test_map_after_a_write_is_stale_then_shows_the_write(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        c.app.state.holder.maps.refresh_every = 0.0  # type: ignore[attr-defined]
        before, ids = _nodes(c)
        assert before["stale"] is False and "swr-1" not in ids
        org = {
            "id": "swr-1",
            "name": "图谱刷新测试组件公司",
            "offers": ["双玻光伏组件"],
            "needs": ["采购光伏玻璃"],
            "chains": [{"chain": "pv", "segment": "pv-module"}],
        }
        assert c.post("/orgs", json=org, headers=AUTH).status_code == 201
        served, ids = _nodes(c)  # answered at once from the map drawn before the write
        assert (served["stale"], served["generation"]) == (True, before["generation"])
        assert "swr-1" not in ids
        for _ in range(300):
            body, ids = _nodes(c)
            if not body["stale"]:
                break
            time.sleep(0.05)
        assert body["stale"] is False and body["generation"] > before["generation"]
        assert "swr-1" in ids
