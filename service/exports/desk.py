"""The desk for people: one XLSX workbook with the queue, every request's log and the stats.

Request text comes from companies: every cell is typed, and text that starts like a
formula stays text (as in the event workbook).

Example usage::

    write_desk_xlsx(Path("desk.xlsx"), requests, policy, now, stats=desk_stats(...))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from catalog.desk import Request
from catalog.desk.policy import Policy
from catalog.desk.queue import queue
from service.exports.formats import Cell, write_sheets, xlsx_cell

__all__ = ["QUEUE_HEADER", "STATS_HEADER", "write_desk_xlsx"]

QUEUE_HEADER = [
    "id",
    "org_id",
    "kind",
    "urgency",
    "state",
    "handler",
    "filed_at",
    "next clock",
    "due_at",
    "overdue",
    "escalation",
    "watchers",
    "text",
]
STATS_HEADER = [
    "dimension",
    "group",
    "requests",
    "withdrawn",
    "merged",
    "denominator",
    "closed",
    "closure_rate",
    "returned_share",
    "on_time_accept",
    "on_time_respond",
    "on_time_resolve",
    "median_hours_to_close",
    "reopen_rate",
    "satisfaction",
]


def _stats_row(dimension: str, group: str, f: dict[str, Any]) -> list[Cell]:
    on = f["on_time"]
    values = [
        dimension,
        group,
        f["requests"],
        f["withdrawn"],
        f["merged"],
        f["denominator"],
        f["closed"],
        f["closure_rate"],
        f["returned_share"],
        on["accept"],
        on["respond"],
        on["resolve"],
        f["median_hours_to_close"],
        f["reopen_rate"],
        f["satisfaction"],
    ]
    return [xlsx_cell(v) for v in values]


def _sheets(
    requests: Sequence[Request], policy: Policy, now: dt.datetime, stats: dict[str, Any]
) -> list[tuple[str, list[list[Cell]]]]:
    zone = policy.calendar.zone
    rows: list[list[Cell]] = [list(QUEUE_HEADER)]
    for r in queue(requests, policy, now):
        doc = r.to_json(zone)
        doc["watchers"] = ", ".join(doc["watchers"])
        rows.append([xlsx_cell(doc[k]) for k in (*QUEUE_HEADER[:7], "clock", *QUEUE_HEADER[8:])])
    log: list[list[Cell]] = [
        ["request", "seq", "at", "actor", "role", "action", "from", "to", "handler", "note"]
    ]
    for req in requests:
        for e in req.log:
            log.append(
                [
                    req.id,
                    e.seq,
                    e.at.astimezone(zone).isoformat(),
                    e.actor,
                    e.role.value,
                    e.action.value,
                    "" if e.from_state is None else e.from_state.value,
                    e.to_state.value,
                    e.handler or "",
                    e.note or "",
                ]
            )
    table: list[list[Cell]] = [list(STATS_HEADER), _stats_row("total", "", stats)]
    for dim, groups in stats["by"].items():
        table += [_stats_row(dim, key, f) for key, f in groups.items()]
    summary: list[list[Cell]] = [
        ["field", "value"],
        ["as_of", stats["as_of"]],
        ["policy", policy.name],
        ["calendar", policy.calendar.name],
        ["requests", stats["requests"]],
        ["closed", stats["closed"]],
        ["closure_rate", xlsx_cell(stats["closure_rate"])],
        ["on_time_rate", xlsx_cell(stats["on_time_rate"])],
        ["median_hours_to_close", xlsx_cell(stats["median_hours_to_close"])],
    ]
    return [("Summary", summary), ("Queue", rows), ("Stats", table), ("Log", log)]


def write_desk_xlsx(
    path: Path,
    requests: Sequence[Request],
    policy: Policy,
    now: dt.datetime,
    *,
    stats: dict[str, Any],
) -> Path:
    """Summary, Queue (open requests, overdue first), Stats (total and by group), Log."""
    return write_sheets(_sheets(requests, policy, now, stats), path)
