"""The soak benchmark (`eval.bench_soak`) gives a finite, honest answer: its open loop is
bounded (shed requests counted per route, every request given up after the timeout), the
limits table's figures agree with each other, and a short run on ``chainmatch serve``
(hashing encoder) ends with a consistent catalog and a named limiting route."""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from pathlib import Path

import httpx
import pytest

from eval.bench_soak import main
from eval.soak_load import Calls, Route, Writes, mix_shares, open_loop
from eval.soak_report import jsonable, limits


def test_limits_name_the_route_that_takes_most_server_time_and_the_mix_capacity() -> None:
    shares = {Route.ASK: 0.5, Route.ORGS: 0.25, Route.MAP: 0.25}
    t = limits(shares, 200, {Route.ASK: 10.0, Route.ORGS: 100.0, Route.MAP: 25.0})
    # seconds a mix request costs: 0.5/10 + 0.25/100 + 0.25/25 = 0.0625 → 16 req/s
    assert t.mix_capacity_rps == 16.0
    assert t.load_factor == 12.5
    assert t.limiting_route is Route.ASK
    assert t.shortfall_rps == 184.0
    assert t.without_limiting_rps == round(1 / 0.0125, 2)
    rows = {r.route: r for r in t.rows}
    assert (rows[Route.ASK].required_rps, rows[Route.ASK].ratio) == (100.0, 10.0)
    assert rows[Route.ASK].time_share == 0.8
    assert rows[Route.MAP].time_share == 0.16


def test_a_route_with_no_capacity_limits_the_mix_to_nothing() -> None:
    t = limits({Route.ASK: 0.5, Route.ORGS: 0.5}, 50, {Route.ASK: 0.0, Route.ORGS: 100.0})
    assert (t.limiting_route, t.mix_capacity_rps, t.without_limiting_rps) == (Route.ASK, 0, 200)
    assert jsonable(t.load_factor) is None  # inf is not JSON


def _calls(writes: Writes) -> Calls:
    return Calls(random.Random(0), writes, "t" * 20, max_creates=300)


def _slow(seconds: float) -> httpx.MockTransport:
    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(seconds)
        return httpx.Response(201 if request.method == "POST" else 200, json={"offers": []})

    return httpx.MockTransport(answer)


def test_the_open_loop_sheds_what_the_cap_cannot_hold_and_counts_it_per_route() -> None:
    shares = mix_shares(0.1)
    run = asyncio.run(
        open_loop(
            "http://soak.test",
            _calls(Writes()),
            shares,
            rate=60,
            seconds=1.0,
            max_in_flight=3,
            timeout_s=5,
            transport=_slow(0.25),
        )
    )
    sent = sum(st.sent for st in run.routes.values())
    shed = sum(st.shed for st in run.routes.values())
    assert sent + shed == 60  # every due request either sent or shed, none lost
    assert 0 < sent <= 3 * (run.sent_s / 0.25 + 1)  # 3 at a time, 0.25 s each
    assert all(st.ok == st.sent for st in run.routes.values())
    assert sum(st.shed > 0 for st in run.routes.values()) >= 3  # shed where it was due
    assert run.unfinished == 0 and run.drain_s < 1.0  # at most 3 left, 0.25 s each


def test_the_open_loop_gives_up_after_the_timeout_and_a_write_then_is_uncertain() -> None:
    writes = Writes()
    started = time.perf_counter()
    run = asyncio.run(
        open_loop(
            "http://soak.test",
            _calls(writes),
            {Route.WRITE: 1.0},
            rate=20,
            seconds=0.5,
            max_in_flight=100,
            timeout_s=0.3,
            transport=_slow(30),
        )
    )
    assert time.perf_counter() - started < 0.5 + 0.3 + 1.0  # finite: window + timeout
    st = run.routes[Route.WRITE]
    assert (st.timeouts, st.ok, st.shed) == (10, 0, 0)
    assert min(st.latencies) >= 0.29  # a timed-out request counts at its timeout
    assert (writes.attempted, writes.acknowledged, len(writes.uncertain)) == (10, 0, 10)
    # none acknowledged, so each was a create: the organisation may exist or not
    assert writes.last == {} and all(m[0] is None for m in writes.uncertain.values())


def test_a_short_soak_ends_consistent_and_names_its_limiting_route(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    argv = ["--minutes", "0.05", "--rate", "20", "--writes", "0.3", "--encoder", "hashing"]
    argv += ["--capacity-seconds", "0.7", "--capacity-clients", "2", "--seed", "3"]
    report = main([*argv, "--home", str(tmp_path / "home"), "--json", str(out)])
    saved = json.loads(out.read_text())
    assert saved == json.loads(json.dumps(jsonable(report)))
    assert saved["server"]["workers"] == saved["config"]["workers"] == 1

    consistency = saved["consistency"]
    assert consistency["problems"] == [] and consistency["ok"]
    w = consistency["writes"]
    assert w["attempted"] == w["acknowledged"] == w["audit_entries"] > 10
    assert w["orgs_visible"] == w["orgs_acknowledged"] > 0 and w["orgs_uncertain"] == 0
    assert w["organisations"]["end"] == w["organisations"]["start"] + w["creates"]
    assert consistency["matching_probe"] == {
        "probes": 12,
        "unknown": 0,
        "other": 0,
        "write_status": 201,
    }

    run = saved["run"]
    assert run["sent"] + run["shed"] == 60
    assert run["ok"] + run["errors"] == run["sent"] and run["status_5xx"] == 0
    assert set(run["routes"]) == {r.value for r in Route}
    assert sum(r["shed"] for r in run["routes"].values()) == run["shed"]
    assert run["drain_s"] <= 10 + 1  # the default timeout bounds the drain

    table = saved["limits"]
    caps = {c["route"]: c["rps"] for c in saved["capacity"]}
    assert set(caps) == {r.value for r in Route} and min(caps.values()) > 0
    cost = {r["route"]: r["share"] / caps[r["route"]] for r in table["rows"]}
    assert table["mix_capacity_rps"] == pytest.approx(1 / sum(cost.values()), rel=2e-3)
    assert table["limiting_route"] == max(cost, key=lambda r: cost[r])
    assert table["load_factor"] == pytest.approx(20 / table["mix_capacity_rps"], rel=2e-3)
    for row in table["rows"]:
        assert row["required_rps"] == pytest.approx(row["share"] * 20, abs=0.01)
        ratio = row["required_rps"] / row["capacity_rps"]
        assert row["ratio"] == pytest.approx(ratio, rel=2e-3, abs=2e-3)
    assert math.fsum(r["time_share"] for r in table["rows"]) == pytest.approx(1, abs=1e-3)
    assert table["limiting_route"] in saved["verdict"]["limit"]
    assert saved["verdict"]["held"] == (not saved["verdict"]["reasons"])
