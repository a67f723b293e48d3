"""Desk requests and their logs in SQLite — the same file as the catalog and the events.

The tables are the ``desk`` family (`DESK`), created or upgraded on open by `catalog.db`:
a catalog file made by an older ChainMatch gains them and keeps everything else. Both
tables are append-only, twice over: the store has no method that changes or deletes a row,
and triggers make SQLite refuse an UPDATE or DELETE from anyone else (a script, an old
tool) with "desk history is append-only".

Every write is one transaction that reads the log, checks the move with `catalog.desk.flow`
(the one place the lifecycle rules live) and appends one entry; two writers cannot both
append the same ``seq`` (it is the primary key with the request id).

Example usage::

    with DeskStore(paths.db) as desk:
        req = desk.file(NewRequest(org_id="demo-nev-0001", text="找800V碳化硅模块供应商",
                                   kind="supply"), actor=Actor.staff("王敏"))
        desk.move(req.id, Move(State.ACCEPTED), actor=Actor.staff("王敏"))
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from catalog.db import Family, SQLiteStore, append_only, next_day_id, sql_values
from catalog.desk.flow import Extension, Move, check_decision, check_extension, check_move
from catalog.desk.model import (
    Action,
    Actor,
    Entry,
    NewRequest,
    Request,
    RequestKind,
    Role,
    State,
    Urgency,
)
from catalog.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from catalog.rows import CATALOG

__all__ = ["DESK", "DeskStore"]


_CREATE = (
    f"""CREATE TABLE IF NOT EXISTS desk_requests (
        id TEXT PRIMARY KEY, org_id TEXT NOT NULL, text TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ({sql_values(RequestKind)})),
        urgency TEXT NOT NULL CHECK (urgency IN ({sql_values(Urgency)})),
        filed_by TEXT NOT NULL, filed_at TEXT NOT NULL, needed_by TEXT,
        links TEXT NOT NULL DEFAULT '[]')""",
    f"""CREATE TABLE IF NOT EXISTS desk_log (
        request_id TEXT NOT NULL REFERENCES desk_requests(id),
        seq INTEGER NOT NULL CHECK (seq >= 1), at TEXT NOT NULL,
        actor TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ({sql_values(Role)})),
        action TEXT NOT NULL CHECK (action IN ({sql_values(Action)})),
        from_state TEXT CHECK (from_state IS NULL OR from_state IN ({sql_values(State)})),
        to_state TEXT NOT NULL CHECK (to_state IN ({sql_values(State)})),
        note TEXT, handler TEXT, data TEXT NOT NULL DEFAULT '{{}}',
        PRIMARY KEY (request_id, seq))""",
    "CREATE INDEX IF NOT EXISTS desk_requests_org ON desk_requests (org_id)",
    "CREATE INDEX IF NOT EXISTS desk_requests_filed ON desk_requests (filed_at)",
    *append_only("desk_requests", "EXISTS (SELECT 1 FROM desk_requests WHERE id = NEW.id)", "desk"),
    # a log line comes right after the last one: no gaps, no rewrites
    *append_only(
        "desk_log",
        "NEW.seq <> (SELECT coalesce(max(seq), 0) + 1 FROM desk_log "
        "WHERE request_id = NEW.request_id)",
        "desk",
    ),
)
# The desk's table family. Append a migration (never edit a shipped one) to change it.
DESK = Family("desk", "schema_version.desk", migrations=(_CREATE,))

_REQUEST_COLUMNS = "id, org_id, text, kind, urgency, filed_by, filed_at, needed_by, links"
_LOG_COLUMNS = "request_id, seq, at, actor, role, action, from_state, to_state, note, handler, data"


class DeskStore(SQLiteStore):
    """Requests and their logs; ``zone`` names the park's time zone for request ids.

    The catalog family is opened too (never changed here): a request must name an
    organisation of the catalog in the same file.
    """

    families = (CATALOG, DESK)

    def __init__(self, path: str | os.PathLike[str], *, zone: str = "Asia/Shanghai") -> None:
        super().__init__(path)
        self.zone = ZoneInfo(zone)

    # ------------------------------------------------------------------ writes
    def file(self, new: NewRequest, *, actor: Actor, at: dt.datetime | None = None) -> Request:
        """Store a new request (state ``new``) with its first log line; returns it.

        A company actor files for its own organisation only; the organisation must be in
        the catalog, and ``needed_by`` may not lie before the filing day.
        """
        when = _instant(at)
        _check_actor(actor)
        if actor.role is Role.COMPANY and actor.org_id not in (None, new.org_id):
            raise PermissionDeniedError(
                f"org_id: company {actor.org_id!r} cannot file for {new.org_id!r}"
            )
        local_day = when.astimezone(self.zone).date()
        if new.needed_by is not None and new.needed_by < local_day:
            raise InvalidInputError(
                f"needed_by: {new.needed_by.isoformat()} is in the past "
                f"(filed on {local_day.isoformat()})"
            )
        with self._transaction() as conn:
            found = conn.execute("SELECT 1 FROM organisations WHERE id = ?", (new.org_id,))
            if found.fetchone() is None:
                raise InvalidInputError(f"org_id: no organisation {new.org_id!r} in the catalog")
            request_id = next_day_id(conn, "desk_requests", "dr", local_day)
            conn.execute(
                f"INSERT INTO desk_requests ({_REQUEST_COLUMNS}) VALUES ({', '.join('?' * 9)})",
                (
                    request_id,
                    new.org_id,
                    new.text,
                    new.kind.value,
                    new.urgency.value,
                    actor.name,
                    when.isoformat(),
                    None if new.needed_by is None else new.needed_by.isoformat(),
                    json.dumps(list(new.links), ensure_ascii=False),
                ),
            )
            first = Entry(1, when, actor.name, actor.role, Action.FILED, None, State.NEW)
            _insert(conn, request_id, first)
        return self.get(request_id)

    def move(
        self, request_id: str, move: Move, *, actor: Actor, at: dt.datetime | None = None
    ) -> Request:
        """Check ``move`` against the lifecycle rules and append it; returns the request."""
        with self._transaction() as conn:
            request = self._read(conn, request_id)
            target = None
            if move.into is not None:
                target = self._read(conn, move.into, what="into")
            if move.solver is not None:
                found = conn.execute("SELECT 1 FROM organisations WHERE id = ?", (move.solver,))
                if found.fetchone() is None:
                    raise InvalidInputError(
                        f"solver: no organisation {move.solver!r} in the catalog"
                    )
            entry = check_move(request, move, actor, _after(request, at), target=target)
            _insert(conn, request_id, entry)
        return self.get(request_id)

    def request_extension(
        self, request_id: str, ext: Extension, *, actor: Actor, at: dt.datetime | None = None
    ) -> Request:
        """Ask for more working hours on one clock; it counts only once approved."""
        with self._transaction() as conn:
            request = self._read(conn, request_id)
            _insert(conn, request_id, check_extension(request, ext, actor, _after(request, at)))
        return self.get(request_id)

    def decide_extension(
        self,
        request_id: str,
        ref: int,
        *,
        approve: bool,
        actor: Actor,
        note: str | None = None,
        at: dt.datetime | None = None,
    ) -> Request:
        """Approve or reject the extension asked for at log line ``ref``."""
        with self._transaction() as conn:
            request = self._read(conn, request_id)
            entry = check_decision(request, ref, approve, actor, note, _after(request, at))
            _insert(conn, request_id, entry)
        return self.get(request_id)

    # ------------------------------------------------------------------- reads
    def get(self, request_id: str) -> Request:
        with self._lock:
            return self._read(self._conn, request_id)

    def _read(self, conn: sqlite3.Connection, request_id: str, what: str = "request") -> Request:
        row = conn.execute(
            f"SELECT {_REQUEST_COLUMNS} FROM desk_requests WHERE id = ?", (request_id,)
        ).fetchone()
        if row is None:
            if what == "into":
                raise InvalidInputError(f"into: no request {request_id!r} to merge into")
            raise NotFoundError("request", request_id)
        log = conn.execute(
            f"SELECT {_LOG_COLUMNS} FROM desk_log WHERE request_id = ? ORDER BY seq", (request_id,)
        ).fetchall()
        return _request(row, log)

    def requests(
        self, *, org_id: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Request]:
        """Every request (of one organisation, or these ids), oldest first, with its log.

        Two queries whatever the count: one for the requests, one for all their log lines.
        """
        where, args = [], []
        if org_id is not None:
            where.append("org_id = ?")
            args.append(org_id)
        if ids is not None:
            where.append(f"id IN ({', '.join('?' * len(ids))})")
            args.extend(ids)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_REQUEST_COLUMNS} FROM desk_requests {clause} ORDER BY filed_at, id",
                args,
            ).fetchall()
            logs: dict[str, list[tuple[Any, ...]]] = {r[0]: [] for r in rows}
            lines = self._conn.execute(
                f"SELECT {_LOG_COLUMNS} FROM desk_log WHERE request_id IN "
                f"(SELECT id FROM desk_requests {clause}) ORDER BY request_id, seq",
                args,
            )
            for line in lines:
                if line[0] in logs:
                    logs[line[0]].append(line)
        return [_request(r, logs[r[0]]) for r in rows]

    def count(self) -> int:
        with self._lock:
            (n,) = self._conn.execute("SELECT count(*) FROM desk_requests").fetchone()
        return int(n)


# ---------------------------------------------------------------------- rows
def _instant(at: dt.datetime | None) -> dt.datetime:
    """An aware instant in UTC, to the second; naive times are refused (which zone?)."""
    if at is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if at.tzinfo is None:
        raise InvalidInputError(f"at: {at.isoformat()} has no time zone")
    return at.astimezone(dt.UTC)


def _after(request: Request, at: dt.datetime | None) -> dt.datetime:
    """The time of a new log line: never before the last one (the log reads in order)."""
    when = _instant(at)
    if when < request.last.at:
        raise InvalidInputError(
            f"at: {when.isoformat()} is before the request's last entry "
            f"({request.last.at.isoformat()}); the log only grows forward"
        )
    return when


def _check_actor(actor: Actor) -> None:
    if not actor.name.strip():
        raise InvalidInputError("actor: who acts must be named")


def _insert(conn: sqlite3.Connection, request_id: str, e: Entry) -> None:
    conn.execute(
        f"INSERT INTO desk_log ({_LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request_id,
            e.seq,
            e.at.isoformat(),
            e.actor,
            e.role.value,
            e.action.value,
            None if e.from_state is None else e.from_state.value,
            e.to_state.value,
            e.note,
            e.handler,
            json.dumps(dict(e.data), ensure_ascii=False, sort_keys=True),
        ),
    )


def _request(row: tuple[Any, ...], log: Sequence[tuple[Any, ...]]) -> Request:
    rid, org_id, text, kind, urgency, filed_by, filed_at, needed_by, links = row
    return Request(
        id=rid,
        org_id=org_id,
        text=text,
        kind=RequestKind(kind),
        urgency=Urgency(urgency),
        filed_by=filed_by,
        filed_at=dt.datetime.fromisoformat(filed_at),
        needed_by=None if needed_by is None else dt.date.fromisoformat(needed_by),
        links=tuple(json.loads(links)),
        log=tuple(
            Entry(
                seq=seq,
                at=dt.datetime.fromisoformat(at),
                actor=who,
                role=Role(role),
                action=Action(action),
                from_state=None if src is None else State(src),
                to_state=State(dst),
                note=note,
                handler=handler,
                data=json.loads(data),
            )
            for _, seq, at, who, role, action, src, dst, note, handler, data in log
        ),
    )
