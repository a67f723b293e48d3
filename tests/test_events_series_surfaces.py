"""An event series through both surfaces, on the demo park with the hashing encoder:
plan, record outcomes, plan the next event with history, read the series stats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from catalog.events import EventStore, Plan
from service.api.app import create_app
from service.cli import app
from service.settings import Settings

TOKEN = "series-token-0123456789abcdef"
QUICK = ("--slots", "4", "--tables", "4", "--time-limit", "5", "--theme-chain", "nev")


def _invoke(home: Path, *args: str) -> Result:
    env = {"CHAINMATCH_HOME": str(home), "CHAINMATCH_ENCODER": "hashing"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _plan(home: Path, event_id: str) -> Plan:
    with EventStore(home / "catalog.sqlite") as store:
        return store.get_plan(event_id)


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Two NEV events a month apart; the first one's outcomes recorded: its first meeting a
    follow-up, its second a no-show, the others held."""
    home = tmp_path_factory.mktemp("series-home")
    assert _invoke(home, "demo", "--k", "1").exit_code == 0
    first = _invoke(home, "event", "plan", "--participants", "12", *QUICK, "--start",
                    "2026-03-02T09:00", "--json")  # fmt: skip
    assert first.exit_code == 0, first.stderr
    ev1 = _plan(home, "ev-20260302-1")
    rows = ["a,b,status"] + [
        f"{m.a},{m.b},{'follow_up' if k == 0 else 'no_show' if k == 1 else 'held'}"
        for k, m in enumerate(ev1.meetings)
    ]
    csv = home / "outcomes.csv"
    csv.write_text("\n".join(rows) + "\n", "utf-8")
    assert _invoke(home, "event", "outcome", "ev-20260302-1", "--file", str(csv)).exit_code == 0
    second = _invoke(home, "event", "plan", "--participants", "12", *QUICK, "--start",
                     "2026-04-01T09:00", "--history-detail", "--json")  # fmt: skip
    assert second.exit_code == 0, second.stderr
    return home, json.loads(second.stdout)


def test_the_next_event_leaves_out_the_pairs_that_met(series: tuple[Path, dict[str, Any]]) -> None:
    home, body = series
    ev1, ev2 = _plan(home, "ev-20260302-1"), _plan(home, "ev-20260401-1")
    follow, no_show, *held = [(m.a, m.b) for m in ev1.meetings]
    people = set(ev2.event.participant_ids)
    met = {p for p in held if set(p) <= people}  # held pairs among the new participants
    assert body["history"] == {
        "window_days": 180,
        "excluded": len(met),
        "held": len(met),
        "signed": 0,
        "scheduled": 0,
        "follow_up_wishes": int(set(follow) <= people),
        "kept_requested": 0,
    }
    now = {(m.a, m.b) for m in ev2.meetings}
    assert not now & set(held)  # nobody meets again (the no-show pair may)
    assert set(ev2.event.met_before) == met
    detail = body["history_per_participant"]
    assert {(o, d["with"]) for o, rows in detail.items() for d in rows} == {
        x for a, b in met for x in ((a, b), (b, a))
    }
    assert all(
        d["reason"] == "held" and d["event_id"] == "ev-20260302-1"
        for r in detail.values()
        for d in r
    )
    assert body["history_note"].startswith(f"history (180-day window, {len(ev1.meetings)} stored")
    if set(follow) <= people and follow in now:
        assert ev2.meeting(*follow).follow_up == "ev-20260302-1"  # type: ignore[union-attr]


def test_history_can_be_switched_off_and_a_bad_window_is_named(
    series: tuple[Path, dict[str, Any]],
) -> None:
    home, _ = series
    res = _invoke(home, "event", "plan", "--participants", "12", *QUICK, "--start",
                  "2026-04-02T09:00", "--not-again-within", "0", "--no-save")  # fmt: skip
    assert res.exit_code == 0 and "history off (--not-again-within 0)" in res.stdout
    res = _invoke(home, "event", "plan", "--participants", "12", *QUICK, "--start",
                  "2026-04-02T09:00", "--not-again-within", "soon", "--no-save")  # fmt: skip
    assert res.exit_code == 2
    assert "not_again_within: 'soon' is not a window" in " ".join(res.stderr.split())


def test_waves_and_favour_show_in_the_shortlist_reasons(
    series: tuple[Path, dict[str, Any]],
) -> None:
    home, _ = series
    # 40 of the 57: the leaders' wave does not fill every seat
    res = _invoke(home, "event", "plan", "--participants", "40", "--min-meetings", "0",
                  "--theme-chain", "nev", "--slots", "4", "--tables", "10", "--time-limit", "5",
                  "--start", "2026-04-03T09:00", "--waves", "--favour-unserved",
                  "--unserved-weight", "0.5", "--no-save")  # fmt: skip
    assert res.exit_code == 0, res.stderr
    text = "".join(res.stdout.split())  # the console wraps between Chinese characters too

    def shown(words: str) -> bool:
        return "".join(words.split()) in text

    assert shown("第一批 wave 1 · 链主 chain leader：") and shown("第二批 wave 2：")
    assert shown("的供应商 supplier of a leader：")
    assert shown("favour-unserved ×1.50 (weight 0.5: 0 past meeting(s), no partner yet)")
    assert shown("history (180-day window")


