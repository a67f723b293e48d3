"""Agendas and files: the same meetings in every format, hostile text kept harmless."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import load_workbook

from catalog.events import Link, Meeting, Outcome, Plan, SolveStatus, parse_event, why_for
from service.exports import ExportFormat, agendas, export_plan, grid, ics_calendar, render_html

EVIL = '<script>alert("x")</script>'


def hostile_plan() -> Plan:
    ev = parse_event(
        {
            "id": "ev-1",
            "name": "对接会, 第1场; A&B",
            "date": "2026-12-01",
            "slots": ["09:00", "09:20", "09:40"],
            "tables": 2,
            "participants": ["a", "b", "c", "d"],
        }
    )
    link = Link(needer="a", need=f"需要{EVIL}", offerer="b", offer='=HYPERLINK("x")', score=0.9)
    meetings = (
        Meeting(slot=1, table=1, a="a", b="b", score=0.9, links=(link,), relation="材料 → 制造"),
        Meeting(slot=2, table=1, a="a", b="c", score=0.5),
        Meeting(slot=3, table=2, a="b", b="c", score=0.4),
    )
    names = {"a": EVIL, "b": "=1+1", "c": "逗号,分号;反斜杠\\换行\n公司", "d": "丁"}
    return Plan(
        event=ev,
        names=names,
        meetings=meetings,
        objective=1.8,
        bound=1.8,
        gap=0.0,
        status=SolveStatus.OPTIMAL,
    )


def test_agendas_tell_each_side_its_own_reason() -> None:
    plan = hostile_plan()
    book = agendas(plan)
    assert list(book) == ["a", "b", "c", "d"] and book["d"] == []
    assert [(i.slot, i.table, i.counterpart) for i in book["a"]] == [(1, 1, "b"), (2, 1, "c")]
    assert book["a"][0].why.startswith(f"您的需求「需要{EVIL}」← 对方供给")
    assert book["b"][0].why.startswith("您的供给「=HYPERLINK")
    assert why_for(plan.meetings[1], "a") == "主办方安排 arranged by the organiser"
    rows = grid(plan)
    assert len(rows) == 4 and len(rows[0]) == 2 + 2
    assert rows[1][2] == f"{EVIL} × =1+1" and rows[3][3].startswith("=1+1 × 逗号")


def test_html_escapes_everything() -> None:
    page = render_html(hostile_plan())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "A&amp;B" in page
    assert page.count('<section class="company">') == 4
    assert "break-before: page" in page and "no 1:1 meetings" in page


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_is_escaped_folded_and_in_utc() -> None:
    text = ics_calendar(hostile_plan(), "c")
    raw = text.encode("utf-8").split(b"\r\n")
    assert raw[-1] == b"" and all(len(line) <= 75 for line in raw)
    assert "\n" not in text.replace("\r\n", "")
    lines = _unfold(text)
    assert lines.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20261201T012000Z" in lines and "DTEND:20261201T014000Z" in lines
    assert "DTSTART:20261201T014000Z" in lines  # 09:40 in Shanghai is 01:40 UTC
    summary = next(x for x in lines if x.startswith("SUMMARY:") and "=1+1" in x)
    assert summary == "SUMMARY:1:1 洽谈 · =1+1（2号桌）"
    cal = next(x for x in lines if x.startswith("X-WR-CALNAME:"))
    assert cal == "X-WR-CALNAME:对接会\\, 第1场\\; A&B — 逗号\\,分号\\;反斜杠\\\\换行\\n公司"
    assert len({x for x in lines if x.startswith("UID:")}) == 2


def test_xlsx_and_csv_never_turn_text_into_formulas(tmp_path: Path) -> None:
    plan = hostile_plan()
    files = export_plan(plan, tmp_path, [ExportFormat.XLSX, ExportFormat.CSV])
    assert sorted(p.name for p in files) == ["agendas.csv", "ev-1.xlsx", "grid.csv", "meetings.csv"]
    wb = load_workbook(tmp_path / "ev-1.xlsx")
    assert wb.sheetnames == ["Summary", "Meetings", "Grid", "Agendas"]
    meetings = list(wb["Meetings"].iter_rows(values_only=True))
    assert len(meetings) == 4 and meetings[1][7] == "=1+1"
    assert wb["Meetings"]["H2"].data_type == "s"
    assert dict(wb["Summary"].iter_rows(values_only=True))["gap"] == 0
    with open(tmp_path / "meetings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:4] == ["slot", "start", "end", "table"] and rows[1][7] == "'=1+1"
    with open(tmp_path / "grid.csv", encoding="utf-8-sig", newline="") as fh:
        assert [len(r) for r in csv.reader(fh)] == [4, 4, 4, 4]


def test_export_writes_every_format_and_gold_only_when_signed(tmp_path: Path) -> None:
    plan = hostile_plan()
    files = export_plan(plan, tmp_path / "all")
    names = sorted(str(p.relative_to(tmp_path / "all")) for p in files)
    assert names == [
        "agendas.csv",
        "ev-1.html",
        "ev-1.xlsx",
        "grid.csv",
        "ics/a.ics",
        "ics/b.ics",
        "ics/c.ics",
        "meetings.csv",
    ]
    signed = [Outcome(a="a", b="b", status="signed", supplier="b")]
    files = export_plan(plan, tmp_path / "gold", [ExportFormat.GOLD, ExportFormat.XLSX], signed)
    assert sorted(p.name for p in files) == ["ev-1.xlsx", "gold.jsonl"]
    wb = load_workbook(tmp_path / "gold" / "ev-1.xlsx")
    assert "Outcomes" in wb.sheetnames
    assert re.search(
        r'"query": "a", "supplier": "b"', (tmp_path / "gold" / "gold.jsonl").read_text()
    )
