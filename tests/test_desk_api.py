"""/desk over HTTP on the demo park (hashing encoder): the lifecycle, errors by field and
status, and every route tried against history (the log only grows)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog.actors import Role
from catalog.desk import DeskStore
from service.api.app import create_app
from service.settings import Settings
from service.tokens import add_token

TOKEN = "desk-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FILE = {
    "org_id": "demo-nev-0012",
    "text": "BMS需要多串电芯电压采集前端芯片",
    "kind": "partner",
    "actor": "企业服务中心 王敏",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("desk-api-home")


@pytest.fixture(scope="module")
def companies(home: Path) -> dict[str, dict[str, str]]:
    """Bearer headers of two company tokens (demo-nev-0012, demo-nev-0013) in home's file."""
    path = home / "tokens.toml"
    return {
        org: {"Authorization": f"Bearer {add_token(path, name, Role.COMPANY, org)}"}
        for name, org in (("co12", "demo-nev-0012"), ("co13", "demo-nev-0013"))
    }


@pytest.fixture(scope="module")
def client(home: Path, companies: dict[str, dict[str, str]]) -> Iterator[TestClient]:
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def _post(client: TestClient, path: str, body: dict[str, Any], auth: dict[str, str] = AUTH) -> Any:
    r = client.post(path, json=body, headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def _log(home: Path, rid: str) -> list[tuple[Any, ...]]:
    with DeskStore(home / "catalog.sqlite") as desk:
        return [(e.seq, e.at, e.actor, e.to_state, e.note, dict(e.data)) for e in desk.get(rid).log]


def test_every_desk_route_needs_the_token(client: TestClient) -> None:
    r = client.post("/desk/requests", json=FILE)
    assert r.status_code == 401 and r.json()["detail"] == "a valid bearer token is required"
    assert client.get("/desk/requests").status_code == 401
    assert client.get("/desk/stats").status_code == 401


def test_the_closed_loop_over_http(
    client: TestClient, home: Path, companies: dict[str, dict[str, str]]
) -> None:
    req = _post(client, "/desk/requests", FILE)
    rid = req["id"]
    assert (req["state"], req["kind"], req["org_id"]) == ("new", "supply", "demo-nev-0012")
    assert req["allowed_moves"]["staff"] == ["accepted", "returned", "withdrawn", "merged"]
    assert req["clocks"]["accept"]["status"] == "running"
    assert req["clocks"]["accept"]["target_hours"] == 8.0

    r = client.post(
        f"/desk/requests/{rid}/moves", json={"to": "closed", "actor": "x"}, headers=AUTH
    )
    assert r.status_code == 409
    assert r.json() == {
        "detail": f"request {rid!r} is 'new': it cannot move to 'closed'; allowed from 'new': "
        "accepted, returned, withdrawn, merged",
        "errors": [],
    }
    sug = client.get(f"/desk/requests/{rid}/suggestions?k=5", headers=AUTH).json()
    assert sug["query"]["request_id"] == rid and len(sug["results"]) == 5
    assert all({"org_id", "name", "score", "explanation"} <= set(x) for x in sug["results"])
    assert "demo-nev-0012" not in [x["org_id"] for x in sug["results"]]
    solver = sug["results"][0]["org_id"]

    for body in (
        {"to": "accepted", "actor": "王敏"},
        {"to": "assigned", "handler": "经信局 陈立", "actor": "王敏"},
        {"to": "in_progress", "note": "已联系", "actor": "经信局 陈立"},
        {"to": "resolved", "note": "已对接", "solver": solver, "actor": "经信局 陈立"},
    ):
        req = _post(client, f"/desk/requests/{rid}/moves", body)
    assert (req["state"], req["handler"], req["solver"]) == ("resolved", "经信局 陈立", solver)
    r = client.post(
        f"/desk/requests/{rid}/moves",
        json={"to": "closed", "note": "好", "actor": "王敏"},
        headers=AUTH,
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("callback: staff move")
    own = companies["demo-nev-0012"]
    req = _post(client, f"/desk/requests/{rid}/confirm", {"rating": 5, "actor": "张三"}, own)
    assert (req["state"], req["rating"]) == ("closed", 5)
    last = req["log"][-1]
    assert (last["to"], last["role"], last["actor"]) == ("closed", "company", "张三")
    assert len(req["log"]) == 6

    # serve loads the demo park's 42 fictional requests, filed before today: the cohort
    # filed today is this request alone
    today = req["filed_at"][:10]
    stats = client.get(f"/desk/stats?since={today}", headers=AUTH).json()
    assert (stats["requests"], stats["closed"], stats["closure_rate"]) == (1, 1, 1.0)
    assert stats["by"]["kind"]["supply"]["satisfaction"] == 5.0
    everyone = client.get("/desk/stats", headers=AUTH).json()
    assert everyone["requests"] == 43
    gold = client.get("/desk/gold.jsonl", headers=AUTH)
    assert gold.headers["content-type"].startswith("application/x-ndjson")
    assert f'"supplier": "{solver}"' in gold.text and '"query": "demo-nev-0012"' in gold.text
    xlsx = client.get("/desk/export.xlsx", headers=AUTH)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["Summary", "Queue", "Stats", "Log"]
    assert [r[0].value for r in wb["Log"].iter_rows(min_row=2)].count(rid) == 6
    assert wb["Stats"]["H2"].value == everyone["closure_rate"]  # the workbook's total = API


def test_bad_input_names_the_field_and_writes_nothing(client: TestClient, home: Path) -> None:
    with DeskStore(home / "catalog.sqlite") as desk:
        before = desk.count()
    cases = [
        ({**FILE, "org_id": "nobody"}, 422, "org_id: no organisation 'nobody' in the catalog"),
        ({**FILE, "kind": "money"}, 422, "kind: 'money' is not a request kind"),
        ({**FILE, "needed_by": "2020-01-01"}, 422, "needed_by: 2020-01-01 is in the past"),
        ({**FILE, "seq": 1}, 422, "invalid request: body.seq: Extra inputs are not permitted"),
    ]
    for body, status, message in cases:
        r = client.post("/desk/requests", json=body, headers=AUTH)
        assert r.status_code == status and message in r.json()["detail"], r.text
    with DeskStore(home / "catalog.sqlite") as desk:
        assert desk.count() == before
    r = client.get("/desk/requests/dr-0", headers=AUTH)
    assert r.status_code == 404 and r.json()["detail"] == "request 'dr-0' not found"


def test_no_route_changes_history(
    client: TestClient, home: Path, companies: dict[str, dict[str, str]]
) -> None:
    """Every write route appends; none changes or removes an earlier line."""
    rid = _post(client, "/desk/requests", {**FILE, "text": "历史不可改写的诉求"})["id"]
    other = _post(client, "/desk/requests", {**FILE, "text": "另一条诉求"})["id"]
    writes = [
        ("moves", {"to": "accepted", "actor": "王敏"}),
        ("moves", {"to": "assigned", "handler": "A", "actor": "王敏"}),
        ("extensions", {"clock": "resolve", "hours": 8, "reason": "等样品", "actor": "王敏"}),
        ("extensions/4/decision", {"approve": True, "actor": "主任"}),
        ("moves", {"to": "in_progress", "actor": "A"}),
        ("moves", {"to": "resolved", "note": "完成", "actor": "A"}),
        ("moves", {"to": "reopened", "note": "没好", "actor": "X"}),
        ("moves", {"to": "resolved", "note": "再完成", "actor": "A"}),
        ("confirm", {"rating": 4, "actor": "Y"}),
    ]
    by_company = {"confirm", "moves:reopened"}
    seen = _log(home, rid)
    for path, body in writes:
        who = f"{path}:{body.get('to')}" if path == "moves" else path
        auth = companies["demo-nev-0012"] if who in by_company else AUTH
        _post(client, f"/desk/requests/{rid}/{path}", body, auth)
        now = _log(home, rid)
        assert now[: len(seen)] == seen and len(now) == len(seen) + 1, path
        seen = now
    attempts = [
        ("post", f"/desk/requests/{rid}/moves", {"to": "in_progress", "actor": "A"}, 409),
        ("post", f"/desk/requests/{rid}/moves", {"to": "closed", "actor": "A", "seq": 2}, 422),
        ("post", f"/desk/requests/{rid}/confirm", {"rating": 1, "actor": "Y"}, 403),
        (
            "post",
            f"/desk/requests/{rid}/extensions/4/decision",
            {"approve": False, "actor": "Z"},
            422,
        ),
        ("post", "/desk/requests", {**FILE, "log": []}, 422),
        ("post", f"/desk/requests/{other}/moves", {"to": "merged", "into": rid, "actor": "A"}, 422),
        ("put", f"/desk/requests/{rid}", {"state": "new"}, 405),
        ("patch", f"/desk/requests/{rid}", {"state": "new"}, 405),
        ("delete", f"/desk/requests/{rid}", None, 405),
        ("put", f"/desk/requests/{rid}/moves", {"to": "new"}, 405),
        ("delete", f"/desk/requests/{rid}/moves", None, 405),
    ]
    for method, path, body, status in attempts:
        r = client.request(method, path, json=body, headers=AUTH)
        assert r.status_code == status, (method, path, r.text)
    assert _log(home, rid) == seen
    methods = {
        m
        for p, item in client.get("/openapi.json").json()["paths"].items()
        if p.startswith("/desk")
        for m in item
    }
    assert methods == {"get", "post"}


def test_a_company_token_sees_and_acts_on_its_own_requests_only(
    client: TestClient, companies: dict[str, dict[str, str]]
) -> None:
    own, other = companies["demo-nev-0012"], companies["demo-nev-0013"]
    mine = _post(client, "/desk/requests", {**FILE, "text": "公司自己提交的诉求"}, own)
    assert [(x["actor"], x["role"]) for x in mine["log"]] == [("企业服务中心 王敏", "company")]
    theirs = _post(client, "/desk/requests", {**FILE, "org_id": "demo-nev-0013"}, other)
    listed = client.get("/desk/requests", headers=own).json()
    assert {x["org_id"] for x in listed["requests"]} == {"demo-nev-0012"}
    assert theirs["id"] not in [x["id"] for x in listed["requests"]]
    staff_list = client.get("/desk/requests", headers=AUTH).json()
    assert {mine["id"], theirs["id"]} <= {x["id"] for x in staff_list["requests"]}

    r = client.get(f"/desk/requests/{theirs['id']}", headers=own)
    assert r.status_code == 403
    assert r.json()["detail"] == (
        f"request {theirs['id']!r}: 'co12' (company token for demo-nev-0012) sees its own "
        "organisation's only"
    )
    denied = [
        ("get", f"/desk/requests/{theirs['id']}/suggestions", None),
        ("post", f"/desk/requests/{theirs['id']}/moves", {"to": "withdrawn", "note": "不要了"}),
        ("post", "/desk/requests", {**FILE, "org_id": "demo-nev-0013"}),
        ("post", f"/desk/requests/{mine['id']}/moves", {"to": "accepted"}),
        (
            "post",
            f"/desk/requests/{mine['id']}/extensions",
            {"clock": "accept", "hours": 8, "reason": "x"},
        ),
        ("get", "/desk/stats", None),
        ("get", "/desk/export.xlsx", None),
        ("get", "/desk/gold.jsonl", None),
    ]
    for method, path, body in denied:
        r = client.request(method, path, json=body, headers=own)
        assert r.status_code == 403, (method, path, r.text)
    assert (
        client.get(f"/desk/requests/{theirs['id']}", headers=other).json()["log"][-1]["to"] == "new"
    )
    r = client.post(f"/desk/requests/{mine['id']}/confirm", json={"rating": 3}, headers=AUTH)
    assert r.status_code == 403 and "only the company's own token confirms" in r.json()["detail"]