def test_series_stats_in_the_cli(series: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    home, _ = series
    ev1, ev2 = _plan(home, "ev-20260302-1"), _plan(home, "ev-20260401-1")
    res = _invoke(home, "event", "stats", "--series", "--json")
    assert res.exit_code == 0, res.stderr
    s = json.loads(res.stdout)
    pairs1 = [(m.a, m.b) for m in ev1.meetings]
    repeats = sum((m.a, m.b) in pairs1[1:] for m in ev2.meetings)  # the no-show pair counts not
    assert repeats == 0 and s["repeat_pairs"] == 0
    assert s["follow_up_repeats"] == int(ev2.meeting(*pairs1[0]) is not None)
    assert (s["events"], s["meetings"]) == (2, len(ev1.meetings) + len(ev2.meetings))
    assert s["held"] == len(ev1.meetings) - 1  # ev-2 has no outcomes yet
    assert s["companies"] == len(set(ev1.event.participant_ids) | set(ev2.event.participant_ids))
    assert (s["park"], s["reference_rate"], s["partner_found"]) == (357, 0.05, 0)
    assert [m["month"] for m in s["months"]] == ["2026-03", "2026-04"]
    nev = next(c for c in s["chains"] if c["chain"] == "nev")
    assert (nev["name"], nev["events"]) == ("新能源汽车", 2)

    res = _invoke(home, "event", "stats", "--series", "--since", "2026-04-01",
                  "--theme-chain", "nev", "--out", str(tmp_path / "rep"))  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert "series (chain nev since 2026-04-01): 1 events" in res.stdout
    assert "reference 274 / 5,478 = 5.0%" in res.stdout
    written = sorted(p.name for p in (tmp_path / "rep").iterdir())
    assert written == ["partner-found-by-month.png", "report.md", "series.xlsx"]
    assert (tmp_path / "rep" / "partner-found-by-month.png").read_bytes()[:4] == b"\x89PNG"
    wb = load_workbook(tmp_path / "rep" / "series.xlsx")
    assert wb.sheetnames == ["Summary", "Months", "Chains"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True)}
    assert summary["events"] == 1 and summary["reference: 274 / 5,478 (the park's year)"] == 0.05
    assert "![partner-found rate by month](partner-found-by-month.png)" in (
        tmp_path / "rep" / "report.md"
    ).read_text("utf-8")

    res = _invoke(home, "event", "stats", "--series", "--theme-chain", "zz")
    assert res.exit_code == 2 and "theme_chain: unknown chain 'zz'; known: bio" in res.stderr
    res = _invoke(home, "event", "stats", "--since", "2026-04-01")
    assert res.exit_code == 2 and "--since, --theme-chain and --out go with --series" in res.stderr


@pytest.fixture(scope="module")
def client(series: tuple[Path, dict[str, Any]]) -> Iterator[TestClient]:
    home, _ = series
    settings = Settings(home=home, encoder="hashing", token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


def test_the_api_plans_with_history_and_serves_the_series(
    series: tuple[Path, dict[str, Any]], client: TestClient
) -> None:
    home, _ = series
    ev1 = _plan(home, "ev-20260302-1")
    event = {"name": "NEV", "date": "2026-04-20", "theme": {"chains": ["nev"]},
             "slots": ["09:00", "09:20", "09:40", "10:00"], "tables": 4}  # fmt: skip
    req = {"event": event, "participants": 12, "time_limit": 5, "save": False}
    r = client.post("/events/plan", json=req | {"history_detail": True})
    assert r.status_code == 200, r.text
    body = r.json()
    held = {(m.a, m.b) for m in ev1.meetings[2:]} | {
        (m.a, m.b) for m in _plan(home, "ev-20260401-1").meetings
    }  # ev-2 has no outcomes: its meetings count as scheduled
    assert not {(m["a"], m["b"]) for m in body["meetings"]} & held
    got = {(e["a"], e["b"]): e["reason"] for e in body["history_excluded"]}
    assert body["history"]["excluded"] == len(got)
    assert set(got.values()) <= {"held", "scheduled"}
    assert {p for p, why in got.items() if why == "scheduled"} <= {
        (m.a, m.b) for m in _plan(home, "ev-20260401-1").meetings
    }

    blind = client.post("/events/plan", json=req | {"not_again_within_days": 0}).json()
    assert (blind["history"], blind["history_note"], blind["history_excluded"]) == (None, "", None)

    stats = client.get("/events/stats").json()
    cli = json.loads(_invoke(home, "event", "stats", "--series", "--json").stdout)
    assert stats == cli
    one = client.get("/events/stats", params={"theme_chain": "nev", "since": "2026-04-01"})
    assert one.json()["events"] == 1
    bad = client.get("/events/stats", params={"theme_chain": "zz"})
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("theme_chain: unknown chain 'zz'; known: bio")
    stored = client.get("/events/ev-20260401-1", params={"history_detail": True}).json()
    assert stored["history"]["window_days"] == 180 and stored["history_excluded"] is not None
