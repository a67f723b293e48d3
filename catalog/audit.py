"""The audit log: who changed what, when, from what to what — append-only, in the catalog file.

Every write of the catalog and event stores appends its entries *in the same transaction*
as the change (`append`), so a change is never without its entry and an entry never
without its change. Triggers refuse UPDATE and DELETE on the table: nothing in ChainMatch
(or a stray SQL console) can rewrite history. An entry records:

- ``actor`` — who: a token's name over HTTP, the OS user or ``--as NAME`` on the CLI,
  ``system`` for the demo loader and library callers that name nobody;
- ``via`` — through what: ``api``, ``cli``, ``demo``, plus the file for an import;
- ``action`` (create, update, delete), ``kind`` (organisation, event, outcome), ``entity``;
- ``at`` — UTC, ISO 8601, one instant per write;
- ``changes`` — ``{field: [before, after]}`` for the fields that changed (JSON values;
  null before a create, null after a delete).

Example usage::

    with AuditLog(paths.db) as log:
        for e in log.entries(org="demo-nev-0019", since=parse_since("7d")):
            print(e.at, e.actor, e.action, e.changes)
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalog.db import Family, SQLiteStore
from catalog.errors import InvalidInputError
from catalog.models import Organisation

__all__ = [
    "AUDIT",
    "SYSTEM",
    "Action",
    "AuditEntry",
    "AuditLog",
    "Change",
    "Who",
    "append",
    "org_changes",
    "parse_since",
]

_APPEND_ONLY = "the audit log is append-only"
_CREATE = (
    """CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL,
        actor TEXT NOT NULL, via TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
        kind TEXT NOT NULL, entity TEXT NOT NULL, changes TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_entity ON audit (kind, entity)",
    "CREATE INDEX IF NOT EXISTS audit_at ON audit (at)",
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit "
    f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
)
# The audit table's family; every store that writes opens it too. Append migrations only.
AUDIT = Family("audit", "schema_version.audit", migrations=(_CREATE,))

MAX_LIMIT = 10_000


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class Who:
    """Who writes (``name``) and through what (``via``): what the audit log records."""

    name: str
    via: str

    def __post_init__(self) -> None:
        if not self.name.strip() or not self.via.strip():
            raise InvalidInputError("audit: a write needs a non-empty actor name and channel")

    def through(self, detail: str) -> Who:
        """The same actor, with ``detail`` (e.g. ``import park.csv``) after the channel."""
        return Who(self.name, f"{self.via} {detail}")


SYSTEM = Who("system", "library")  # library callers that name nobody (tests, eval)

Change = tuple[Any, Any]  # (before, after), JSON values


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    actor: str
    via: str
    action: Action
    kind: str
    entity: str
    changes: dict[str, list[Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "via": self.via,
            "action": self.action.value,
            "kind": self.kind,
            "entity": self.entity,
            "changes": self.changes,
        }


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {} or value == ""


def org_changes(before: Organisation | None, after: Organisation | None) -> dict[str, Change]:
    """``{field: (before, after)}`` for the fields that differ, as JSON values; a side that
    does not exist (create, delete) counts as empty, so only its set fields appear."""
    old = before.model_dump(mode="json") if before is not None else {}
    new = after.model_dump(mode="json") if after is not None else {}
    out: dict[str, Change] = {}
    for name in dict.fromkeys([*old, *new]):
        a, b = old.get(name), new.get(name)
        if a != b and not (_empty(a) and _empty(b)):
            out[name] = (a, b)
    return out


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def append(
    conn: sqlite3.Connection,
    who: Who,
    rows: Sequence[tuple[Action, str, str, Mapping[str, Change]]],
    at: dt.datetime | None = None,
) -> None:
    """Append ``(action, kind, entity, changes)`` rows on ``conn`` — inside the caller's
    transaction, which is what makes the log and the change one."""
    stamp = _stamp(at or now_utc())
    conn.executemany(
        "INSERT INTO audit (at, actor, via, action, kind, entity, changes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                stamp,
                who.name,
                who.via,
                action.value,
                kind,
                entity,
                json.dumps({k: list(v) for k, v in changes.items()}, ensure_ascii=False),
            )
            for action, kind, entity, changes in rows
        ],
    )


def _stamp(when: dt.datetime) -> str:
    """UTC with microseconds always written, so stamps sort as text in time order."""
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


_RELATIVE = re.compile(r"^(\d{1,6})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """``7d``, ``12h``, ``30m``, ``2w``, ``45s`` before ``now``, or an ISO date/datetime
    (UTC unless it names an offset)."""
    value = text.strip()
    rel = _RELATIVE.match(value)
    if rel:
        delta = dt.timedelta(**{_UNITS[rel.group(2)]: int(rel.group(1))})
        return (now or now_utc()) - delta
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(
            f"since: expected an ISO date or time (2026-12-01, 2026-12-01T09:00) or an age "
            f"like 7d, 12h, 30m; got {text!r}"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class AuditLog(SQLiteStore):
    """Reads the audit table (writes happen only through the stores' transactions)."""

    families = (AUDIT,)

    def entries(
        self,
        *,
        org: str | None = None,
        kind: str | None = None,
        entity: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first. ``org`` selects the organisation's own entries and its events'
        outcomes (an outcome's entity is ``event:a:b``)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"limit must be between 1 and {MAX_LIMIT}; got {limit}")
        clauses: list[str] = []
        params: list[Any] = []
        if org is not None:
            clauses.append(
                "((kind = 'organisation' AND entity = ?) OR "
                "(kind = 'outcome' AND (entity LIKE ? ESCAPE '\\' OR entity LIKE ? ESCAPE '\\')))"
            )
            like = org.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params += [org, f"%:{like}:%", f"%:{like}"]
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        if entity is not None:
            clauses.append("entity = ?")
            params.append(entity)
        if since is not None:
            clauses.append("at >= ?")
            params.append(_stamp(since if since.tzinfo else since.replace(tzinfo=dt.UTC)))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, at, actor, via, action, kind, entity, changes FROM audit "
                f"{where} ORDER BY seq DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [
            AuditEntry(
                seq=seq,
                at=dt.datetime.fromisoformat(at),
                actor=actor,
                via=via,
                action=Action(action),
                kind=kind_,
                entity=entity_,
                changes=json.loads(changes),
            )
            for seq, at, actor, via, action, kind_, entity_, changes in rows
        ]

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM audit").fetchone()[0])
