"""/events over HTTP: plan on the demo park (hashing encoder), read agendas, record outcomes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.events import EventStore
from service.api.app import create_app
from service.settings import Settings

TOKEN = "events-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EVENT: dict[str, Any] = {
    "name": "新能源汽车红链相亲会",
    "date": "2026-12-01",
    "theme": {"chains": ["nev"]},
    "slots": ["09:00", "09:20", "09:40", "10:00"],
    "tables": 3,
}
PLAN = {"event": EVENT, "participants": 12, "time_limit": 5}
NO_EVENT = {"detail": "event 'no-such' not found", "errors": []}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("events-home")


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def planned(client: TestClient) -> dict[str, Any]:
    r = client.post("/events/plan", json=PLAN, headers=AUTH)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _stored(home: Path, event_id: str) -> Any:
    with EventStore(home / "catalog.sqlite") as store:
        return store.get_plan(event_id)


def test_plan_is_scheduled_saved_and_read_back(
    client: TestClient, planned: dict[str, Any], home: Path
) -> None:
    assert planned["event_id"] == "ev-20261201-1" and planned["saved"] is True
    assert planned["name"] == EVENT["name"] and planned["date"] == "2026-12-01"
    meetings = planned["meetings"]
    assert meetings and len(planned["shortlist"]) == 12
    assert len(planned["event"]["participants"]) == 12
    for slot in range(1, 5):
        here = [m for m in meetings if m["slot"] == slot]
        assert len(here) <= 3
        people = [x for m in here for x in (m["a"], m["b"])]
        assert len(people) == len(set(people)), f"someone meets twice in slot {slot}"
    assert all(1 <= m["table"] <= 3 and m["a"] < m["b"] and m["why"] for m in meetings)
    assert meetings[0]["start"] == "09:00" and meetings[0]["end"] == "09:20"
    assert planned["status"] in ("optimal", "feasible")
    assert planned["bound"] >= planned["objective"] > 0
    assert planned["objective"] == pytest.approx(sum(m["score"] for m in meetings), abs=0.01)
    # the same document as `event plan --json`, plus names and the definition
    cli = _stored(home, planned["event_id"]).to_json()
    assert {k: planned[k] for k in cli if k != "meetings"} == {
        k: v for k, v in cli.items() if k != "meetings"
    }
    assert [{k: m[k] for k in cli["meetings"][0]} for m in meetings] == cli["meetings"]
    read = client.get(f"/events/{planned['event_id']}").json()
    assert read == planned


def test_list_shows_the_event_with_totals(client: TestClient, planned: dict[str, Any]) -> None:
    body = client.get("/events").json()
    mine = next(e for e in body["events"] if e["event_id"] == planned["event_id"])
    assert mine["name"] == EVENT["name"] and mine["date"] == "2026-12-01"
    assert mine["participants"] == 12 and mine["meetings"] == len(planned["meetings"])
    assert body["totals"]["events"] == len(body["events"])


def test_planning_without_save_is_open_and_writes_nothing(
    client: TestClient, planned: dict[str, Any]
) -> None:
    before = client.get("/events").json()["events"]
    r = client.post("/events/plan", json={**PLAN, "save": False})
    assert r.status_code == 200
    assert r.json()["saved"] is False and r.json()["event_id"] is None
    assert r.json()["meetings"]
    assert client.get("/events").json()["events"] == before
    r = client.post("/events/plan", json=PLAN)
    assert r.status_code == 401
    assert r.json() == {"detail": "a valid bearer token is required", "errors": []}
    wrong = client.post("/events/plan", json=PLAN, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_infeasible_request_names_constraint_and_participants(client: TestClient) -> None:
    people = ["demo-nev-0001", "demo-nev-0002", "demo-nev-0003", "demo-nev-0004"]
    event = {
        **EVENT,
        "theme": {},
        "tables": 0,
        "participants": people,
        "pairs": [{"a": people[0], "b": people[1], "preference": "must_meet"}],
    }
    r = client.post("/events/plan", json={"event": event, "save": False})
    assert r.status_code == 422
    assert r.json() == {
        "detail": "no schedule is possible: tables: the event has 0 tables but 1 must-meet "
        "pair(s): demo-nev-0001–demo-nev-0002",
        "errors": [
            {
                "field": "tables",
                "message": "the event has 0 tables but 1 must-meet pair(s): "
                "demo-nev-0001–demo-nev-0002",
                "row": None,
            }
        ],
    }
    crowded = {
        **event,
        "tables": 3,
        "slots": ["09:00", "09:20"],
        "pairs": [{"a": people[0], "b": p, "preference": "must_meet"} for p in people[1:]],
    }
    r = client.post("/events/plan", json={"event": crowded, "save": False})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "field": "must_meet",
            "message": "demo-nev-0001 has 3 must-meet partners (demo-nev-0002, demo-nev-0003, "
            "demo-nev-0004) but only 2 free slot(s)",
            "row": None,
        }
    ]


def test_bad_definitions_name_the_field(client: TestClient) -> None:
    bad = {**EVENT, "slots": ["09:00", "09:30+08:00"], "timezone": "America", "date": "1999-12-31"}
    r = client.post("/events/plan", json={"event": bad, "time_limit": 61, "save": False})
    assert r.status_code == 422
    fields = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert set(fields) == {
        "body.event.slots.1",
        "body.event.timezone",
        "body.event.date",
        "body.time_limit",
    }
    assert "unknown time zone 'America'" in fields["body.event.timezone"]
    assert "leave out the offset" in fields["body.event.slots.1"]
    r = client.post("/events/plan", json={"event": {**EVENT, "slots": ["09:00", "09:10"]}})
    assert r.json()["errors"][0]["field"] == "body.event"
    assert "slot 2 (09:10) starts before slot 1" in r.json()["errors"][0]["message"]
    listed = {"event": {**EVENT, "participants": ["demo-nev-0001"]}, "participants": 5}
    r = client.post("/events/plan", json={**listed, "save": False})
    assert r.status_code == 422 and r.json()["detail"].startswith(
        "participants: the event already lists its participants"
    )
    park = {**PLAN, "event": {**EVENT, "theme": {}}, "save": False}
    r = client.post("/events/plan", json=park)  # the whole park: refused before any scoring
    assert r.status_code == 422
    assert r.json()["detail"].startswith("theme: 'all organisations' admits 3")
    assert "the API shortlists from at most 250; narrow the theme" in r.json()["detail"]
    r = client.post("/events/plan", json={**PLAN, "event": {**EVENT, "theme": {"chains": ["x"]}}})
    assert r.status_code == 401  # the token is checked before any planning
    r = client.post(
        "/events/plan", json={**PLAN, "event": {**EVENT, "theme": {"chains": ["x"]}}}, headers=AUTH
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("theme.chains: unknown chain x")


def test_agenda_grid_html_and_calendar(client: TestClient, planned: dict[str, Any]) -> None:
    eid, first = planned["event_id"], planned["meetings"][0]
    org = first["a"]
    mine = [m for m in planned["meetings"] if org in (m["a"], m["b"])]
    agenda = client.get(f"/events/{eid}/agenda/{org}").json()
    assert agenda["org_id"] == org and agenda["name"] == first["a_name"]
    assert [it["slot"] for it in agenda["meetings"]] == [m["slot"] for m in mine]
    assert agenda["meetings"][0]["counterpart"] == first["b"]
    assert agenda["meetings"][0]["start"] == "2026-12-01T09:00:00+08:00"
    assert all(it["why"].startswith("您的") for it in agenda["meetings"])

    grid = client.get(f"/events/{eid}/grid").json()
    assert grid["header"] == ["slot", "time", "table 1", "table 2", "table 3"]
    assert [r[:2] for r in grid["rows"]] == [
        ["1", "09:00–09:20"],
        ["2", "09:20–09:40"],
        ["3", "09:40–10:00"],
        ["4", "10:00–10:20"],
    ]
    cell = grid["rows"][first["slot"] - 1][1 + first["table"]]
    assert cell == f"{first['a_name']} × {first['b_name']}"

    page = client.get(f"/events/{eid}/agenda.html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert f"<h1>{EVENT['name']}</h1>" in page.text
    assert page.text.count('<section class="company">') == 12
    assert f"{first['b_name']} ({first['b']})" in page.text

    ics = client.get(f"/events/{eid}/{org}.ics")
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    assert ics.headers["content-disposition"] == f'attachment; filename="{org}.ics"'
    assert ics.text.startswith("BEGIN:VCALENDAR\r\n") and ics.text.endswith("END:VCALENDAR\r\n")
    assert ics.text.count("BEGIN:VEVENT") == len(mine)
    assert "DTSTART:20261201T010000Z" in ics.text  # 09:00 in Shanghai
    for url in (f"/events/{eid}/agenda/demo-ic-0001", f"/events/{eid}/demo-ic-0001.ics"):
        r = client.get(url)
        assert r.status_code == 404
        assert r.json()["detail"] == f"participant 'demo-ic-0001 in event {eid}' not found"


def test_outcomes_feed_stats_and_gold(
    client: TestClient, planned: dict[str, Any], home: Path
) -> None:
    eid, (m1, m2, m3) = planned["event_id"], planned["meetings"][:3]
    outcomes = [
        {"a": m1["b"], "b": m1["a"], "status": "signed", "note": "框架协议"},
        {"a": m2["a"], "b": m2["b"], "status": "no_show"},
        {"a": m3["a"], "b": m3["b"], "status": "held"},
    ]
    r = client.post(f"/events/{eid}/outcomes", json=outcomes)
    assert r.status_code == 401
    r = client.post(f"/events/{eid}/outcomes", json=outcomes, headers=AUTH)
    assert r.status_code == 200
    recorded = r.json()
    supplier = _stored(home, eid).meeting(m1["a"], m1["b"]).supplier()
    assert [(o["a"], o["b"], o["status"]) for o in recorded] == [
        (m1["a"], m1["b"], "signed"),  # stored in id order whatever order was sent
        (m2["a"], m2["b"], "no_show"),
        (m3["a"], m3["b"], "held"),
    ]
    assert recorded[0]["supplier"] == supplier and recorded[0]["note"] == "框架协议"
    assert all(o["recorded_at"] for o in recorded)
    assert len(client.get(f"/events/{eid}/outcomes").json()) == 3

    stats = client.get(f"/events/{eid}/stats").json()
    n = len(planned["meetings"])
    assert stats == {
        "event_id": eid,
        "name": EVENT["name"],
        "date": "2026-12-01",
        "participants": 12,
        "meetings": n,
        "recorded": 3,
        "pending": n - 3,
        "held": 2,
        "no_show": 1,
        "follow_up": 0,
        "signed": 1,
        "no_show_rate": 0.3333,
        "cooperation_rate": 0.5,
        "companies_with_partner": 2,
    }
    assert client.get("/events").json()["totals"]["signed"] == 1

    gold = client.get(f"/events/{eid}/gold.jsonl")
    assert gold.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in gold.text.splitlines()]
    buyer = m1["b"] if supplier == m1["a"] else m1["a"]
    assert len(lines) == 1 and gold.text.endswith("\n")
    assert lines[0]["query"] == buyer and lines[0]["supplier"] == supplier
    assert lines[0]["event"] == eid and lines[0]["date"] == "2026-12-01"
    assert lines[0]["query_need"] and lines[0]["supplier_offer"]

    stranger = [{"a": m1["a"], "b": "demo-ic-0001", "status": "held"}]
    r = client.post(f"/events/{eid}/outcomes", json=stranger, headers=AUTH)
    assert r.status_code == 404
    lo, hi = sorted((m1["a"], "demo-ic-0001"))
    assert r.json()["detail"] == f"meeting '{lo}–{hi} in event {eid}' not found"
    r = client.post(f"/events/{eid}/outcomes", json=[{**outcomes[0], "status": "won"}])
    assert r.status_code == 401  # the token comes first, then the body
    r = client.post(f"/events/{eid}/outcomes", json=[], headers=AUTH)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"


def test_store_conflicts_are_409(client: TestClient, planned: dict[str, Any]) -> None:
    """Outcomes exist (previous test): the event can be neither replaced nor re-created."""
    eid = planned["event_id"]
    small = {
        **EVENT,
        "id": eid,
        "slots": ["09:00"],
        "participants": ["demo-nev-0001", "demo-nev-0002"],
    }
    r = client.post("/events/plan", json={"event": small, "time_limit": 2}, headers=AUTH)
    assert r.status_code == 409
    assert r.json() == {
        "detail": f"event '{eid}' already exists; replace it explicitly",
        "errors": [],
    }
    again = {"event": small, "time_limit": 2, "replace": True}
    r = client.post("/events/plan", json=again, headers=AUTH)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"event '{eid}' already has 3 recorded outcome(s); "
        "plan a new event instead of replacing this one"
    )
    assert client.get(f"/events/{eid}").json()["meetings"] == planned["meetings"]


def test_unknown_event_is_404_naming_it(client: TestClient) -> None:
    for suffix in (
        "",
        "/agenda/demo-nev-0001",
        "/grid",
        "/agenda.html",
        "/demo-nev-0001.ics",
        "/outcomes",
        "/stats",
        "/gold.jsonl",
    ):
        r = client.get(f"/events/no-such{suffix}")
        assert (r.status_code, r.json()) == (404, NO_EVENT), suffix
    held = [{"a": "demo-nev-0001", "b": "demo-nev-0002", "status": "held"}]
    r = client.post("/events/no-such/outcomes", json=held, headers=AUTH)
    assert (r.status_code, r.json()) == (404, NO_EVENT)


def test_openapi_documents_the_event_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = [
        (path, op)
        for path, item in spec["paths"].items()
        if path.startswith("/events")
        for op in item.values()
    ]
    assert len(ops) == 15  # with the series stats, plan jobs and grid moves
    assert "/events/stats" in spec["paths"]
    for path, op in ops:
        assert op.get("description") or op.get("summary"), path
        assert op["tags"] == ["events"]
    schemas = spec["components"]["schemas"]
    for name in ("PlanRequest", "OutcomeIn", "EventDefinition"):
        assert schemas[name].get("examples"), name
    plan = schemas["PlanRequest"]["properties"]
    assert plan["time_limit"]["maximum"] == 60
    assert plan["participants"]["anyOf"][0]["maximum"] == 250
    assert plan["not_again_within_days"]["default"] == 180
    assert plan["not_again_within_days"]["maximum"] == 3650
