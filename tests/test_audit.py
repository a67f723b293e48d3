"""The audit log: every write route appends who / what / when / before → after, in the same
transaction as the change, and nothing ever rewrites or removes an entry."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog.actors import Role
from catalog.audit import SYSTEM, Action, AuditLog, Who, org_changes, parse_since
from catalog.errors import InvalidInputError
from catalog.models import Organisation
from catalog.store import CatalogStore
from service.api.app import create_app
from service.cli import app as cli_app
from service.settings import Settings
from service.tokens import add_token

NEW = {
    "id": "aud-new-1",
    "name": "审计测试材料有限公司",
    "chains": [{"chain": "newmat", "segment": "newmat.thermal"}],
    "offers": ["导热硅脂"],
    "needs": ["寻找包装材料"],
}
EVENT: dict[str, Any] = {
    "name": "审计对接会",
    "date": "2026-12-01",
    "theme": {"chains": ["nev"]},
    "slots": ["09:00", "09:20"],
    "tables": 2,
}
CSV = (
    "id,name,kind,park,chains,offers,needs\n"
    "aud-imp-1,导入企业一,enterprise,滨江园区,ic:ic.design,芯片设计服务,晶圆代工\n"
    "aud-new-1,审计测试材料有限公司,enterprise,滨江园区,newmat:newmat.thermal,导热垫片,寻找包装材料\n"
)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    home = tmp_path_factory.mktemp("audit-home")
    path = home / "tokens.toml"
    tokens = {
        "staff": add_token(path, "park-office", Role.STAFF),
        "company": add_token(path, "aud-co", Role.COMPANY, "aud-new-1"),
    }
    settings = Settings(home=home, encoder="hashing")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        yield client, {k: f"Bearer {v}" for k, v in tokens.items()}


def _audit(client: TestClient, auth: str, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/audit", params=params, headers={"Authorization": auth})
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()["entries"]
    return entries


def test_every_api_write_route_is_logged_with_who_and_before_after(
    setup: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = setup
    staff, company = {"Authorization": auth["staff"]}, {"Authorization": auth["company"]}
    start = dt.datetime.now(dt.UTC)
    demo = _audit(client, auth["staff"], limit=1000)  # the demo park, loaded on start
    assert len(demo) >= 357 and {(e["actor"], e["via"], e["action"]) for e in demo} == {
        ("system", "demo", "create")
    }
    frozen = _audit(client, auth["staff"], limit=10_000)

    assert client.post("/orgs", json=NEW, headers=company).status_code == 201
    r = client.put("/orgs/aud-new-1", json={"offers": ["导热硅脂", "导热垫片"]}, headers=company)
    assert r.status_code == 200
    files = {"file": ("park.csv", io.BytesIO(CSV.encode()), "text/csv")}
    r = client.post("/orgs/import?on_conflict=update", files=files, headers=staff)
    assert r.json()["created"] == 1 and r.json()["updated"] == 1
    assert client.delete("/orgs/aud-imp-1", headers=staff).status_code == 204
    plan = {"event": EVENT, "participants": 6, "time_limit": 5}
    planned = client.post("/events/plan", json=plan, headers=staff).json()
    m = planned["meetings"][0]
    outcome = [{"a": m["a"], "b": m["b"], "status": "signed", "note": "框架协议"}]
    assert client.post(f"/events/{planned['event_id']}/outcomes", json=outcome, headers=staff)

    entries = _audit(client, auth["staff"], since=start.isoformat())
    got = [(e["actor"], e["via"], e["action"], e["kind"], e["entity"]) for e in entries]
    outcome_id = f"{planned['event_id']}:{m['a']}:{m['b']}"
    assert got == [
        ("park-office", "api", "create", "outcome", outcome_id),
        ("park-office", "api", "create", "event", planned["event_id"]),
        ("park-office", "api", "delete", "organisation", "aud-imp-1"),
        ("park-office", "api import park.csv", "update", "organisation", "aud-new-1"),
        ("park-office", "api import park.csv", "create", "organisation", "aud-imp-1"),
        ("aud-co", "api", "update", "organisation", "aud-new-1"),
        ("aud-co", "api", "create", "organisation", "aud-new-1"),
    ]
    outcome_e, event_e, delete_e, import_up, import_new, put_e, post_e = entries
    assert outcome_e["changes"] == {
        "status": [None, "signed"],
        "supplier": [None, outcome_e["changes"]["supplier"][1]],
        "note": [None, "框架协议"],
    }
    assert event_e["changes"]["name"] == [None, "审计对接会"]
    assert event_e["changes"]["meetings"] == [None, len(planned["meetings"])]
    assert delete_e["changes"]["name"] == ["导入企业一", None]
    assert delete_e["changes"]["offers"] == [["芯片设计服务"], None]
    assert import_up["changes"] == {
        "offers": [["导热硅脂", "导热垫片"], ["导热垫片"]],
        "region": [
            {"province": "浙江省", "city": "杭州市", "park": None},
            {"province": "浙江省", "city": "杭州市", "park": "滨江园区"},
        ],
    }
    assert import_new["changes"]["name"] == [None, "导入企业一"]
    assert put_e["changes"] == {"offers": [["导热硅脂"], ["导热硅脂", "导热垫片"]]}
    assert post_e["changes"]["offers"] == [None, ["导热硅脂"]]
    assert post_e["changes"]["needs"] == [None, ["寻找包装材料"]]
    assert "contacts" not in post_e["changes"]  # empty on both sides: not a change
    for e in entries:
        at = dt.datetime.fromisoformat(e["at"])
        assert at.utcoffset() == dt.timedelta(0) and at >= start

    # nothing rewrote or removed an earlier entry: the log only grew at its end
    after = _audit(client, auth["staff"], limit=10_000)
    assert after[len(entries) :] == frozen
    seqs = [e["seq"] for e in after]
    assert seqs == list(range(len(after), 0, -1))
    mine = _audit(client, auth["staff"], org="aud-new-1")
    assert [e["action"] for e in mine] == ["update", "update", "create"]
    assert [e["entity"] for e in _audit(client, auth["staff"], org=m["a"], since="1h")][0] == (
        outcome_id
    )


def test_audit_needs_a_staff_token(setup: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = setup
    r = client.get("/audit", headers={"Authorization": auth["company"]})
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "GET /audit needs a staff token; 'aud-co' (company token for aud-new-1) is not"
    )
    r = client.get("/audit")
    assert r.status_code == 401 and r.json()["detail"] == "a valid bearer token is required"
    r = client.get(
        "/audit", params={"since": "last week"}, headers={"Authorization": auth["staff"]}
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("since: expected an ISO date")


def test_a_refused_write_logs_nothing(setup: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = setup
    before = _audit(client, auth["staff"], limit=10_000)
    staff = {"Authorization": auth["staff"]}
    assert client.post("/orgs", json=NEW, headers=staff).status_code == 409
    other = {"Authorization": auth["company"]}
    assert (
        client.put("/orgs/demo-nev-0001", json={"size": "large"}, headers=other).status_code == 403
    )
    assert client.delete("/orgs/no-such", headers=staff).status_code == 404
    assert _audit(client, auth["staff"], limit=10_000) == before


def test_the_table_refuses_update_and_delete(tmp_path: Path) -> None:
    with CatalogStore(tmp_path / "c.sqlite") as store:
        store.upsert([Organisation(id="a-1", name="甲")], who=Who("alice", "cli"))
    conn = sqlite3.connect(tmp_path / "c.sqlite")
    for sql in ("UPDATE audit SET actor = 'mallory'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="the audit log is append-only"):
            conn.execute(sql)
    conn.close()
    with AuditLog(tmp_path / "c.sqlite") as log:
        assert [(e.actor, e.action) for e in log.entries()] == [("alice", Action.CREATE)]


def test_a_write_that_fails_mid_transaction_leaves_neither_change_nor_entry(
    tmp_path: Path,
) -> None:
    def explode(point: str) -> None:
        raise RuntimeError(f"stopped at {point}")

    path = tmp_path / "c.sqlite"
    with CatalogStore(path, checkpoint=explode) as store:
        with pytest.raises(RuntimeError, match="stopped at catalog.before_commit"):
            store.upsert([Organisation(id="a-1", name="甲")])
        assert store.count() == 0
    with AuditLog(path) as log:
        assert log.count() == 0


def test_cli_writes_record_the_os_user_or_as(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINMATCH_ENCODER", "hashing")
    monkeypatch.setattr("getpass.getuser", lambda: "osuser")
    csv = tmp_path / "orgs.csv"
    csv.write_text(CSV, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli_app, ["import", str(csv)]).exit_code == 0
    csv.write_text(CSV.replace("芯片设计服务", "SoC设计"), encoding="utf-8")
    res = runner.invoke(cli_app, ["--as", "alice", "import", str(csv), "--on-conflict", "update"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli_app, ["audit", "--org", "aud-imp-1", "--json"])
    doc = json.loads(res.stdout)
    assert [(e["actor"], e["via"], e["action"]) for e in doc] == [
        ("alice", "cli import orgs.csv", "update"),
        ("osuser", "cli import orgs.csv", "create"),
    ]
    assert doc[0]["changes"] == {"offers": [["芯片设计服务"], ["SoC设计"]]}
    res = runner.invoke(cli_app, ["audit", "--since", "1d"])
    assert res.exit_code == 0
    assert "alice (cli import orgs.csv)  update organisation aud-imp-1" in res.stdout
    assert '    offers: ["芯片设计服务"] → ["SoC设计"]' in res.stdout
    res = runner.invoke(cli_app, ["audit", "--since", "yesterday"])
    assert res.exit_code == 2 and "since: expected an ISO date" in res.stderr


def test_org_changes_and_since() -> None:
    a = Organisation(id="x", name="甲", offers=("aa",))
    b = Organisation(id="x", name="甲", offers=("aa", "bb"))
    assert org_changes(a, b) == {"offers": (["aa"], ["aa", "bb"])}
    assert org_changes(a, a) == {}
    created = org_changes(None, a)
    assert created["offers"] == (None, ["aa"]) and created["name"] == (None, "甲")
    assert "needs" not in created and "contacts" not in created  # empty: not a change
    assert org_changes(a, None)["offers"] == (["aa"], None)
    now = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
    assert parse_since("7d", now) == dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert parse_since("90m", now) == dt.datetime(2026, 12, 8, 10, 30, tzinfo=dt.UTC)
    assert parse_since("2026-12-01") == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert parse_since("2026-12-01T09:00+08:00").utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(InvalidInputError, match="got '7 days'"):
        parse_since("7 days")
    assert SYSTEM == Who("system", "library")
