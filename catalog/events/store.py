"""Events, their schedules and outcomes in SQLite — the same file as the catalog.

One database file keeps a park's state together (copy one file, back up everything); the
event tables are this module's own family (`EVENTS`), created or upgraded on open by
`catalog.db`, and never touch the catalog's.
Every write is one transaction: a plan is stored with all its meetings or not at all.

Example usage::

    with EventStore(paths.db) as events:
        plan = events.save_plan(plan)              # assigns an id like ev-20261201-1
        events.record_outcome(plan.event.id, Outcome(a=..., b=..., status="signed"))
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from catalog.audit import AUDIT, SYSTEM, Action, Who, append
from catalog.db import Family, SQLiteStore
from catalog.errors import ConflictError, InvalidInputError, NotFoundError
from catalog.events.history import PastMeeting
from catalog.events.outcomes import Outcome, OutcomeStatus
from catalog.events.results import Plan
from catalog.events.store_rows import outcome_change, plan_from_row, summary, summary_of_stored

__all__ = ["EVENTS", "EventStore"]

_STATUSES = ", ".join(f"'{s.value}'" for s in OutcomeStatus)
_CREATE = (
    """CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, date TEXT NOT NULL,
        definition TEXT NOT NULL, names TEXT NOT NULL, shortlist TEXT NOT NULL,
        objective REAL NOT NULL, bound REAL NOT NULL, gap REAL NOT NULL,
        status TEXT NOT NULL, solve_seconds REAL NOT NULL, candidate_pairs INTEGER NOT NULL,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS event_meetings (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        a TEXT NOT NULL, b TEXT NOT NULL, slot INTEGER NOT NULL, table_no INTEGER NOT NULL,
        score REAL NOT NULL, requested TEXT, relation TEXT NOT NULL, links TEXT NOT NULL,
        PRIMARY KEY (event_id, a, b), UNIQUE (event_id, slot, table_no), CHECK (a < b))""",
    f"""CREATE TABLE IF NOT EXISTS event_outcomes (
        event_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ({_STATUSES})),
        supplier TEXT, note TEXT, recorded_at TEXT NOT NULL,
        PRIMARY KEY (event_id, a, b),
        FOREIGN KEY (event_id, a, b) REFERENCES event_meetings (event_id, a, b)
            ON DELETE CASCADE)""",
    "CREATE INDEX IF NOT EXISTS events_date ON events (date)",
)
# 2: meetings without evidence (exploratory, what they rest on) and the table slots a plan
# left empty rather than hold one
_EXPLORATORY = (
    "ALTER TABLE event_meetings ADD COLUMN exploratory INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE event_meetings ADD COLUMN rests_on TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE events ADD COLUMN declined_exploratory INTEGER NOT NULL DEFAULT 0",
)
# 3: event series — what history did to a plan, the follow-up behind a meeting, and the
# indexes that find one organisation's past meetings without reading every event
_SERIES = (
    "ALTER TABLE events ADD COLUMN history TEXT",
    "ALTER TABLE event_meetings ADD COLUMN follow_up TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS event_meetings_a ON event_meetings (a)",
    "CREATE INDEX IF NOT EXISTS event_meetings_b ON event_meetings (b)",
)
# The event tables' family. Append a migration (never edit a shipped one) to change them.
EVENTS = Family("events", "schema_version.events", migrations=(_CREATE, _EXPLORATORY, _SERIES))


class EventStore(SQLiteStore):
    """Planned events and their outcomes; thread-safe like the catalog store."""

    families = (EVENTS, AUDIT)

    # ------------------------------------------------------------------ plans
    def save_plan(self, plan: Plan, *, replace: bool = False, who: Who = SYSTEM) -> Plan:
        """Store a plan with all its meetings; an event without id gets ``ev-YYYYMMDD-n``.

        Re-planning an existing id needs ``replace``, and is refused once outcomes exist:
        they would point at meetings that no longer happen. The audit entry (same
        transaction) summarises the plan: name, date, participants, meetings, objective.
        """
        with self._transaction() as conn:
            event = plan.event
            if event.id is None:
                event = event.with_id(self._next_id(conn, event.date))
                plan = plan.model_copy(update={"event": event})
            event_id = event.id or ""
            before = summary_of_stored(conn, event_id)
            exists = before is not None
            if exists and not replace:
                raise ConflictError(f"event {event_id!r} already exists; replace it explicitly")
            if exists:
                (n,) = conn.execute(
                    "SELECT count(*) FROM event_outcomes WHERE event_id = ?", (event_id,)
                ).fetchone()
                if n:
                    raise ConflictError(
                        f"event {event_id!r} already has {n} recorded outcome(s); "
                        "plan a new event instead of replacing this one"
                    )
                conn.execute("DELETE FROM events WHERE id = ?", (event_id,))
            conn.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    event.name,
                    event.date.isoformat(),
                    event.model_dump_json(),
                    json.dumps(plan.names, ensure_ascii=False),
                    json.dumps([e.model_dump() for e in plan.shortlist], ensure_ascii=False),
                    plan.objective,
                    plan.bound,
                    plan.gap,
                    plan.status.value,
                    plan.solve_seconds,
                    plan.candidate_pairs,
                    (plan.created_at or dt.datetime.now(dt.UTC)).isoformat(),
                    plan.declined_exploratory,
                    None if plan.history is None else plan.history.model_dump_json(),
                ),
            )
            conn.executemany(
                "INSERT INTO event_meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        event_id,
                        m.a,
                        m.b,
                        m.slot,
                        m.table,
                        m.score,
                        None if m.requested is None else m.requested.value,
                        m.relation,
                        json.dumps([x.model_dump() for x in m.links], ensure_ascii=False),
                        int(m.exploratory),
                        json.dumps(list(m.rests_on), ensure_ascii=False),
                        m.follow_up,
                    )
                    for m in plan.meetings
                ],
            )
            after = summary(plan)
            old = before or {}
            changes = {k: (old.get(k), v) for k, v in after.items() if old.get(k) != v}
            action = Action.UPDATE if exists else Action.CREATE
            append(conn, who, [(action, "event", event_id, changes)])
            self._reach("events.before_commit")
        return plan

    @staticmethod
    def _next_id(conn: sqlite3.Connection, day: dt.date) -> str:
        stem = f"ev-{day:%Y%m%d}-"
        taken = {r[0] for r in conn.execute("SELECT id FROM events WHERE id LIKE ?", (stem + "%",))}
        n = 1
        while f"{stem}{n}" in taken:
            n += 1
        return f"{stem}{n}"

    def get_plan(self, event_id: str) -> Plan:
        with self._lock:
            row = self._conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
            if row is None:
                raise NotFoundError("event", event_id)
            meetings = self._conn.execute(
                "SELECT slot, table_no, a, b, score, requested, relation, links, exploratory, "
                "rests_on, follow_up "
                "FROM event_meetings WHERE event_id = ? ORDER BY slot, table_no",
                (event_id,),
            ).fetchall()
        return plan_from_row(row, meetings)

    def list_plans(self) -> list[Plan]:
        """Every stored plan, newest event date first."""
        with self._lock:
            ids = [r[0] for r in self._conn.execute("SELECT id FROM events ORDER BY date DESC, id")]
        return [self.get_plan(i) for i in ids]

    def series(self, *, since: dt.date | None = None) -> list[tuple[Plan, list[Outcome]]]:
        """Stored plans with their outcomes in the order they were held (date, then id)."""
        with self._lock:
            ids = [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM events WHERE date >= ? ORDER BY date, id",
                    ((since or dt.date.min).isoformat(),),
                )
            ]
        return [(self.get_plan(i), self.outcomes(i)) for i in ids]

    def past_meetings(
        self,
        *,
        org_ids: Sequence[str] | None = None,
        exclude_event: str | None = None,
    ) -> list[PastMeeting]:
        """Every meeting scheduled at a stored event (of ``org_ids``, when given) with its
        outcome, oldest event first; ``exclude_event`` leaves out the event being re-planned.

        One query over the meetings table: by organisation through its ``a``/``b`` indexes
        (a temporary table holds the ids, so a pool of thousands is one join, not a long
        ``IN`` list).
        """
        sql = (
            "SELECT e.id, e.date, m.a, m.b, o.status FROM event_meetings m "
            "JOIN events e ON e.id = m.event_id "
            "LEFT JOIN event_outcomes o ON o.event_id = m.event_id AND o.a = m.a AND o.b = m.b "
            "WHERE e.id != ?"
        )
        with self._lock:
            if org_ids is not None:
                self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS _pool (id TEXT PRIMARY KEY)")
                self._conn.execute("DELETE FROM _pool")
                self._conn.executemany(
                    "INSERT OR IGNORE INTO _pool VALUES (?)", [(i,) for i in org_ids]
                )
                sql += " AND (m.a IN (SELECT id FROM _pool) OR m.b IN (SELECT id FROM _pool))"
            rows = self._conn.execute(
                sql + " ORDER BY e.date, e.id, m.a, m.b", (exclude_event or "",)
            ).fetchall()
            if org_ids is not None:
                self._conn.execute("DELETE FROM _pool")
        return [
            PastMeeting(
                event_id=ev,
                date=dt.date.fromisoformat(day),
                a=a,
                b=b,
                status=None if status is None else OutcomeStatus(status),
            )
            for ev, day, a, b, status in rows
        ]

    def move_meetings(
        self, event_id: str, moves: Sequence[tuple[str, str, int, int]], *, who: Who = SYSTEM
    ) -> Plan:
        """Give meetings ``(a, b, slot, table)`` new places, all or none (the organiser's
        grid; `matcher.events.moves` checks the rules first). Audited per meeting."""
        with self._transaction() as conn:
            old = {}
            for n, (a, b, _slot, _table) in enumerate(moves, start=1):
                row = conn.execute(
                    "SELECT slot, table_no FROM event_meetings WHERE event_id = ? AND a = ? "
                    "AND b = ?",
                    (event_id, a, b),
                ).fetchone()
                if row is None:
                    raise NotFoundError("meeting", f"{a}–{b} in event {event_id}")
                old[(a, b)] = row
                # a swap passes through free places: (slot, table) is unique per event
                conn.execute(
                    "UPDATE event_meetings SET table_no = ? WHERE event_id = ? AND a = ? AND b = ?",
                    (-n, event_id, a, b),
                )
            conn.executemany(
                "UPDATE event_meetings SET slot = ?, table_no = ? "
                "WHERE event_id = ? AND a = ? AND b = ?",
                [(slot, table, event_id, a, b) for a, b, slot, table in moves],
            )
            entries = [
                (
                    Action.UPDATE,
                    "meeting",
                    f"{event_id}:{a}:{b}",
                    {"slot": (old[(a, b)][0], slot), "table": (old[(a, b)][1], table)},
                )
                for a, b, slot, table in moves
            ]
            append(conn, who, entries)
            self._reach("events.before_commit")
        return self.get_plan(event_id)

    def events_of(self, org_id: str) -> list[str]:
        """Ids of the stored events ``org_id`` takes part in (listed as a participant),
        newest date first: one query over the definitions' participant lists."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT DISTINCT e.id, e.date FROM events e, "
                "json_each(e.definition, '$.participants') p "
                "WHERE json_extract(p.value, '$.org_id') = ? ORDER BY e.date DESC, e.id",
                (org_id,),
            ).fetchall()
        return [r[0] for r in rows]

    # --------------------------------------------------------------- outcomes
    def record_outcome(self, event_id: str, outcome: Outcome, *, who: Who = SYSTEM) -> Outcome:
        """Record (or replace) the outcome of one scheduled meeting."""
        return self.record_outcomes(event_id, [outcome], who=who)[0]

    def record_outcomes(
        self, event_id: str, outcomes: Sequence[Outcome], *, who: Who = SYSTEM
    ) -> list[Outcome]:
        """Record (or replace) outcomes of scheduled meetings, all or none.

        A signed cooperation needs to know who supplies whom (for the gold file): when
        ``supplier`` is not given it is the side whose offer best met the other's need.
        """
        plan = self.get_plan(event_id)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        done = []
        for outcome in outcomes:
            meeting = plan.meeting(outcome.a, outcome.b)
            if meeting is None:
                raise NotFoundError("meeting", f"{outcome.a}–{outcome.b} in event {event_id}")
            update: dict[str, Any] = {}
            if outcome.status is OutcomeStatus.SIGNED and outcome.supplier is None:
                supplier = meeting.supplier()
                if supplier is None:
                    raise InvalidInputError(
                        f"supplier: the meeting {outcome.a}–{outcome.b} has no need→offer link "
                        "to tell who supplies whom; give the supplier"
                    )
                update["supplier"] = supplier
            if outcome.recorded_at is None:
                update["recorded_at"] = now
            done.append(outcome.model_copy(update=update) if update else outcome)
        with self._transaction() as conn:
            log = [outcome_change(conn, event_id, o) for o in done]
            conn.executemany(
                "INSERT INTO event_outcomes VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (event_id, a, b) DO UPDATE SET status = excluded.status, "
                "supplier = excluded.supplier, note = excluded.note, "
                "recorded_at = excluded.recorded_at",
                [
                    (
                        event_id,
                        o.a,
                        o.b,
                        o.status.value,
                        o.supplier,
                        o.note,
                        (o.recorded_at or now).isoformat(),
                    )
                    for o in done
                ],
            )
            append(conn, who, [entry for entry in log if entry[3]])
            self._reach("events.before_commit")
        return done

    def outcomes(self, event_id: str) -> list[Outcome]:
        with self._lock:
            if not self._conn.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone():
                raise NotFoundError("event", event_id)
            rows = self._conn.execute(
                "SELECT a, b, status, supplier, note, recorded_at FROM event_outcomes "
                "WHERE event_id = ? ORDER BY a, b",
                (event_id,),
            ).fetchall()
        return [
            Outcome(
                a=a,
                b=b,
                status=OutcomeStatus(status),
                supplier=supplier,
                note=note,
                recorded_at=dt.datetime.fromisoformat(at),
            )
            for a, b, status, supplier, note, at in rows
        ]
