"""`chainmatch desk …` as park staff run it, on the demo park with the hashing encoder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from catalog.desk import DeskStore
from service.cli import app

Run = Callable[..., Result]
NOW = ("--now", "2026-12-01T10:00")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("desk-home")
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


def _log(home: Path, rid: str) -> list[tuple[Any, ...]]:
    with DeskStore(home / "catalog.sqlite") as desk:
        return [(e.seq, e.at, e.actor, e.to_state, e.note, dict(e.data)) for e in desk.get(rid).log]


def test_demo_loads_the_fictional_requests(run: Run) -> None:
    queue = _json(run("desk", "list", *NOW, "--json"))
    assert queue["as_of"] == "2026-12-01T10:00:00+08:00"
    assert [r["state"] for r in queue["requests"]][:3] == ["new", "in_progress", "accepted"]
    assert queue["overdue"] == 3 and all(r["overdue"] for r in queue["requests"][:3])
    assert queue["requests"][0]["escalation"] == "notify"
    assert queue["requests"][0]["watchers"] == ["desk supervisor"]
    stats = _json(run("desk", "stats", *NOW, "--json"))
    assert (stats["requests"], stats["withdrawn"], stats["merged"], stats["closed"]) == (
        42,
        1,
        1,
        33,
    )
    assert stats["closure_rate"] == 0.825 and stats["by"]["kind"]["supply"]["requests"] == 13


def test_file_move_confirm_with_the_interface_the_checks_use(run: Run, home: Path) -> None:
    filed = _json(
        run(
            "desk",
            "file",
            "demo-nev-0001",
            "寻找800V碳化硅功率模块供应商",
            "--kind",
            "supply",
            "--by",
            "王敏",
            "--json",
        )
    )
    rid = filed["id"]
    assert filed["state"] == "new" and rid.startswith("dr-")
    bad = run("desk", "move", rid, "resolved", "--note", "x")
    assert bad.exit_code == 4
    assert bad.stderr == (
        f"error: request {rid!r} is 'new': it cannot move to 'resolved'; allowed from 'new': "
        "accepted, returned, withdrawn, merged\n"
    )
    suggested = _json(run("desk", "suggest", rid, "--k", "5", "--json"))
    assert set(suggested) == {"query", "results", "handlers"} and len(suggested["results"]) == 5
    assert {"org_id", "name", "score", "explanation"} <= set(suggested["results"][0])
    assert suggested["handlers"][0]["handler"] == "经信局 产业链专班 陈立"  # took the most supply
    solver = suggested["results"][0]["org_id"]
    seen = _log(home, rid)
    steps = [
        ("accepted",),
        ("assigned", "--to", "经信局 产业链专班 陈立"),
        ("in_progress", "--note", "已联系三家"),
        ("resolved", "--note", "已对接", "--solver", solver),
    ]
    for step in steps:
        moved = _json(run("desk", "move", rid, *step, "--by", "王敏", "--json"))
        assert moved["state"] == step[0] and len(moved["log"]) == len(seen) + 1
        assert _log(home, rid)[: len(seen)] == seen
        seen = _log(home, rid)
    done = _json(run("desk", "confirm", rid, "--rating", "4", "--note", "满意", "--json"))
    assert (done["state"], done["rating"]) == ("closed", 4)
    assert done["log"][-1]["role"] == "company" and done["log"][-1]["rating"] == 4
    assert _log(home, rid)[: len(seen)] == seen
    again = run("desk", "confirm", rid, "--rating", "5")
    assert again.exit_code == 4 and "is 'closed'" in again.stderr
    assert len(_log(home, rid)) == len(seen) + 1


def test_extensions_need_another_approver_and_a_future_deadline(run: Run, home: Path) -> None:
    rid = _json(
        run("desk", "file", "demo-ic-0037", "需要失效分析", "--kind", "technology", "--json")
    )["id"]
    past = run(
        "desk",
        "extend",
        rid,
        "--clock",
        "resolve",
        "--until",
        "2020-01-01T10:00",
        "--reason",
        "等报告",
    )
    assert past.exit_code == 2 and "until: 2020-01-01T10:00:00+08:00 is in the past" in past.stderr
    seen = _log(home, rid)
    asked = _json(
        run(
            "desk",
            "extend",
            rid,
            "--clock",
            "resolve",
            "--hours",
            "8",
            "--reason",
            "等报告",
            "--by",
            "李工",
            "--json",
        )
    )
    ref = asked["log"][-1]["seq"]
    assert _log(home, rid)[: len(seen)] == seen and len(_log(home, rid)) == len(seen) + 1
    seen = _log(home, rid)
    own = run("desk", "decide", rid, str(ref), "--approve", "--by", "李工")
    assert own.exit_code == 6 and "'李工' asked for this extension" in own.stderr
    ok = _json(run("desk", "decide", rid, str(ref), "--approve", "--by", "主任", "--json"))
    assert ok["clocks"]["resolve"]["target_hours"] == 48.0
    assert ok["log"][-1]["notify_company"] is True
    assert _log(home, rid)[: len(seen)] == seen and len(_log(home, rid)) == len(seen) + 1


def test_bad_input_exits_2_naming_the_field_and_writes_nothing(run: Run, home: Path) -> None:
    with DeskStore(home / "catalog.sqlite") as desk:
        before = desk.count()
    for args, message in [
        (("nobody", "找供应商", "--kind", "supply"), "org_id: no organisation 'nobody'"),
        (("demo-nev-0001", "找钱", "--kind", "money"), "kind: 'money' is not a request kind"),
        (
            ("demo-nev-0001", "找供应商", "--kind", "supply", "--needed-by", "2020-01-01"),
            "needed_by: 2020-01-01 is in the past",
        ),
        (
            ("demo-nev-0001", "找供应商", "--kind", "supply", "--urgency", "asap"),
            "invalid request: urgency: Input should be 'normal' or 'urgent'",
        ),
    ]:
        res = run("desk", "file", *args)
        assert res.exit_code == 2 and message in res.stderr, res.stderr
    with DeskStore(home / "catalog.sqlite") as desk:
        assert desk.count() == before


def test_exports(run: Run, tmp_path: Path) -> None:
    out, gold = tmp_path / "desk.xlsx", tmp_path / "gold.jsonl"
    res = run("desk", "export", str(out), "--gold", str(gold), *NOW)
    assert res.exit_code == 0, res.stderr
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Queue", "Stats", "Log"]
    assert wb["Queue"]["A1"].value == "id" and wb["Queue"].max_row >= 7
    lines = [json.loads(x) for x in gold.read_text("utf-8").splitlines()]
    assert {"query", "supplier", "query_need", "request", "date"} == set(lines[0])
    assert {"query": "demo-nev-0012", "supplier": "demo-ic-0015"} == {
        k: lines[0][k] for k in ("query", "supplier")
    }
