"""The console's event endpoints: plan jobs with progress, grid moves re-checked by the
server, and an organisation's events (demo park, hashing encoder)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.actors import Role
from catalog.audit import AuditLog
from catalog.errors import ConflictError
from matcher.events import PlanPhase, PlanProgress, ProgressFn
from service.api.app import create_app
from service.api.plan_jobs import JobState, PlanJobs
from service.settings import Settings
from service.tokens import add_token

TOKEN = "grid-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AWAY = "demo-nev-0002"  # unavailable in slot 4
EVENT: dict[str, Any] = {
    "name": "网格测试会",
    "date": "2026-11-20",
    "theme": {"chains": ["nev"]},
    "slots": ["09:00", "09:20", "09:40", "10:00"],
    "tables": 6,
    "participants": [
        {
            "org_id": f"demo-nev-{n:04d}",
            "min_meetings": 1,
            **({"unavailable": [4]} if n == 2 else {}),
        }
        for n in range(1, 11)
    ],
    "pairs": [{"a": "demo-nev-0001", "b": "demo-nev-0003", "preference": "no_thanks"}],
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("grid-home")


@pytest.fixture(scope="module")
def company(home: Path) -> dict[str, str]:
    token = add_token(home / "tokens.toml", "co05", Role.COMPANY, "demo-nev-0005")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def client(home: Path, company: dict[str, str]) -> Iterator[TestClient]:
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def _wait(client: TestClient, job_id: str) -> list[dict[str, Any]]:
    seen = []
    for _ in range(600):
        r = client.get(f"/events/jobs/{job_id}")
        assert r.status_code == 200, r.text
        seen.append(r.json())
        if seen[-1]["state"] in ("done", "failed"):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {seen[-1]}")


@pytest.fixture(scope="module")
def planned(client: TestClient) -> dict[str, Any]:
    body = {"event": EVENT, "time_limit": 5, "not_again_within_days": 0}
    r = client.post("/events/plan/jobs", json=body, headers=AUTH)
    assert r.status_code == 202, r.text
    assert r.json()["job_id"] == "job-1" and r.json()["state"] in ("queued", "running")
    seen = _wait(client, "job-1")
    last = seen[-1]
    assert last["state"] == "done" and last["phase"] == "done" and last["progress"] == 1.0
    plan: dict[str, Any] = last["result"]
    # the job reports what the plan says: objective, bound, gap
    assert last["best_objective"] == pytest.approx(plan["objective"], abs=1e-3)
    assert last["bound"] == pytest.approx(plan["bound"], abs=1e-3)
    assert last["gap"] == pytest.approx(plan["gap"], abs=1e-5)
    fractions = [s["progress"] for s in seen]
    assert fractions == sorted(fractions)
    assert client.get(f"/events/{plan['event_id']}").json()["meetings"] == plan["meetings"]
    return plan


def test_a_plan_job_ends_with_the_plan_and_its_gap(planned: dict[str, Any]) -> None:
    assert planned["saved"] is True and planned["event_id"] == "ev-20261120-1"
    assert not any(m["slot"] == 4 and AWAY in (m["a"], m["b"]) for m in planned["meetings"])
    assert not any(
        (m["a"], m["b"]) == ("demo-nev-0001", "demo-nev-0003") for m in planned["meetings"]
    )


def test_a_failed_job_carries_the_error_body_of_plan(client: TestClient) -> None:
    bad = {
        **EVENT,
        "id": "bad",
        "tables": 0,
        "pairs": [{"a": "demo-nev-0001", "b": "demo-nev-0004", "preference": "must_meet"}],
    }
    r = client.post("/events/plan/jobs", json={"event": bad, "save": False, "time_limit": 2})
    assert r.status_code == 202
    last = _wait(client, r.json()["job_id"])[-1]
    assert last["state"] == "failed" and last["error_status"] == 422 and last["result"] is None
    assert last["error"]["errors"][0]["field"] == "tables"
    assert "0 tables but 1 must-meet pair(s)" in last["error"]["detail"]


def test_jobs_need_staff_to_save_and_unknown_jobs_are_404(
    client: TestClient, company: dict[str, str]
) -> None:
    r = client.post("/events/plan/jobs", json={"event": EVENT}, headers=company)
    assert r.status_code == 403 and "needs a staff token" in r.json()["detail"]
    r = client.get("/events/jobs/job-999")
    assert (r.status_code, r.json()) == (404, {"detail": "job 'job-999' not found", "errors": []})


def test_jobs_run_one_at_a_time_and_a_full_queue_is_refused() -> None:
    jobs = PlanJobs(max_waiting=1)
    gate, order = threading.Event(), []

    def run(name: str) -> Any:
        def go(seen: ProgressFn) -> Any:
            gate.wait(10)
            order.append(name)
            seen(PlanProgress(PlanPhase.DONE, 1.0, 2.0, 2.5))
            return name

        return go

    first, second = jobs.submit(run("first")), jobs.submit(run("second"))
    deadline = time.monotonic() + 10
    while first.state is JobState.QUEUED and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (first.state, second.state) == (JobState.RUNNING, JobState.QUEUED)
    with pytest.raises(
        ConflictError, match=r"the planner is busy: 2 plan job\(s\) are running or waiting"
    ):
        jobs.submit(run("third"))
    gate.set()
    while second.state is not JobState.DONE and time.monotonic() < deadline:
        time.sleep(0.01)
    assert order == ["first", "second"] and second.result == "second"
    assert second.progress is not None and second.progress.gap == pytest.approx(0.2)


def _grid(planned: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    return {(m["slot"], m["table"]): m for m in planned["meetings"]}


def _move(
    client: TestClient, eid: str, src: tuple[int, int], dst: tuple[int, int], **kw: Any
) -> Any:
    body = {
        "from": {"slot": src[0], "table": src[1]},
        "to": {"slot": dst[0], "table": dst[1]},
        **kw,
    }
    r = client.post(f"/events/{eid}/moves", json=body, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_move_into_a_busy_slot_is_refused_naming_who_and_where(
    client: TestClient, planned: dict[str, Any]
) -> None:
    eid, grid = planned["event_id"], _grid(planned)
    # a meeting whose company also meets someone else in another slot
    for (s, t), m in sorted(grid.items()):  # noqa: B007 (t is used after the loop)
        other = next(
            (
                (s2, t2, x)
                for (s2, t2), x in sorted(grid.items())
                if s2 != s and m["a"] in (x["a"], x["b"])
            ),
            None,
        )
        if other is None:
            continue
        s2, t2, x = other
        target = next(t3 for t3 in range(1, 5) if t3 != t2)
        break
    else:
        pytest.fail("no company meets twice")
    verdict = _move(client, eid, (s, t), (s2, target))
    partner = x["b"] if x["a"] == m["a"] else x["a"]
    busy = [v for v in verdict["violations"] if v["rule"] == "busy"]
    assert busy[0] == {
        "rule": "busy",
        "participants": [m["a"], partner],
        "message": f"{m['a_name']} ({m['a']}) already meets "
        f"{x['b_name'] if partner == x['b'] else x['a_name']} ({partner}) "
        f"in slot {s2} (table {t2})",
    }
    assert verdict["valid"] is False and verdict["applied"] is False
    assert verdict["checked"] == ["cell", "busy", "unavailable", "no_thanks", "met_before"]
    assert _grid(client.get(f"/events/{eid}").json()) == grid  # nothing written


def test_a_move_into_an_unavailable_slot_is_refused(
    client: TestClient, planned: dict[str, Any]
) -> None:
    eid, grid = planned["event_id"], _grid(planned)
    (s, t), m = next(((k, m) for k, m in grid.items() if AWAY in (m["a"], m["b"])))
    verdict = _move(client, eid, (s, t), (4, 4), dry_run=True)
    away = [v for v in verdict["violations"] if v["rule"] == "unavailable"]
    name = m["a_name"] if m["a"] == AWAY else m["b_name"]
    assert away == [
        {
            "rule": "unavailable",
            "participants": [AWAY],
            "message": f"{name} ({AWAY}) is unavailable in slot 4 (10:00)",
        }
    ]


def test_cells_outside_the_grid_or_empty_are_named(
    client: TestClient, planned: dict[str, Any]
) -> None:
    eid, grid = planned["event_id"], _grid(planned)
    verdict = _move(client, eid, (5, 1), (1, 1))
    assert [v["message"] for v in verdict["violations"]] == [
        "from: slot 5, table 1 is outside the grid (4 slots × 6 tables)"
    ]
    empty = next((s, t) for s in range(1, 5) for t in range(1, 5) if (s, t) not in grid)
    verdict = _move(client, eid, empty, (1, 1))
    assert [v["message"] for v in verdict["violations"]] == [
        f"from: slot {empty[0]}, table {empty[1]} holds no meeting"
    ]


def test_a_swap_within_a_slot_is_stored_and_audited(
    client: TestClient, planned: dict[str, Any], home: Path, company: dict[str, str]
) -> None:
    eid, grid = planned["event_id"], _grid(planned)
    slot = next(s for s in range(1, 5) if sum(k[0] == s for k in grid) >= 2)
    t1, t2 = sorted(t for (s, t) in grid if s == slot)[:2]
    first, second = grid[(slot, t1)], grid[(slot, t2)]
    body = {"from": {"slot": slot, "table": t1}, "to": {"slot": slot, "table": t2}}
    r = client.post(f"/events/{eid}/moves", json=body, headers=company)
    assert r.status_code == 403 and "needs a staff token" in r.json()["detail"]
    verdict = _move(client, eid, (slot, t1), (slot, t2))
    assert (verdict["valid"], verdict["applied"], verdict["violations"]) == (True, True, [])
    assert verdict["moves"] == [
        {
            "a": first["a"],
            "b": first["b"],
            "from_slot": slot,
            "from_table": t1,
            "to_slot": slot,
            "to_table": t2,
        },
        {
            "a": second["a"],
            "b": second["b"],
            "from_slot": slot,
            "from_table": t2,
            "to_slot": slot,
            "to_table": t1,
        },
    ]
    after = _grid(client.get(f"/events/{eid}").json())
    assert (after[(slot, t2)]["a"], after[(slot, t1)]["a"]) == (first["a"], second["a"])
    grid_rows = client.get(f"/events/{eid}/grid").json()["rows"][slot - 1]
    assert first["a_name"] in grid_rows[t2 + 1] and second["a_name"] in grid_rows[t1 + 1]
    with AuditLog(home / "catalog.sqlite") as audit:
        entries = audit.entries(kind="meeting")
    assert sorted(
        (e.entity, e.actor, e.changes["table"], e.changes["slot"]) for e in entries
    ) == sorted(
        [
            (f"{eid}:{first['a']}:{first['b']}", "default", [t1, t2], [slot, slot]),
            (f"{eid}:{second['a']}:{second['b']}", "default", [t2, t1], [slot, slot]),
        ]
    )


def test_an_organisations_events_list_its_meetings(
    client: TestClient, planned: dict[str, Any]
) -> None:
    eid = planned["event_id"]
    org = "demo-nev-0005"
    r = client.post(
        f"/events/{eid}/outcomes",
        headers=AUTH,
        json=[
            {"a": m["a"], "b": m["b"], "status": "held"}
            for m in planned["meetings"]
            if org in (m["a"], m["b"])
        ][:1],
    )
    assert r.status_code == 200, r.text
    doc = client.get(f"/orgs/{org}/events").json()
    assert doc["org_id"] == org and [e["event_id"] for e in doc["events"]] == [eid]
    ev = doc["events"][0]
    assert (ev["name"], ev["date"], ev["participants"]) == ("网格测试会", "2026-11-20", 10)
    agenda = client.get(f"/events/{eid}/agenda/{org}").json()["meetings"]
    assert [(m["slot"], m["table"], m["counterpart"], m["why"]) for m in ev["meetings"]] == [
        (m["slot"], m["table"], m["counterpart"], m["why"]) for m in agenda
    ]
    assert [m["outcome"] for m in ev["meetings"]][0] == "held"
    assert client.get("/orgs/demo-ic-0001/events").json() == {
        "org_id": "demo-ic-0001",
        "events": [],
    }
    r = client.get("/orgs/nobody/events")
    assert (r.status_code, r.json()["detail"]) == (404, "organisation 'nobody' not found")
