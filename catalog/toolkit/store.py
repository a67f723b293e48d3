"""Toolkit items and organisation facts in SQLite — the same file as the catalog.

The tables are the ``toolkit`` family (`TOOLKIT`), created or upgraded on open by
`catalog.db`: a catalog file made by an older ChainMatch gains them and keeps everything
else. An item is stored as its validated JSON (the condition tree is read back through the
same model); facts are one row per organisation and field, with the date they hold for and
where they came from. Every write is one transaction with its audit entries
(`catalog.audit`, kinds ``toolkit_item`` and ``org_fact``): all of it or none.

Example usage::

    with ToolkitStore(paths.db) as tk:
        tk.save_items([parse_item(doc)], who=Who("王敏", "cli"))
        tk.set_facts("demo-nev-0001", {FactField.REVENUE: 5200}, who=Who("王敏", "cli"))
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from catalog.audit import AUDIT, SYSTEM, Action, Change, Who, append
from catalog.db import Family, SQLiteStore
from catalog.errors import ConflictError, InvalidInputError, NotFoundError
from catalog.rows import CATALOG
from catalog.toolkit.checks import check_item
from catalog.toolkit.model import (
    FIELD_TYPES,
    STORED_FIELDS,
    FactField,
    FieldType,
    OrgFact,
    ToolkitItem,
)

__all__ = ["TOOLKIT", "FactValue", "ToolkitStore", "parse_fact", "stored_field"]

FactValue = float | dt.date

_CREATE = (
    """CREATE TABLE IF NOT EXISTS toolkit_items (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
        body TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS toolkit_facts (
        org_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
        as_of TEXT, source TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (org_id, field))""",
)
# The toolkit's table family. Append a migration (never edit a shipped one) to change it.
TOOLKIT = Family("toolkit", "schema_version.toolkit", migrations=(_CREATE,))

_LIMITS: dict[FactField, tuple[float, float]] = {
    FactField.RD_RATIO: (0.0, 100.0),
    FactField.RD_STAFF_RATIO: (0.0, 100.0),
}


def stored_field(field: str | FactField) -> FactField:
    """The stored fact ``field`` names; ValueError listing the stored facts otherwise."""
    names = ", ".join(f.value for f in STORED_FIELDS)
    try:
        name = FactField(field)
    except ValueError:
        raise ValueError(f"{field}: not a stored fact; expected one of {names}") from None
    if name not in STORED_FIELDS:
        raise ValueError(f"{name.value}: not a stored fact; expected one of {names}")
    return name


def parse_fact(field: str | FactField, value: Any, *, today: dt.date | None = None) -> FactValue:
    """A stored fact's value, typed and in range; ValueError names the field and what was
    expected (numbers ≥ 0, percentages 0–100, a founding date not in the future)."""
    name = stored_field(field)
    if FIELD_TYPES[name] is FieldType.DATE:
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{name.value}: expected an ISO date, got {value!r}") from None
        if day > (today or dt.date.today()):
            raise ValueError(f"{name.value}: {day} is in the future")
        return day
    try:
        x = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name.value}: expected a number, got {value!r}") from None
    low, high = _LIMITS.get(name, (0.0, 1e12))
    if not low <= x <= high:
        raise ValueError(f"{name.value}: expected {low:g} to {high:g}, got {x:g}")
    return x


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ToolkitStore(SQLiteStore):
    """Items and facts; the catalog family is opened too (never changed here): facts must
    name an organisation of the catalog in the same file."""

    families = (CATALOG, AUDIT, TOOLKIT)

    # ------------------------------------------------------------------ items
    def save_items(
        self, items: Sequence[ToolkitItem], *, who: Who = SYSTEM, replace: bool = True
    ) -> tuple[int, int]:
        """Store ``items`` in one transaction; returns (created, updated).

        Each is checked again (`check_item`) before anything is written; an id already
        stored is replaced, or refused with ``replace=False`` (ConflictError, nothing
        written). An item that changes nothing is neither written nor logged.
        """
        ids = [i.id for i in items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InvalidInputError(f"id: {dupes[0]!r} appears twice in one write")
        for item in items:
            check_item(item)
        created = updated = 0
        with self._transaction() as conn:
            rows: list[tuple[Action, str, str, Mapping[str, Change]]] = []
            for item in items:
                old = self._item(conn, item.id)
                if old is not None and not replace:
                    raise ConflictError(f"id: item {item.id!r} already exists", ids=[item.id])
                if old == item:
                    continue
                body = item.model_dump_json()
                conn.execute(
                    "INSERT INTO toolkit_items (id, name, kind, body, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                    "kind = excluded.kind, body = excluded.body, updated_at = excluded.updated_at",
                    (item.id, item.name, item.kind.value, body, _stamp()),
                )
                rows.append(
                    (
                        Action.CREATE if old is None else Action.UPDATE,
                        "toolkit_item",
                        item.id,
                        _item_changes(old, item),
                    )
                )
                created += old is None
                updated += old is not None
            if rows:
                append(conn, who, rows)
            self._reach("toolkit.before_commit")
        return created, updated

    def delete_item(self, item_id: str, *, who: Who = SYSTEM) -> None:
        with self._transaction() as conn:
            old = self._item(conn, item_id)
            if old is None:
                raise NotFoundError("toolkit item", item_id)
            conn.execute("DELETE FROM toolkit_items WHERE id = ?", (item_id,))
            append(conn, who, [(Action.DELETE, "toolkit_item", item_id, _item_changes(old, None))])

    def get(self, item_id: str) -> ToolkitItem:
        with self._lock:
            item = self._item(self._conn, item_id)
        if item is None:
            raise NotFoundError("toolkit item", item_id)
        return item

    def items(self) -> list[ToolkitItem]:
        """Every item, by id."""
        with self._lock:
            rows = self._conn.execute("SELECT body FROM toolkit_items ORDER BY id").fetchall()
        return [ToolkitItem.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        with self._lock:
            (n,) = self._conn.execute("SELECT count(*) FROM toolkit_items").fetchone()
        return int(n)

    @staticmethod
    def _item(conn: sqlite3.Connection, item_id: str) -> ToolkitItem | None:
        row = conn.execute("SELECT body FROM toolkit_items WHERE id = ?", (item_id,)).fetchone()
        return None if row is None else ToolkitItem.model_validate_json(row[0])

    # ------------------------------------------------------------------ facts
    def set_facts(
        self,
        org_id: str,
        values: Mapping[str | FactField, Any],
        *,
        as_of: dt.date | None = None,
        source: str = "declared",
        who: Who = SYSTEM,
    ) -> dict[FactField, OrgFact]:
        """Set (or, with None, clear) facts of one organisation in one transaction; returns
        its facts after. Every value is checked first: a bad one names its field and
        nothing is written."""
        self.set_many([(org_id, values, as_of, source)], who=who)
        return self.facts(org_id)

    def set_many(
        self,
        rows: Sequence[tuple[str, Mapping[str | FactField, Any], dt.date | None, str]],
        *,
        who: Who = SYSTEM,
    ) -> int:
        """``(org_id, {field: value}, as_of, source)`` rows in one transaction, all or
        nothing; returns how many facts changed."""
        typed = [(org, _typed(org, values), as_of, source) for org, values, as_of, source in rows]
        for _, _, _, source in typed:
            if not source.strip() or len(source) > 200:
                raise InvalidInputError("source: expected 1 to 200 characters")
        changed = 0
        with self._transaction() as conn:
            audit: list[tuple[Action, str, str, Mapping[str, Change]]] = []
            for org_id, values, as_of, source in typed:
                audit.extend(_write_facts(conn, org_id, values, as_of, source.strip()))
            if audit:
                append(conn, who, audit)
                changed = len(audit)
            self._reach("toolkit.before_commit")
        return changed

    def facts(self, org_id: str) -> dict[FactField, OrgFact]:
        with self._lock:
            return _facts(self._conn, org_id)

    def all_facts(self) -> dict[str, dict[FactField, OrgFact]]:
        """Organisation id → its facts; one query."""
        out: dict[str, dict[FactField, OrgFact]] = {}
        with self._lock:
            rows = self._conn.execute(
                "SELECT org_id, field, value, as_of, source FROM toolkit_facts ORDER BY org_id"
            ).fetchall()
        for row in rows:
            fact = _fact(row)
            out.setdefault(fact.org_id, {})[fact.field] = fact
        return out

    def fact_count(self) -> int:
        with self._lock:
            (n,) = self._conn.execute("SELECT count(*) FROM toolkit_facts").fetchone()
        return int(n)


def _typed(org_id: str, values: Mapping[str | FactField, Any]) -> dict[FactField, FactValue | None]:
    typed: dict[FactField, FactValue | None] = {}
    for key, value in values.items():
        try:
            name = stored_field(key)
            typed[name] = None if value is None else parse_fact(name, value)
        except ValueError as exc:
            raise InvalidInputError(f"facts of {org_id!r}: {exc}") from None
    if not typed:
        raise InvalidInputError(f"facts of {org_id!r}: give at least one field and value")
    return typed


def _write_facts(
    conn: sqlite3.Connection,
    org_id: str,
    values: Mapping[FactField, FactValue | None],
    as_of: dt.date | None,
    source: str,
) -> list[tuple[Action, str, str, Mapping[str, Change]]]:
    """Write one organisation's facts on ``conn``; returns the audit rows of what changed."""
    if conn.execute("SELECT 1 FROM organisations WHERE id = ?", (org_id,)).fetchone() is None:
        raise InvalidInputError(f"org_id: no organisation {org_id!r} in the catalog")
    before = _facts(conn, org_id)
    rows: list[tuple[Action, str, str, Mapping[str, Change]]] = []
    stamp = _stamp()
    for name, value in values.items():
        old = before.get(name)
        entity = f"{org_id}:{name.value}"
        if value is None:
            if old is not None:
                conn.execute(
                    "DELETE FROM toolkit_facts WHERE org_id = ? AND field = ?",
                    (org_id, name.value),
                )
                rows.append(
                    (Action.DELETE, "org_fact", entity, {"value": (_json(old.value), None)})
                )
            continue
        conn.execute(
            "INSERT INTO toolkit_facts (org_id, field, value, as_of, source, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(org_id, field) DO UPDATE SET "
            "value = excluded.value, as_of = excluded.as_of, source = excluded.source, "
            "updated_at = excluded.updated_at",
            (
                org_id,
                name.value,
                json.dumps(_json(value)),
                None if as_of is None else as_of.isoformat(),
                source,
                stamp,
            ),
        )
        if old is None or old.value != value:
            action = Action.CREATE if old is None else Action.UPDATE
            change = (None if old is None else _json(old.value), _json(value))
            rows.append((action, "org_fact", entity, {"value": change}))
    return rows


def _json(value: FactValue) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _fact(row: tuple[Any, ...]) -> OrgFact:
    org_id, field, value, as_of, source = row
    name = FactField(field)
    raw = json.loads(value)
    typed: FactValue = (
        dt.date.fromisoformat(raw) if FIELD_TYPES[name] is FieldType.DATE else float(raw)
    )
    day = None if as_of is None else dt.date.fromisoformat(as_of)
    return OrgFact(org_id=org_id, field=name, value=typed, as_of=day, source=source)


def _facts(conn: sqlite3.Connection, org_id: str) -> dict[FactField, OrgFact]:
    rows = conn.execute(
        "SELECT org_id, field, value, as_of, source FROM toolkit_facts WHERE org_id = ? "
        "ORDER BY field",
        (org_id,),
    ).fetchall()
    return {f.field: f for f in map(_fact, rows)}


def _item_changes(old: ToolkitItem | None, new: ToolkitItem | None) -> dict[str, Change]:
    a = old.model_dump(mode="json") if old is not None else {}
    b = new.model_dump(mode="json") if new is not None else {}
    return {k: (a.get(k), b.get(k)) for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)}
