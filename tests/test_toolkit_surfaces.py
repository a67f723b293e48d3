"""`chainmatch toolkit …` and /toolkit on the demo park (hashing encoder): the JSON shapes
the checks use, providers for gaps, 403 for another company's match, nothing written on
bad input, and toolkit items among the desk's suggestions for a finance request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from catalog.actors import Role
from catalog.toolkit import ToolkitStore
from service.api.app import create_app
from service.cli import app
from service.settings import Settings
from service.tokens import add_token

TOKEN = "toolkit-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KEYS = {"org_id", "name", "as_of", "eligible", "nearly", "not_eligible", "unknown"}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("toolkit-home")
    res = _invoke(home, "demo", "--k", "1")
    assert res.exit_code == 0, res.stderr
    return home


def _invoke(home: Path, *args: str) -> Result:
    env = {"CHAINMATCH_HOME": str(home), "CHAINMATCH_ENCODER": "hashing"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _json(res: Result) -> Any:
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def test_demo_loads_the_items_and_match_prints_the_four_lists(home: Path) -> None:
    listed = _json(_invoke(home, "toolkit", "list", "--json"))
    assert len(listed["items"]) == 14 and all(i["fictional"] for i in listed["items"])
    doc = _json(_invoke(home, "toolkit", "match", "demo-ic-0005", "--on", "2026-12-01", "--json"))
    assert set(doc) == KEYS and doc["as_of"] == "2026-12-01"
    every = [r for k in ("eligible", "nearly", "not_eligible", "unknown") for r in doc[k]]
    assert sorted(r["id"] for r in every) == sorted(i["id"] for i in listed["items"])
    # this demo company declared no R&D figures: the R&D policies lack data, never "no"
    unknown = {r["id"]: r for r in doc["unknown"]}
    voucher = unknown["tk-compute-voucher"]
    assert [t["field"] for t in voucher["trace"]["unknown"]] == ["rd_spend", "rd_staff_ratio"]
    assert [t["clause"] for t in voucher["trace"]["met"]] == ["第六条第(一)款", "第六条第(一)款"]
    assert voucher["gaps"][0] == {
        "field": "rd_spend",
        "need": "上年度研发费用 ge 200万元",
        "clause": "第六条第(二)款",
        "status": "unknown",
        "action": "declare rd_spend (not enough data)",
    }
    kinds = {p["org_kind"] for p in voucher["providers"]}
    assert voucher["providers"] and kinds <= {"institute", "service"}
    assert all(p["if_missing"] and p["closes"] for p in voucher["providers"])
    # the pilot-platform voucher ran out on 2025-12-31
    expired = next(r for r in doc["not_eligible"] if r["id"] == "tk-pilot-platform")
    assert expired["in_effect"] is False


def test_facts_change_the_outcome_and_nearly_names_providers(home: Path) -> None:
    org = "demo-ic-0005"
    bad = _invoke(home, "toolkit", "fact", org, "rd_spend=abc", "rd_staff_ratio=30")
    assert bad.exit_code == 2 and "rd_spend: expected a number, got 'abc'" in bad.stderr
    assert (
        _json(_invoke(home, "toolkit", "facts", org, "--json"))["facts"].get("rd_staff_ratio")
        is None
    )
    set_ = _invoke(
        home,
        "toolkit",
        "fact",
        org,
        "rd_spend=180",
        "rd_staff_ratio=30",
        "--source",
        "企业申报",
        "--json",
    )
    assert _json(set_)["facts"]["rd_spend"] == {"value": 180.0, "as_of": None, "source": "企业申报"}
    doc = _json(_invoke(home, "toolkit", "match", org, "--on", "2026-12-01", "--json"))
    near = {r["id"]: r for r in doc["nearly"]}
    assert near["tk-compute-voucher"]["distance"] == 0.1  # (200 - 180) / 200
    gap = near["tk-compute-voucher"]["gaps"]
    assert [(g["field"], g["actual"], g["distance"]) for g in gap] == [("rd_spend", 180.0, 0.1)]
    assert near["tk-compute-voucher"]["providers"][0]["closes"] == ["rd_spend (第六条第(二)款)"]
    distances = [r["distance"] for r in doc["nearly"]]
    assert distances == sorted(distances)


def test_toolkit_import_refuses_a_contradiction_and_writes_nothing(
    home: Path, tmp_path: Path
) -> None:
    doc = {
        "items": [
            {
                "id": "tk-bad",
                "name": "矛盾",
                "source": "《测试》",
                "conditions": {
                    "kind": "all",
                    "items": [
                        {
                            "kind": "condition",
                            "field": "revenue",
                            "op": "ge",
                            "value": 50,
                            "clause": "第一条",
                        },
                        {
                            "kind": "condition",
                            "field": "revenue",
                            "op": "lt",
                            "value": 10,
                            "clause": "第二条",
                        },
                    ],
                },
            }
        ]
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    res = _invoke(home, "toolkit", "import", str(path))
    assert res.exit_code == 2
    assert (
        "row 1, field 'conditions': item 'tk-bad': conditions.items[1] (field 'revenue'): "
        "contradicts" in res.stderr
    )
    with ToolkitStore(home / "catalog.sqlite") as tk:
        assert tk.count() == 14


def test_export_and_report_workbooks(home: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "toolkit.xlsx"
    assert _invoke(home, "toolkit", "export", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["items", "conditions"] and wb["items"].max_row == 15
    report = tmp_path / "report.xlsx"
    assert _invoke(home, "toolkit", "report", str(report), "--on", "2026-12-01").exit_code == 0
    rows = list(load_workbook(report)["eligibility"].values)
    assert rows[0] == (
        "org_id",
        "name",
        "item_id",
        "item",
        "outcome",
        "distance",
        "missed",
        "unknown",
    )
    assert len(rows) - 1 == 296 * 14  # every demo enterprise × every item
    assert {r[4] for r in rows[1:]} == {"eligible", "nearly", "not_eligible", "unknown"}


# -- HTTP --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    company = add_token(home / "tokens.toml", "co5", Role.COMPANY, "demo-ic-0005")
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c, {"Authorization": f"Bearer {company}"}


def test_http_match_is_the_cli_shape_and_a_company_sees_its_own_only(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, own = client
    assert c.get("/toolkit/match/demo-ic-0005").status_code == 401
    r = c.get("/toolkit/match/demo-ic-0005?on=2026-12-01&providers=false", headers=own)
    assert r.status_code == 200 and set(r.json()) == KEYS
    waiting = r.json()["nearly"] + r.json()["unknown"]
    assert waiting and all(x["providers"] == [] for x in waiting)  # asked without providers
    other = c.get("/toolkit/match/demo-nev-0001", headers=own)
    assert other.status_code == 403
    assert other.json()["detail"] == (
        "organisation 'demo-nev-0001': 'co5' (company token for demo-ic-0005) sees its own "
        "organisation's only"
    )
    staff = c.get("/toolkit/match/demo-nev-0001?on=2026-12-01", headers=AUTH).json()
    assert staff["org_id"] == "demo-nev-0001"


def test_http_writes_need_staff_and_bad_input_names_the_field(
    client: tuple[TestClient, dict[str, str]],
    home: Path,
) -> None:
    c, own = client
    items = c.get("/toolkit/items").json()["items"]  # reads are open
    assert len(items) >= 14
    voucher = c.get("/toolkit/items/tk-innovation-voucher").json()
    body = {**voucher, "id": "tk-new", "name": "新政策"}
    assert c.put("/toolkit/items/tk-new", json=body).status_code == 401
    r = c.put("/toolkit/items/tk-new", json=body, headers=own)
    assert r.status_code == 403 and "needs a staff token" in r.json()["detail"]
    bad = json.loads(json.dumps(body))
    bad["conditions"]["items"].append(
        {"kind": "condition", "field": "age_years", "op": "lt", "value": 1, "clause": "第九条"}
    )
    r = c.put("/toolkit/items/tk-new", json=bad, headers=AUTH)
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "item 'tk-new': conditions.items[5] (field 'age_years'): contradicts "
        "conditions.items[3] (age_years ge 1): no value satisfies them all"
    )
    assert c.get("/toolkit/items/tk-new").status_code == 404
    r = c.put("/toolkit/items/tk-new", json=body, headers=AUTH)
    assert r.status_code == 200 and r.json()["name"] == "新政策"
    # a company declares its own facts, not another's
    r = c.put(
        "/toolkit/facts/demo-ic-0005",
        json={"values": {"tax": 80}, "source": "企业申报"},
        headers=own,
    )
    assert r.status_code == 200 and r.json()["facts"]["tax"]["value"] == 80.0
    assert (
        c.put("/toolkit/facts/demo-nev-0001", json={"values": {"tax": 80}}, headers=own).status_code
        == 403
    )
    r = c.put(
        "/toolkit/facts/demo-ic-0005", json={"values": {"tax": -1, "employees": 9}}, headers=AUTH
    )
    assert r.status_code == 422 and "tax: expected 0 to 1e+12, got -1" in r.json()["detail"]
    facts = c.get("/toolkit/facts/demo-ic-0005", headers=AUTH).json()["facts"]
    assert (
        facts.get("employees", {}).get("value") != 9.0
    )  # the good value beside the bad one: not written
    x = c.get("/toolkit/export.xlsx", headers=AUTH)
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert c.get("/toolkit/export.xlsx", headers=own).status_code == 403


def test_desk_suggestions_include_toolkit_items_for_a_finance_request(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    c, _ = client
    filed = c.post(
        "/desk/requests",
        json={
            "org_id": "demo-ic-0005",
            "text": "想用发明专利质押向银行贷款，申请贴息",
            "kind": "finance",
        },
        headers=AUTH,
    ).json()
    sug = c.get(f"/desk/requests/{filed['id']}/suggestions?k=5", headers=AUTH).json()
    orgs = [r for r in sug["results"] if "org_id" in r]
    items = [r for r in sug["results"] if "item_id" in r]
    assert len(orgs) == 5 and 1 <= len(items) <= 3
    assert all(r["sources"] == ["toolkit"] and "惠企工具包" in r["explanation"] for r in items)
    assert all(r["outcome"] in {"eligible", "nearly", "not_eligible", "unknown"} for r in items)
    finance = {
        "tk-points-loan",
        "tk-hnte-award",
        "tk-little-giant",
        "tk-rd-deduction",
        "tk-first-set",
        "tk-ip-pledge-subsidy",
        "tk-innovation-voucher",
        "tk-compute-voucher",
    }
    assert {r["item_id"] for r in items} <= finance  # only items that answer finance requests
    supply = c.post(
        "/desk/requests",
        json={"org_id": "demo-ic-0005", "text": "寻找光刻胶供应商", "kind": "supply"},
        headers=AUTH,
    ).json()
    sug = c.get(f"/desk/requests/{supply['id']}/suggestions?k=3", headers=AUTH).json()
    assert all("org_id" in r for r in sug["results"])  # no item answers a supply request
