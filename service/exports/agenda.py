"""Agendas and the organiser's grid as plain rows, before any file format.

Every export (XLSX, CSV, ICS, HTML) and the CLI read these rows, so a company sees the
same times, tables and reasons whatever it opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalog.events.results import Plan, why_for

__all__ = ["AgendaItem", "agendas", "grid", "meeting_rows"]


@dataclass(frozen=True)
class AgendaItem:
    """One meeting on one company's agenda."""

    slot: int
    start: dt.datetime
    end: dt.datetime
    table: int
    counterpart: str
    counterpart_name: str
    score: float
    why: str
    exploratory: bool = False  # no need → offer evidence: held for a request or a minimum


def agendas(plan: Plan) -> dict[str, list[AgendaItem]]:
    """Each participant's meetings in time order; participants without any get []."""
    out: dict[str, list[AgendaItem]] = {p: [] for p in plan.event.participant_ids}
    for m in sorted(plan.meetings, key=lambda m: (m.slot, m.table)):
        for me, other in ((m.a, m.b), (m.b, m.a)):
            out.setdefault(me, []).append(
                AgendaItem(
                    slot=m.slot,
                    start=plan.event.slot_start(m.slot),
                    end=plan.event.slot_end(m.slot),
                    table=m.table,
                    counterpart=other,
                    counterpart_name=plan.name(other),
                    score=m.score,
                    why=why_for(m, me),
                    exploratory=m.exploratory,
                )
            )
    return out


def grid(plan: Plan) -> list[list[str]]:
    """Slots × tables: a header row, then one row per slot; empty cells are free tables,
    exploratory meetings are marked (探索性)."""
    tables = max([plan.event.tables, *(m.table for m in plan.meetings)], default=0)
    rows = [["slot", "time", *(f"table {t}" for t in range(1, tables + 1))]]
    for s in range(1, len(plan.event.slots) + 1):
        cells = [""] * tables
        for m in plan.meetings:
            if m.slot == s:
                mark = "（探索性）" if m.exploratory else ""
                cells[m.table - 1] = f"{plan.name(m.a)} × {plan.name(m.b)}{mark}"
        span = f"{plan.event.slot_start(s):%H:%M}–{plan.event.slot_end(s):%H:%M}"
        rows.append([str(s), span, *cells])
    return rows


MEETING_COLUMNS = (
    "slot",
    "start",
    "end",
    "table",
    "a",
    "a_name",
    "b",
    "b_name",
    "score",
    "requested",
    "why",
    "exploratory",
)


def meeting_rows(plan: Plan) -> list[list[str | int | float]]:
    """The flat meeting list for spreadsheets: a header row, then one row per meeting."""
    rows: list[list[str | int | float]] = [list(MEETING_COLUMNS)]
    for m in sorted(plan.meetings, key=lambda m: (m.slot, m.table)):
        rows.append(
            [
                m.slot,
                f"{plan.event.slot_start(m.slot):%H:%M}",
                f"{plan.event.slot_end(m.slot):%H:%M}",
                m.table,
                m.a,
                plan.name(m.a),
                m.b,
                plan.name(m.b),
                round(m.score, 4),
                "" if m.requested is None else m.requested.value,
                m.why(plan.names),
                "yes" if m.exploratory else "",
            ]
        )
    return rows
