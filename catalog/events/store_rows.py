"""Rows of the event tables to and from the models, and what the audit log keeps of them."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from catalog.audit import Action, Change
from catalog.events.model import STORED_CONTEXT, Event, Preference
from catalog.events.note import HistoryNote
from catalog.events.outcomes import Outcome
from catalog.events.results import Link, Meeting, Plan, ShortlistEntry, SolveStatus

__all__ = ["outcome_change", "plan_from_row", "summary", "summary_of_stored"]


def summary(plan: Plan) -> dict[str, object]:
    """What the audit log keeps of a plan (the meetings themselves stay in their table)."""
    return {
        "name": plan.event.name,
        "date": plan.event.date.isoformat(),
        "participants": len(plan.names),
        "meetings": len(plan.meetings),
        "objective": round(plan.objective, 6),
        "status": plan.status.value,
    }


def summary_of_stored(conn: sqlite3.Connection, event_id: str) -> dict[str, object] | None:
    row = conn.execute(
        "SELECT name, date, names, objective, status, "
        "(SELECT count(*) FROM event_meetings WHERE event_id = events.id) "
        "FROM events WHERE id = ?",
        (event_id,),
    ).fetchone()
    if row is None:
        return None
    name, date, names, objective, status, meetings = row
    return {
        "name": name,
        "date": date,
        "participants": len(json.loads(names)),
        "meetings": meetings,
        "objective": round(objective, 6),
        "status": status,
    }


_OUTCOME_FIELDS = ("status", "supplier", "note")


def outcome_change(
    conn: sqlite3.Connection, event_id: str, o: Outcome
) -> tuple[Action, str, str, dict[str, Change]]:
    """The audit row of recording ``o``: its changed fields against the stored outcome."""
    a, b = sorted((o.a, o.b))
    row = conn.execute(
        "SELECT status, supplier, note FROM event_outcomes WHERE event_id = ? AND a = ? AND b = ?",
        (event_id, a, b),
    ).fetchone()
    new = (o.status.value, o.supplier, o.note)
    old = row if row is not None else (None, None, None)
    changes = {f: (x, y) for f, x, y in zip(_OUTCOME_FIELDS, old, new, strict=True) if x != y}
    action = Action.CREATE if row is None else Action.UPDATE
    return action, "outcome", f"{event_id}:{a}:{b}", changes


def plan_from_row(row: sqlite3.Row | tuple[Any, ...], meetings: list[tuple[Any, ...]]) -> Plan:
    # migration 2 appended the declined count, migration 3 the history note
    head, declined, history = row[:13], row[13], row[14]
    (_, _, _, definition, names, shortlist, objective, bound, gap, status, secs, cands, at) = head
    return Plan(
        event=Event.model_validate_json(definition, context=STORED_CONTEXT),
        names=json.loads(names),
        meetings=tuple(
            Meeting(
                slot=slot,
                table=table,
                a=a,
                b=b,
                score=score,
                requested=None if requested is None else Preference(requested),
                relation=relation,
                links=tuple(Link.model_validate(x) for x in json.loads(links)),
                exploratory=bool(explore),
                rests_on=tuple(json.loads(rests_on)),
                follow_up=follow_up,
            )
            for (
                slot,
                table,
                a,
                b,
                score,
                requested,
                relation,
                links,
                explore,
                rests_on,
                follow_up,
            ) in meetings
        ),
        objective=objective,
        bound=bound,
        gap=gap,
        status=SolveStatus(status),
        solve_seconds=secs,
        candidate_pairs=cands,
        shortlist=tuple(ShortlistEntry.model_validate(x) for x in json.loads(shortlist)),
        created_at=dt.datetime.fromisoformat(at),
        declined_exploratory=int(declined),
        history=None if history is None else HistoryNote.model_validate_json(history),
    )
