"""The catalog's SQLite tables, and how one Organisation maps to their rows and back.

Kept apart from `catalog.store` so the table layout and the row mapping can be read (and
changed) in one place, while the store keeps the queries (and `catalog.db` the connection,
transactions, locking and migrations). The ``meta`` table belongs to `catalog.db`.
One Organisation is a row of ``organisations`` plus ordered rows in each child table; reading
it back re-validates it through the model.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from catalog.db import Family
from catalog.models import Organisation, OrgKind, OrgSize, StatementRole

__all__ = [
    "CATALOG",
    "CHILD_COLUMNS",
    "ORG_COLUMNS",
    "SCHEMA",
    "SCHEMA_VERSION",
    "UPSERT_ORG",
    "build_org",
    "child_rows",
    "org_row",
]

_KINDS = ", ".join(f"'{k.value}'" for k in OrgKind)
_SIZES = ", ".join(f"'{s.value}'" for s in OrgSize)
_ROLES = ", ".join(f"'{r.value}'" for r in StatementRole)

# Child tables: columns besides (org_id, position). Schema, writer and loader all read this.
_CHILDREN: dict[str, tuple[str, ...]] = {
    "statements": (f"role TEXT NOT NULL CHECK (role IN ({_ROLES}))", "text TEXT NOT NULL"),
    "chain_positions": ("chain TEXT NOT NULL", "segment TEXT NOT NULL"),
    "products": ("name TEXT NOT NULL", "share REAL NOT NULL"),
    "qualifications": ("name TEXT NOT NULL", "issuer TEXT", "valid_until TEXT"),
    "contacts": ("name TEXT NOT NULL", "role TEXT", "phone TEXT", "email TEXT"),
}
CHILD_COLUMNS = {table: tuple(c.split()[0] for c in cols) for table, cols in _CHILDREN.items()}

SCHEMA = [
    f"""CREATE TABLE IF NOT EXISTS organisations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ({_KINDS})),
        province TEXT NOT NULL, city TEXT NOT NULL, park TEXT,
        size TEXT CHECK (size IS NULL OR size IN ({_SIZES})),
        updated_at TEXT, aliases TEXT NOT NULL DEFAULT '[]')""",
    *(
        f"""CREATE TABLE IF NOT EXISTS {table} (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, {", ".join(cols)},
        PRIMARY KEY (org_id, {"role, " if table == "statements" else ""}position))"""
        for table, cols in _CHILDREN.items()
    ),
    "CREATE INDEX IF NOT EXISTS chain_positions_chain ON chain_positions (chain, segment)",
    "CREATE INDEX IF NOT EXISTS chain_positions_segment ON chain_positions (segment)",
]
# The catalog's table family. Append a migration (never edit a shipped one) to change it.
CATALOG = Family("catalog", "schema_version", migrations=(tuple(SCHEMA),))
SCHEMA_VERSION = CATALOG.version
_ORG_FIELDS = ("id", "name", "kind", "province", "city", "park", "size", "updated_at", "aliases")
ORG_COLUMNS = ", ".join(f"o.{c}" for c in _ORG_FIELDS)
UPSERT_ORG = (
    f"INSERT INTO organisations ({', '.join(_ORG_FIELDS)}) "
    f"VALUES ({', '.join('?' * len(_ORG_FIELDS))}) ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _ORG_FIELDS[1:])
)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def org_row(org: Organisation) -> tuple[Any, ...]:
    """The ``organisations`` row of ``org``, in the column order of ``UPSERT_ORG``."""
    reg, upd = org.region, _iso(org.updated_at)
    size = None if org.size is None else org.size.value
    aliases = json.dumps(list(org.aliases), ensure_ascii=False)
    return (org.id, org.name, org.kind.value, reg.province, reg.city, reg.park, size, upd, aliases)


def child_rows(org: Organisation) -> dict[str, list[tuple[Any, ...]]]:
    """(position, *columns) rows of each child table, in the column order of ``CHILD_COLUMNS``."""
    offer, need = StatementRole.OFFER.value, StatementRole.NEED.value
    return {
        "statements": [(i, offer, t) for i, t in enumerate(org.offers)]
        + [(i, need, t) for i, t in enumerate(org.needs)],
        "chain_positions": [(i, c.chain, c.segment) for i, c in enumerate(org.chains)],
        "products": [(i, p.name, p.share) for i, p in enumerate(org.products)],
        "qualifications": [
            (i, q.name, q.issuer, _iso(q.valid_until)) for i, q in enumerate(org.qualifications)
        ],
        "contacts": [(i, c.name, c.role, c.phone, c.email) for i, c in enumerate(org.contacts)],
    }


def build_org(row: Sequence[Any], kids: dict[str, list[tuple[Any, ...]]]) -> Organisation:
    """Rebuild one Organisation from its ``ORG_COLUMNS`` row and child rows, re-validated."""
    org: dict[str, Any] = dict(zip(_ORG_FIELDS, row, strict=True))
    org["region"] = {k: org.pop(k) for k in ("province", "city", "park")}
    org["aliases"] = json.loads(org["aliases"])
    if org["updated_at"] is not None:  # Python's own parser is the exact inverse of isoformat
        org["updated_at"] = dt.datetime.fromisoformat(org["updated_at"])
    statements = kids["statements"]
    org["offers"] = [t for role, t in statements if role == StatementRole.OFFER.value]
    org["needs"] = [t for role, t in statements if role == StatementRole.NEED.value]
    org["chains"] = [
        dict(zip(CHILD_COLUMNS["chain_positions"], r, strict=True)) for r in kids["chain_positions"]
    ]
    for table in ("products", "qualifications", "contacts"):
        org[table] = [dict(zip(CHILD_COLUMNS[table], r, strict=True)) for r in kids[table]]
    return Organisation.model_validate(org)
