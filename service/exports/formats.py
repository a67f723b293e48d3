"""Files for people: XLSX and CSV for the organiser, one ICS calendar per company, and a
printable HTML agenda (one page per company after the organiser's grid).

Text from the catalog is untrusted: HTML is escaped, ICS text is escaped and folded per
RFC 5545, and spreadsheet cells never become formulas (XLSX cells are typed as text, CSV
cells that start like a formula get a leading apostrophe).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from catalog.events.outcomes import Outcome, event_stats, gold_lines, write_gold
from catalog.events.results import Plan
from catalog.formulas import neutralise, xlsx_text
from service.exports.agenda import agendas, grid, meeting_rows

__all__ = [
    "ExportFormat",
    "export_plan",
    "ics_calendar",
    "render_html",
    "write_csv",
    "write_html",
    "write_ics",
    "write_sheets",
    "xlsx_cell",
    "write_xlsx",
]

Cell = str | int | float


class ExportFormat(enum.StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    ICS = "ics"
    HTML = "html"
    GOLD = "gold"


def _agenda_rows(plan: Plan) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            "org_id",
            "name",
            "slot",
            "start",
            "end",
            "table",
            "counterpart",
            "counterpart_name",
            "why",
            "exploratory",
        ]
    ]
    for org_id, items in agendas(plan).items():
        for it in items:
            rows.append(
                [
                    org_id,
                    plan.name(org_id),
                    it.slot,
                    f"{it.start:%H:%M}",
                    f"{it.end:%H:%M}",
                    it.table,
                    it.counterpart,
                    it.counterpart_name,
                    it.why,
                    "yes" if it.exploratory else "",
                ]
            )
    return rows


def _summary_rows(plan: Plan, outcomes: Sequence[Outcome]) -> list[list[Cell]]:
    ev, stats = plan.event, event_stats(plan, outcomes)
    evidence: list[list[Cell]] = [[k, v] for k, v in plan.evidence_counts().items()]
    return [
        ["field", "value"],
        ["event", ev.id or ""],
        ["name", ev.name],
        ["date", ev.date.isoformat()],
        ["theme", ev.theme.describe()],
        ["participants", len(ev.participants)],
        ["slots", len(ev.slots)],
        ["tables", ev.tables],
        ["meetings", len(plan.meetings)],
        ["objective", round(plan.objective, 4)],
        ["bound", round(plan.bound, 4)],
        ["gap", round(plan.gap, 6)],
        ["status", plan.status.value],
        *evidence,
        ["held", stats.held],
        ["no_show", stats.no_show],
        ["signed", stats.signed],
        ["follow_up", stats.follow_up],
    ]


def write_xlsx(plan: Plan, path: Path, outcomes: Sequence[Outcome] = ()) -> Path:
    """One workbook: Summary, Meetings, Grid, Agendas, Shortlist and Outcomes sheets."""
    sheets: list[tuple[str, list[list[Cell]]]] = [
        ("Summary", _summary_rows(plan, outcomes)),
        ("Meetings", meeting_rows(plan)),
        ("Grid", [list(r) for r in grid(plan)]),
        ("Agendas", _agenda_rows(plan)),
    ]
    if plan.shortlist:
        rows: list[list[Cell]] = [["org_id", "name", "strength", "reason"]]
        rows += [[e.org_id, e.name, e.strength, e.reason] for e in plan.shortlist]
        sheets.append(("Shortlist", rows))
    if outcomes:
        rows = [["a", "b", "status", "supplier", "note", "recorded_at"]]
        rows += [
            [
                o.a,
                o.b,
                o.status.value,
                o.supplier or "",
                o.note or "",
                o.recorded_at.isoformat() if o.recorded_at else "",
            ]
            for o in outcomes
        ]
        sheets.append(("Outcomes", rows))
    return write_sheets(sheets, path)


def write_sheets(sheets: Sequence[tuple[str, list[list[Cell]]]], path: Path) -> Path:
    """A workbook of named sheets, header row frozen; text is never a formula."""
    from openpyxl import Workbook  # imported when a workbook is written, not by `--help`

    wb = Workbook()
    first = wb.active
    if first is not None:
        wb.remove(first)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([xlsx_text(v) if isinstance(v, str) else v for v in row])
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":  # text starting with '=' is text, not a formula
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def xlsx_cell(value: Any) -> Cell:
    """A value as a workbook cell: None is empty, True is "yes", anything else not a number
    or text is its text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _csv_safe(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value


def write_csv(plan: Plan, folder: Path) -> list[Path]:
    """meetings.csv, grid.csv and agendas.csv (UTF-8 with BOM, so Excel reads the Chinese)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in (
        ("meetings.csv", meeting_rows(plan)),
        ("grid.csv", [list[Cell](r) for r in grid(plan)]),
        ("agendas.csv", _agenda_rows(plan)),
    ):
        path = folder / name
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerows([_csv_safe(c) for c in row] for row in rows)
        written.append(path)
    return written


# ------------------------------------------------------------------------------------ ICS
def _ics_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 folding: at most 75 octets per line, never splitting a UTF-8 character."""
    out, cur, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(cur)
            cur, size = " ", 1
        cur += ch
        size += n
    out.append(cur)
    return "\r\n".join(out)


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_calendar(plan: Plan, org_id: str) -> str:
    """One company's meetings as an iCalendar document (times in UTC, CRLF lines)."""
    ev = plan.event
    stamp = _utc(plan.created_at or dt.datetime.now(dt.UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ChainMatch//Matchmaking event planner//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(f'{ev.name} — {plan.name(org_id)}')}",
    ]
    for it in agendas(plan).get(org_id, []):
        a, b = sorted((org_id, it.counterpart))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{ev.id or 'event'}-{a}-{b}@chainmatch",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(it.start)}",
            f"DTEND:{_utc(it.end)}",
            f"SUMMARY:{_ics_text(f'1:1 洽谈 · {it.counterpart_name}（{it.table}号桌）')}",
            f"LOCATION:{_ics_text(f'{ev.name}，{it.table}号桌 table {it.table}')}",
            f"DESCRIPTION:{_ics_text(it.why)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(x) + "\r\n" for x in lines)


def write_ics(plan: Plan, folder: Path) -> list[Path]:
    """One ``<org_id>.ics`` per participant (participants without meetings get none)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for org_id, items in agendas(plan).items():
        if items:
            path = folder / f"{org_id}.ics"
            path.write_bytes(ics_calendar(plan, org_id).encode("utf-8"))
            written.append(path)
    return written


# ----------------------------------------------------------------------------------- HTML
_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; font-size: 10pt; }
th { background: #eee; }
.company { page-break-before: always; break-before: page; }
.meta { color: #555; }
"""


def _table(rows: Iterable[Sequence[Cell]], header: bool = True) -> str:
    out = ["<table>"]
    for k, row in enumerate(rows):
        tag = "th" if header and k == 0 else "td"
        cells = "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_html(plan: Plan) -> str:
    """A printable page: the organiser's grid, then one agenda per company."""
    ev, e = plan.event, html.escape
    parts = [
        "<!doctype html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{e(ev.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(ev.name)}</h1>",
        f'<p class="meta">{e(ev.date.isoformat())} · {e(ev.theme.describe())} · '
        f"{len(ev.participants)} participants · {len(plan.meetings)} meetings · "
        f"{ev.tables} tables</p>",
        "<h2>对接安排总表 Organiser grid</h2>",
        _table(grid(plan)),
        f'<p class="meta">{e(plan.evidence_note())}</p>',
    ]
    for org_id, items in agendas(plan).items():
        parts.append('<section class="company">')
        parts.append(f"<h2>{e(plan.name(org_id))} <small>({e(org_id)})</small></h2>")
        parts.append(f'<p class="meta">{e(ev.name)} · {e(ev.date.isoformat())}</p>')
        if items:
            rows: list[list[Cell]] = [["时间 time", "桌号 table", "对方 counterpart", "为什么 why"]]
            rows += [
                [
                    f"{it.start:%H:%M}–{it.end:%H:%M}",
                    it.table,
                    f"{it.counterpart_name} ({it.counterpart})",
                    it.why,
                ]
                for it in items
            ]
            parts.append(_table(rows))
        else:
            parts.append("<p>本次活动暂无一对一洽谈安排 (no 1:1 meetings scheduled).</p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(plan: Plan, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(plan), encoding="utf-8")
    return path


def export_plan(
    plan: Plan,
    folder: Path,
    formats: Iterable[ExportFormat] = tuple(ExportFormat),
    outcomes: Sequence[Outcome] = (),
) -> list[Path]:
    """Write the chosen formats into ``folder``; the gold file only if something was signed."""
    stem = plan.event.id or "event"
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):
        if fmt is ExportFormat.XLSX:
            written.append(write_xlsx(plan, folder / f"{stem}.xlsx", outcomes))
        elif fmt is ExportFormat.CSV:
            written += write_csv(plan, folder)
        elif fmt is ExportFormat.ICS:
            written += write_ics(plan, folder / "ics")
        elif fmt is ExportFormat.HTML:
            written.append(write_html(plan, folder / f"{stem}.html"))
        elif fmt is ExportFormat.GOLD:
            lines = gold_lines(plan, outcomes)
            if lines:
                path = folder / "gold.jsonl"
                write_gold(path, lines)
                written.append(path)
    return written
