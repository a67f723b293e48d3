"""/challenges over HTTP on the demo park (hashing encoder): tokens and roles, the review
gate, confidentiality by reader, errors by field and status with nothing written."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from catalog.actors import Role
from catalog.challenge import ChallengeStore
from service.api.app import create_app
from service.settings import Settings
from service.tokens import add_token

TOKEN = "challenge-token-0123456789abcdef"
STAFF = {"Authorization": f"Bearer {TOKEN}"}
POST = {
    "org_id": "demo-nev-0012",
    "title": "退役电池包快速分选",
    "problem": "退役动力电池包梯次利用前需要快速分选，要求无损检测内阻和容量一致性",
    "indicators": [{"name": "单包分选时间", "target": "≤10", "unit": "min"}],
    "deliverable_level": "prototype",
    "amount_wan": 50,
    "deadline": "2099-06-30",
    "phases": [{"name": "样机", "due": "2099-03-31"}],
    "parts": ["内阻无损检测", "容量一致性分选"],
}
SCORES = {"technical_fit": 4, "team": 3, "cost": 5, "schedule": 4, "ip": 2}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("challenge-api-home")


@pytest.fixture(scope="module")
def tokens(home: Path) -> dict[str, dict[str, str]]:
    """Bearer headers: owner (demo-nev-0012), applicant (demo-inst-0008), outsider."""
    path = home / "tokens.toml"
    orgs = (("owner", "demo-nev-0012"), ("inst", "demo-inst-0008"), ("other", "demo-nev-0013"))
    return {
        name: {"Authorization": f"Bearer {add_token(path, name, Role.COMPANY, org)}"}
        for name, org in orgs
    }


@pytest.fixture(scope="module")
def client(home: Path, tokens: dict[str, dict[str, str]]) -> Iterator[TestClient]:
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def _ok(r: Any) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


def _count(home: Path) -> tuple[int, int]:
    with ChallengeStore(home / "catalog.sqlite") as store:
        return store.count(), len(store.applications())


def test_every_write_needs_a_token_and_drafts_are_private(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    r = client.post("/challenges", json=POST)
    assert r.status_code == 401 and r.json()["detail"] == "a valid bearer token is required"
    r = client.post(
        "/challenges", json={**POST, "org_id": "demo-nev-0019"}, headers=tokens["owner"]
    )
    assert r.status_code == 403
    assert "posts challenges for its own organisation only, not demo-nev-0019" in r.json()["detail"]
    draft = _ok(client.post("/challenges", json=POST, headers=tokens["owner"]))
    assert (draft["state"], draft["opened_by"]) == ("draft", "owner")
    assert draft["allowed_moves"]["company"] == ["in_review", "withdrawn"]
    r = client.get(f"/challenges/{draft['id']}")
    assert r.status_code == 403 and "only staff and its owner see it" in r.json()["detail"]
    assert draft["id"] not in {c["id"] for c in _ok(client.get("/challenges"))["challenges"]}


def test_the_way_through_review_application_award_and_signing(
    client: TestClient, home: Path, tokens: dict[str, dict[str, str]]
) -> None:
    figures = ("opened", "published", "signed", "amount_signed_wan")
    before = _ok(client.get("/challenges/stats", headers=STAFF))  # the demo park's challenges
    ch = _ok(client.post("/challenges", json={**POST, "submit": True}, headers=tokens["owner"]))
    cid = ch["id"]
    assert ch["state"] == "in_review"
    move = f"/challenges/{cid}/moves"
    r = client.post(move, json={"to": "published"}, headers=tokens["owner"])
    assert r.status_code == 403 and "moving to 'published' is staff's" in r.json()["detail"]
    _ok(client.post(move, json={"to": "published", "actor": "陈立"}, headers=STAFF))
    r = client.post(move, json={"to": "signed", "amount_wan": 10}, headers=STAFF)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"challenge {cid!r} is 'published': it cannot move to 'signed'; allowed from "
        "'published': shortlisted, awarded, withdrawn, failed"
    )
    apply = {
        "org_id": "demo-inst-0008",
        "proposal": "中试线做梯次分选样机，内阻与容量联合判据",
        "ip_declaration": "joint",
        "budget_wan": 45,
        "team": ["工程师 3 名"],
    }
    r = client.post(f"/challenges/{cid}/applications", json=apply, headers=tokens["other"])
    assert r.status_code == 403 and "applies for its own organisation only" in r.json()["detail"]
    got = _ok(client.post(f"/challenges/{cid}/applications", json=apply, headers=tokens["inst"]))
    assert (got["org_id"], got["applied_by"], got["budget_wan"]) == ("demo-inst-0008", "inst", 45.0)
    r = client.post(f"/challenges/{cid}/applications", json=apply, headers=tokens["inst"])
    assert r.status_code == 409 and "already applied" in r.json()["detail"]
    review = f"/challenges/{cid}/applications/demo-inst-0008/reviews"
    r = client.post(review, json={"scores": SCORES}, headers=tokens["owner"])
    assert r.status_code == 403
    ranked = _ok(client.post(review, json={"scores": SCORES, "actor": "评审甲"}, headers=STAFF))
    # 0.4·4 + 0.25·3 + 0.15·5 + 0.1·4 + 0.1·2 = 3.7 → 74 of 100
    assert [(x["org_id"], x["total"], x["total_100"]) for x in ranked["ranking"]] == [
        ("demo-inst-0008", 3.7, 74.0)
    ]
    r = client.post(move, json={"to": "awarded", "winners": ["demo-nev-0019"]}, headers=STAFF)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("winners[0]: 'demo-nev-0019' has not applied")
    _ok(client.post(move, json={"to": "awarded", "winners": ["demo-inst-0008"]}, headers=STAFF))
    done = _ok(client.post(move, json={"to": "signed", "amount_wan": 42}, headers=STAFF))
    assert (done["state"], done["signed_amount_wan"], done["winners"]) == (
        "signed",
        42.0,
        ["demo-inst-0008"],
    )
    assert [e["to"] for e in done["log"]] == [
        "draft", "in_review", "published", "awarded", "signed"
    ]  # fmt: skip
    stats = _ok(client.get("/challenges/stats", headers=STAFF))
    assert [stats[f] - before[f] for f in figures] == [1, 1, 1, 42.0]
    assert client.get("/challenges/stats", headers=tokens["owner"]).status_code == 403
    solvers = _ok(client.get(f"/challenges/{cid}/solvers?k=5", headers=tokens["owner"]))
    assert [s["kind"] for s in solvers["solvers"]] == sorted(
        (s["kind"] for s in solvers["solvers"]), key=lambda k: k != "institute"
    )
    assert [p["part"] for p in solvers["consortium"]["parts"]] == POST["parts"]
    every = _ok(client.get(f"/challenges/{cid}/solvers?k=100", headers=STAFF))["solvers"]
    applied = next(s for s in every if s["org_id"] == "demo-inst-0008")
    assert "applied: budget 45 万元, IP joint" in applied["reasons"]
    r = client.get(f"/challenges/{cid}/solvers", headers=tokens["other"])
    assert r.status_code == 403
    xlsx = client.get("/challenges/export.xlsx", headers=STAFF)
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["Challenges", "Applications", "Reviews", "Stats", "Log"]


def test_confidential_details_by_reader(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    body = {**POST, "confidentiality": "confidential", "submit": True, "actor": "周岚"}
    cid = _ok(client.post("/challenges", json=body, headers=STAFF))["id"]
    move = f"/challenges/{cid}/moves"
    r = client.post(move, json={"to": "published", "actor": "周岚"}, headers=STAFF)
    assert r.status_code == 403 and "'周岚' opened or submitted challenge" in r.json()["detail"]
    _ok(client.post(move, json={"to": "published", "actor": "陈立"}, headers=STAFF))
    hidden = _ok(client.get(f"/challenges/{cid}", headers=tokens["other"]))
    assert hidden["redacted"] == "confidential" and "problem" not in hidden
    assert hidden["title"] == "保密榜单 confidential challenge"
    assert _ok(client.get(f"/challenges/{cid}"))["redacted"] == "confidential"
    full = _ok(client.get(f"/challenges/{cid}", headers=tokens["owner"]))
    assert full["problem"] == POST["problem"] and full["redacted"] is None
    apply = {
        "org_id": "demo-inst-0008",
        "proposal": "签保密协议后提交完整方案",
        "ip_declaration": "accepts_terms",
        "budget_wan": 30,
    }
    _ok(client.post(f"/challenges/{cid}/applications", json=apply, headers=tokens["inst"]))
    seen = _ok(client.get(f"/challenges/{cid}", headers=tokens["inst"]))
    assert seen["problem"] == POST["problem"] and "ranking" not in seen
    assert [a["org_id"] for a in seen["application_list"]] == ["demo-inst-0008"]


def test_bad_input_is_a_422_naming_the_field_with_nothing_written(
    client: TestClient, home: Path
) -> None:
    before = _count(home)
    cases = [
        ({"org_id": "nobody-0001"}, "org_id: no organisation 'nobody-0001' in the catalog"),
        ({"deadline": "2020-01-01", "phases": []}, "deadline: 2020-01-01 is in the past"),
        (
            {"phases": [{"name": "样机", "due": "2099-07-01"}]},
            "invalid challenge: phases[0].due: phase '样机' is due 2099-07-01, after the "
            "deadline 2099-06-30",
        ),
        (
            {"rubric": [{"name": "technical_fit", "weight": 0.7}, {"name": "ip", "weight": 0.2}]},
            "invalid challenge: rubric: weights sum to 0.9, expected 1 (technical_fit 0.7, ip 0.2)",
        ),
        ({"from_request": "dr-nope", "org_id": None}, "from_request: no desk request 'dr-nope'"),
    ]
    for over, detail in cases:
        body = {k: v for k, v in {**POST, **over}.items() if v is not None}
        r = client.post("/challenges", json=body, headers=STAFF)
        assert r.status_code == 422, r.text
        assert r.json()["detail"].startswith(detail)
    r = client.post("/challenges", json={**POST, "seq": 3}, headers=STAFF)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.seq"
    assert _count(home) == before
