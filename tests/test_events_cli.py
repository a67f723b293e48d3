"""`chainmatch event …` as park staff run it, on the demo park with the hashing encoder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from catalog.events import EventStore
from service.cli import app
from tests.test_events_checker import Slotted, violations

Run = Callable[..., Result]
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("events-home")
    res = _invoke(home, "demo", "--k", "1")
    assert res.exit_code == 0, res.stderr
    return home


def _invoke(home: Path, *args: str) -> Result:
    env = {"CHAINMATCH_HOME": str(home), "CHAINMATCH_ENCODER": "hashing"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def run(home: Path) -> Run:
    return lambda *args: _invoke(home, *args)


QUICK = ("--slots", "4", "--tables", "4", "--start", "2026-12-01T09:00", "--time-limit", "5")


def test_plan_export_outcome_stats(run: Run, home: Path, tmp_path: Path) -> None:
    res = run("event", "plan", "--theme-chain", "nev", "--participants", "12", *QUICK, "--json")
    assert res.exit_code == 0, res.stderr
    body = json.loads(res.stdout)
    assert {"meetings", "objective", "bound", "gap"} <= set(body)
    assert body["event_id"] == "ev-20261201-1" and 0 <= body["gap"] <= 0.03
    assert body["objective"] <= body["bound"] + 1e-9 and len(body["meetings"]) == 16
    for m in body["meetings"]:
        assert set(m) >= {"slot", "table", "a", "b", "score", "why"} and m["why"]
    with EventStore(home / "catalog.sqlite") as store:
        plan = store.get_plan("ev-20261201-1")
    assert plan.event.name == "新能源汽车 供需对接会" and len(plan.shortlist) == 12
    assert all(plan.meetings_of(i) for i in plan.event.participant_ids)  # --min-meetings 1
    assert violations(plan.event, [Slotted(m.slot, m.table, m.a, m.b) for m in plan.meetings]) == []

    out = tmp_path / "out"
    res = run("event", "export", "ev-20261201-1", "--out", str(out))
    assert res.exit_code == 0, res.stderr
    assert (out / "ev-20261201-1.xlsx").exists() and (out / "ev-20261201-1.html").exists()
    assert len(list((out / "ics").glob("*.ics"))) == len(
        {x for m in plan.meetings for x in (m.a, m.b)}
    )
    assert "calendar(s) to" in res.stdout

    m = plan.meetings[0]
    res = run("event", "outcome", "ev-20261201-1", m.b, m.a, "--status", "signed")
    assert res.exit_code == 0 and "recorded 1 outcome(s)" in res.stdout
    second = plan.meetings[1]
    res = run("event", "outcome", "ev-20261201-1", second.a, second.b, "--status", "no_show")
    assert res.exit_code == 0
    res = run("event", "outcome", "ev-20261201-1", m.a, "demo-ic-0001", "--status", "held")
    assert res.exit_code == 3 and "meeting" in res.stderr and "not found" in res.stderr

    stats = json.loads(run("event", "stats", "ev-20261201-1", "--json").stdout)
    one = stats["events"][0]
    assert (one["meetings"], one["held"], one["signed"], one["no_show"]) == (16, 1, 1, 1)
    assert one["cooperation_rate"] == 1.0 and one["no_show_rate"] == 0.5

    gold = tmp_path / "gold.jsonl"
    assert run("event", "export", "ev-20261201-1", "--gold", str(gold)).exit_code == 0
    (line,) = [json.loads(x) for x in gold.read_text("utf-8").splitlines()]
    assert {line["query"], line["supplier"]} == {m.a, m.b}

    text = run("event", "stats").stdout
    assert "ev-20261201-1" in text and "totals: 1 events, 12 companies" in text


def test_plan_from_a_json_file(run: Run, tmp_path: Path) -> None:
    ids = ["demo-nev-0001", "demo-nev-0002", "demo-nev-0003", "demo-nev-0004", "demo-nev-0005"]
    doc = {
        "id": "nev-breakfast",
        "name": "新能源汽车早餐会",
        "date": "2026-12-02",
        "slots": ["08:00", "08:15"],
        "meeting_minutes": 15,
        "tables": 2,
        "participants": ids,
        "pairs": [{"a": ids[0], "b": ids[1], "preference": "must_meet"}],
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    res = run("event", "plan", str(path), "--time-limit", "5")
    assert res.exit_code == 0, res.stderr
    assert "nev-breakfast" in res.stdout and "objective" in res.stdout and "slot 2" in res.stdout
    assert "must-meet" in res.stdout

    doc["id"] = "too-many"
    doc["pairs"] = [{"a": ids[0], "b": x, "preference": "must_meet"} for x in ids[1:]]
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    res = run("event", "plan", str(path))
    assert res.exit_code == 2
    assert "must_meet: demo-nev-0001 has 4 must-meet partners" in res.stderr
    assert "only 2 free slot(s)" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("event", "plan", "--participants", "5"), 2, "--start, --slots, --tables"),
        (("event", "plan", "x.json", "--slots", "3"), 2, "either as a JSON file or with flags"),
        (("event", "plan", "x.json"), 2, "x.json: no such file"),
        (("event", "plan", "--theme-chain", "zz", "--participants", "5", *QUICK), 2, "chain zz"),
        (("event", "plan", "--theme-chain", "nev", *QUICK), 2, "--participants N"),
        (("event", "export", "nope", "--out", "x"), 3, "event 'nope' not found"),
        (("event", "export", "nope"), 2, "--out DIR and/or --gold FILE"),
        (("event", "outcome", "nope", "a", "b"), 2, "--status"),
        (("event", "stats", "nope"), 3, "event 'nope' not found"),
    ],
)
def test_errors_are_one_line_with_an_exit_code(
    run: Run, args: tuple[str, ...], code: int, message: str
) -> None:
    res = run(*args)
    assert res.exit_code == code, (res.stdout, res.stderr)
    assert message in res.stderr and "Traceback" not in res.stderr


def test_every_event_command_has_help_text(run: Run) -> None:
    for cmd in ("plan", "export", "outcome", "stats"):
        res = run("event", cmd, "--help")
        assert res.exit_code == 0
        assert "Usage:" in res.stdout and len(res.stdout.split("Usage:")[1].strip()) > 40
    plan_help = run("event", "plan", "--help").stdout
    for word in ("must_meet", "min_meetings", "unavailable", "met_before", "--theme-chain"):
        assert word in plan_help


def test_readme_documents_the_event_commands() -> None:
    text = README.read_text("utf-8")
    section = text.split("## Matchmaking events", 1)[1].split("\n## ", 1)[0]
    for cmd in ("event plan", "event export", "event outcome", "event stats", "must_meet"):
        assert cmd in section, cmd


# Regression: a zoneinfo directory ("America") came out as "[Errno 21] Is a directory: …",
# and mixed naive/aware slot times as a TypeError traceback.
BREAKFAST = {
    "name": "早餐会",
    "date": "2026-12-02",
    "slots": ["08:00", "08:15"],
    "meeting_minutes": 15,
    "tables": 2,
}


def _plan_file(run: Run, tmp_path: Path, **changes: object) -> Result:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(BREAKFAST | changes, ensure_ascii=False), "utf-8")
    return run("event", "plan", str(path), "--participants", "4", "--no-save")


@pytest.mark.parametrize("zone", ["America", "", "../etc", "Not/AZone"])
def test_plan_refuses_a_bad_time_zone_by_name(run: Run, tmp_path: Path, zone: str) -> None:
    res = _plan_file(run, tmp_path, timezone=zone)
    assert res.exit_code == 2, (res.stdout, res.stderr)
    expected = (
        f"error: invalid event definition: timezone: unknown time zone {zone!r}: "
        "expected an IANA time zone name such as 'Asia/Shanghai'"
    )
    assert " ".join(res.stderr.split()) == expected  # one message, however the console wraps
    assert res.stdout == ""


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        (["08:00", "08:15Z"], "slots: slot 2 (08:15+00:00) has a UTC offset but slot 1 (08:00)"),
        (["08:00+08:00", "08:15"], "slots: slot 1 (08:00+08:00) has a UTC offset but slot 2"),
        (["08:00Z", "08:15Z"], "slots: slot 1 (08:00+00:00) has a UTC offset; slot times are"),
    ],
)
def test_plan_refuses_slot_times_with_an_offset_by_slot(
    run: Run, tmp_path: Path, slots: list[str], message: str
) -> None:
    res = _plan_file(run, tmp_path, slots=slots)
    assert res.exit_code == 2, (res.stdout, res.stderr)
    text = " ".join(res.stderr.split())
    assert text.startswith(f"error: invalid event definition: {message}")
    assert "leave out the offset" in text and "Traceback" not in res.stderr


def test_plan_start_flag_takes_a_local_time_only(run: Run) -> None:
    res = run(
        "event",
        "plan",
        "--theme-chain",
        "nev",
        "--participants",
        "4",
        *QUICK[:4],
        "--start",
        "2026-12-01T09:00+08:00",
        "--no-save",
    )
    assert res.exit_code == 2
    assert "Invalid value for '--start'" in res.stderr
