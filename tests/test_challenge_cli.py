"""`chainmatch challenge …` as park staff run it, on the demo park with the hashing encoder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from openpyxl import load_workbook
from typer.testing import CliRunner

from catalog.challenge import ChallengeStore
from service.cli import app

Run = Callable[..., Result]
SPEC = {
    "org_id": "demo-nev-0012",
    "title": "退役电池包快速分选",
    "problem": "退役动力电池包梯次利用前需要快速分选，要求无损检测内阻和容量一致性",
    "indicators": [{"name": "单包分选时间", "target": "≤10", "unit": "min"}],
    "deliverable_level": "prototype",
    "amount_wan": 50,
    "deadline": "2099-06-30",
    "phases": [{"name": "样机", "due": "2099-03-31"}],
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("challenge-home")
    res = _invoke(home, "demo", "--k", "1")
    assert res.exit_code == 0, res.stderr
    return home


def _invoke(home: Path, *args: str) -> Result:
    env = {"CHAINMATCH_HOME": str(home), "CHAINMATCH_ENCODER": "hashing"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def run(home: Path) -> Run:
    return lambda *args: _invoke(home, *args)


def _json(res: Result) -> Any:
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def _spec(tmp_path: Path, **over: Any) -> str:
    path = tmp_path / "challenge.json"
    path.write_text(json.dumps({**SPEC, **over}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_demo_loads_the_fictional_challenges(run: Run) -> None:
    doc = _json(run("challenge", "list", "--json"))
    assert doc["count"] == 6
    states = sorted((c["title"], c["state"]) for c in doc["challenges"])
    assert ("固态电池电解质界面阻抗降低", "in_delivery") in states
    assert ("车规级SiC模块热管理与功率循环可靠性", "closed") in states
    stats = _json(run("challenge", "stats", "--json"))
    # C1 signed 180, C2 signed 260 (both matched); C3 shortlisted (matched); C4 published,
    # C5 in review, C6 failed: opened 6, published 5
    assert {k: stats[k] for k in ("opened", "published", "matched", "signed")} == {
        "opened": 6,
        "published": 5,
        "matched": 3,
        "signed": 2,
    }
    assert (stats["amount_signed_wan"], stats["match_rate"], stats["applications"]) == (
        440.0,
        0.6,
        8,
    )


def test_open_review_publish_apply_score_by_cli(run: Run, tmp_path: Path) -> None:
    opened = _json(run("challenge", "open", _spec(tmp_path), "--submit", "--by", "周岚", "--json"))
    cid = opened["id"]
    assert (opened["state"], opened["opened_by"]) == ("in_review", "周岚")
    res = run("challenge", "move", cid, "published", "--by", "周岚")
    assert res.exit_code == 6 and "'周岚' opened or submitted challenge" in res.stderr
    res = run("challenge", "move", cid, "signed", "--amount", "5", "--by", "陈立")
    assert res.exit_code == 4
    assert "is 'in_review': it cannot move to 'signed'; allowed from 'in_review': draft" in (
        " ".join(res.stderr.split())
    )
    assert (
        _json(run("challenge", "move", cid, "published", "--by", "陈立", "--json"))["state"]
        == "published"
    )
    app = _json(
        run(
            "challenge", "apply", cid, "demo-inst-0008", "--proposal", "中试线做梯次分选样机验证",
            "--ip", "accepts_terms", "--budget", "45", "--member", "工程师 3 名", "--json",
        )
    )  # fmt: skip
    assert (app["org_id"], app["budget_wan"], app["team"]) == (
        "demo-inst-0008",
        45.0,
        ["工程师 3 名"],
    )
    scores = ["--score", "technical_fit=4", "--score", "team=4", "--score", "cost=5"]
    scores += ["--score", "schedule=3", "--score", "ip=4"]
    doc = _json(run("challenge", "score", cid, "demo-inst-0008", *scores, "--by", "陈立", "--json"))
    # 0.4·4 + 0.25·4 + 0.15·5 + 0.1·3 + 0.1·4 = 4.05 → 81 of 100
    assert (doc["ranking"][0]["total"], doc["ranking"][0]["total_100"]) == (4.05, 81.0)
    shown = _json(run("challenge", "show", cid, "--json"))
    assert [a["org_id"] for a in shown["application_list"]] == ["demo-inst-0008"]
    assert shown["allowed_moves"]["staff"] == ["shortlisted", "awarded", "withdrawn", "failed"]


def test_bad_input_exits_2_naming_the_field_and_writes_nothing(
    run: Run, home: Path, tmp_path: Path
) -> None:
    with ChallengeStore(home / "catalog.sqlite") as store:
        before = store.count()
    cases = [
        ({"org_id": "nobody-0001"}, "org_id: no organisation 'nobody-0001' in the catalog"),
        ({"deadline": "2020-01-01", "phases": []}, "deadline: 2020-01-01 is in the past"),
        (
            {"phases": [{"name": "样机", "due": "2099-07-01"}]},
            "phases[0].due: phase '样机' is due 2099-07-01, after the deadline 2099-06-30",
        ),
        (
            {"rubric": [{"name": "technical_fit", "weight": 0.6}, {"name": "cost", "weight": 0.3}]},
            "rubric: weights sum to 0.9, expected 1",
        ),
    ]
    for over, message in cases:
        res = run("challenge", "open", _spec(tmp_path, **over))
        assert res.exit_code == 2, res.stdout
        assert message in " ".join(res.stderr.split())
    with ChallengeStore(home / "catalog.sqlite") as store:
        assert store.count() == before


def test_open_from_a_desk_request_solvers_and_export(run: Run, tmp_path: Path) -> None:
    queue = _json(run("desk", "list", "--all", "--json"))
    req = next(r for r in queue["requests"] if r["org_id"] == "demo-bio-0003")
    spec = {k: v for k, v in SPEC.items() if k not in ("org_id", "problem")}
    path = tmp_path / "from-request.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    doc = _json(run("challenge", "open", str(path), "--from-request", req["id"], "--json"))
    assert (doc["org_id"], doc["source_request_id"]) == ("demo-bio-0003", req["id"])
    assert doc["problem"] == req["text"]
    listed = _json(run("challenge", "list", "--json"))["challenges"]
    c2 = next(c for c in listed if c["title"].startswith("车规级SiC"))
    solvers = _json(run("challenge", "solvers", c2["id"], "-k", "5", "--json"))
    kinds = [s["kind"] for s in solvers["solvers"]]
    assert len(kinds) == 5 and kinds == sorted(kinds, key=lambda k: k != "institute")
    assert all(s["reasons"] for s in solvers["solvers"])
    assert len(solvers["consortium"]["parts"]) == 3
    out = tmp_path / "challenges.xlsx"
    assert run("challenge", "export", str(out)).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Challenges", "Applications", "Reviews", "Stats", "Log"]
    head = [c.value for c in wb["Challenges"][1]]
    assert head[:4] == ["id", "org_id", "title", "state"]
    assert wb["Stats"]["A2"].value == "total" and wb["Challenges"].max_row >= 8
