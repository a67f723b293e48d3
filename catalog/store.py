"""Storage of organisations in SQLite: normalised tables, one transaction per write.

Why SQLite: it is a real, transactional database in one file, so a failed import changes
nothing and the service, CLI and eval can share the same catalog without a server.

Example usage::

    with CatalogStore("data/catalog.sqlite") as store:
        store.upsert(orgs)
        suppliers = store.list(chain="ic", segment="ic.design", limit=20)

The table layout and the mapping of an Organisation to rows and back are in `catalog.rows`.

sqlite3 errors raised by the database itself (disk full, a locked file, a failing
constraint) propagate unchanged after the transaction has been rolled back.
"""

from __future__ import annotations

import builtins
import enum
import json
import os
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from catalog.audit import AUDIT, SYSTEM, Action, Who, append, org_changes
from catalog.db import Checkpoint, SQLiteStore
from catalog.errors import ConflictError, InvalidInputError, NotFoundError
from catalog.models import Organisation, OrgKind, StatementRole
from catalog.rows import (
    CATALOG,
    CHILD_COLUMNS,
    ORG_COLUMNS,
    SCHEMA_VERSION,
    UPSERT_ORG,
    build_org,
    child_rows,
    org_row,
)

__all__ = [
    "SCHEMA_VERSION",
    "CatalogStore",
    "OnConflict",
    "PutResult",
    "RegionCount",
    "StoreStats",
]

_MAX_INT = 2**63 - 1  # SQLite integers are 64-bit: larger paging values cannot bind


class StoreStats(TypedDict):
    organisations: int
    by_kind: dict[str, int]
    offers: int
    needs: int
    products: int
    qualifications: int


class RegionCount(TypedDict):
    province: str
    city: str
    park: str | None
    organisations: int


class OnConflict(enum.StrEnum):
    """What a write does with an organisation whose id is already in the catalog."""

    UPDATE = "update"  # replace it (and all its child rows)
    SKIP = "skip"  # keep the stored one
    FAIL = "fail"  # refuse the whole write (ConflictError naming the ids)


@dataclass(frozen=True)
class PutResult:
    """The ids a `CatalogStore.put` created, updated and skipped, in the order given."""

    created: list[str]
    updated: list[str]
    skipped: list[str]


def _id_list(ids: Iterable[str]) -> list[str]:
    """Guard against delete("abc") quietly meaning delete(["a", "b", "c"])."""
    if isinstance(ids, str):
        raise InvalidInputError(f"expected a list of ids; got the string {ids!r}")
    return list(ids)


def _decide(batch: Sequence[Organisation], existing: set[str], mode: OnConflict) -> PutResult:
    """The one rule for ids already stored: FAIL refuses the whole batch, naming them."""
    if existing and mode is OnConflict.FAIL:
        found = sorted(existing)
        raise ConflictError(f"organisation(s) already exist: {', '.join(found)}", found)
    old = [o.id for o in batch if o.id in existing]
    return PutResult(
        created=[o.id for o in batch if o.id not in existing],
        updated=old if mode is OnConflict.UPDATE else [],
        skipped=old if mode is OnConflict.SKIP else [],
    )


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


class CatalogStore(SQLiteStore):
    """The catalog of one park (or province) in one SQLite file; ``":memory:"`` for tests.

    All methods are safe to call from several threads (see `catalog.db.SQLiteStore`).
    """

    label = "catalog"
    families = (CATALOG, AUDIT)

    def __init__(
        self, path: str | os.PathLike[str], *, checkpoint: Checkpoint | None = None
    ) -> None:
        super().__init__(path, checkpoint=checkpoint)
        self._conn.create_function("casefold", 1, _casefold, deterministic=True)

    # -- writes ----------------------------------------------------------------------------

    def upsert(self, orgs: Iterable[Organisation], *, who: Who = SYSTEM) -> int:
        """Insert or replace organisations (and all their child rows) in one transaction."""
        done = self.put(orgs, on_conflict=OnConflict.UPDATE, who=who)
        return len(done.created) + len(done.updated)

    def insert(self, orgs: Iterable[Organisation], *, who: Who = SYSTEM) -> int:
        """Like :meth:`upsert`, but refuse (writing nothing) if any id already exists."""
        return len(self.put(orgs, on_conflict=OnConflict.FAIL, who=who).created)

    def put(
        self, orgs: Iterable[Organisation], *, on_conflict: OnConflict, who: Who = SYSTEM
    ) -> PutResult:
        """Write organisations in one transaction; an existing id is updated, skipped or,
        with ``FAIL``, refused: ConflictError (with ``ids``) and nothing is written.

        Each created or changed organisation appends one audit entry (``who``, the changed
        fields before → after) in the same transaction; an update that changes nothing
        appends none.
        """
        batch = self._checked(orgs)
        mode = OnConflict(on_conflict)
        with self._transaction() as conn:
            existing = self._existing(conn, [o.id for o in batch])
            done = _decide(batch, existing, mode)
            writing = [o for o in batch if o.id not in existing or mode is OnConflict.UPDATE]
            before = {o.id: o for o in self._fetch_ids([o.id for o in writing if o.id in existing])}
            log: list[tuple[Action, str, str, dict[str, Any]]] = []
            for org in writing:
                prior = before.get(org.id)
                changes = org_changes(prior, org)
                if prior is not None and not changes:
                    continue  # nothing to write, nothing to log
                self._write(conn, org)
                action = Action.CREATE if prior is None else Action.UPDATE
                log.append((action, "organisation", org.id, changes))
            append(conn, who, log)
            self._reach("catalog.before_commit")
        return done

    def plan_put(self, orgs: Iterable[Organisation], *, on_conflict: OnConflict) -> PutResult:
        """What `put` would create, update and skip — or the ConflictError it would raise —
        without writing anything: the dry run behind an import preview."""
        batch = self._checked(orgs)
        with self._lock:
            existing = self._existing(self._conn, [o.id for o in batch])
        return _decide(batch, existing, OnConflict(on_conflict))

    def delete(self, ids: Iterable[str], *, who: Who = SYSTEM) -> int:
        """Delete organisations by id; an unknown id raises NotFoundError and deletes nothing.
        Each deletion is audited with the organisation's last fields (after: null)."""
        wanted = list(dict.fromkeys(_id_list(ids)))
        with self._transaction() as conn:
            existing = self._existing(conn, wanted)
            for org_id in wanted:
                if org_id not in existing:
                    raise NotFoundError("organisation", org_id)
            gone = self._fetch_ids(wanted)
            conn.execute(
                "DELETE FROM organisations WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(wanted),),
            )
            log = [(Action.DELETE, "organisation", o.id, org_changes(o, None)) for o in gone]
            append(conn, who, log)
            self._reach("catalog.before_commit")
        return len(wanted)

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    @staticmethod
    def _checked(orgs: Iterable[Organisation]) -> builtins.list[Organisation]:
        batch = list(orgs)
        for org in batch:
            if not isinstance(org, Organisation):
                raise InvalidInputError(f"expected Organisation objects; got {type(org).__name__}")
        dupes = [i for i, n in Counter(o.id for o in batch).items() if n > 1]
        if dupes:
            raise InvalidInputError(f"the same id appears twice in one write: {', '.join(dupes)}")
        return batch

    @staticmethod
    def _existing(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
        rows = conn.execute(
            "SELECT id FROM organisations WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        )
        return {r[0] for r in rows}

    @staticmethod
    def _write(conn: sqlite3.Connection, org: Organisation) -> None:
        conn.execute(UPSERT_ORG, org_row(org))
        for table, rows in child_rows(org).items():
            names = ", ".join(CHILD_COLUMNS[table])
            marks = ", ".join("?" * (len(CHILD_COLUMNS[table]) + 2))
            conn.execute(f"DELETE FROM {table} WHERE org_id = ?", (org.id,))
            conn.executemany(
                f"INSERT INTO {table} (org_id, position, {names}) VALUES ({marks})",
                [(org.id, *row) for row in rows],
            )

    # -- reads -----------------------------------------------------------------------------

    def get(self, org_id: str) -> Organisation:
        found = self._fetch("WHERE o.id = ?", [org_id])
        if not found:
            raise NotFoundError("organisation", org_id)
        return found[0]

    def get_many(self, ids: Iterable[str]) -> builtins.list[Organisation]:
        """Organisations in the order asked (repeats kept); an unknown id raises NotFoundError."""
        wanted = _id_list(ids)
        found = self._fetch("WHERE o.id IN (SELECT value FROM json_each(?))", [json.dumps(wanted)])
        by_id = {o.id: o for o in found}
        for org_id in wanted:
            if org_id not in by_id:
                raise NotFoundError("organisation", org_id)
        return [by_id[i] for i in wanted]

    def _fetch_ids(self, ids: Sequence[str]) -> builtins.list[Organisation]:
        if not ids:
            return []
        return self._fetch("WHERE o.id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])

    def all(self) -> builtins.list[Organisation]:
        """Every organisation, ordered by id, in six queries whatever the catalog size."""
        return self._fetch("", [])

    def change_seq(self) -> int:
        """The audit sequence number of the last catalog change (0: none yet): every write
        of an organisation appends an audit entry in its own transaction."""
        with self._lock:
            row = self._conn.execute("SELECT max(seq) FROM audit").fetchone()
        return int(row[0] or 0)

    def changed_since(
        self, seq: int
    ) -> tuple[int, builtins.list[Organisation], builtins.list[str]]:
        """``(last seq, organisations written, ids removed)`` by the changes after ``seq``,
        read in one transaction: what a running engine must apply to catch up."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, entity FROM audit WHERE kind = 'organisation' AND seq > ? "
                "ORDER BY seq",
                (seq,),
            ).fetchall()
            last = self._conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
            ids = list(dict.fromkeys(entity for _, entity in rows))
            written = self._fetch_ids(ids)
        present = {o.id for o in written}
        return int(last or seq), written, [i for i in ids if i not in present]

    def ids(self) -> builtins.list[str]:
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT id FROM organisations ORDER BY id")]

    def chains_by_org(self) -> dict[str, builtins.list[str]]:
        """Every organisation's chains (none: an empty list), in one query: what series stats
        need of the catalog, without loading every profile."""
        out: dict[str, builtins.list[str]] = {}
        with self._lock:
            rows = self._conn.execute(
                "SELECT o.id, c.chain FROM organisations o LEFT JOIN chain_positions c "
                "ON c.org_id = o.id ORDER BY o.id, c.position"
            ).fetchall()
        for org_id, chain in rows:
            got = out.setdefault(org_id, [])
            if chain is not None and chain not in got:
                got.append(chain)
        return out

    def list(
        self,
        *,
        kind: OrgKind | None = None,
        chain: str | None = None,
        segment: str | None = None,
        park: str | None = None,
        q: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> builtins.list[Organisation]:
        """Organisations matching every given filter, ordered by id.

        ``chain``/``segment`` match one chain position holding both; ``q`` is a
        case-insensitive substring of the name or of an alias.
        """
        where, params = self._filters(kind=kind, chain=chain, segment=segment, park=park, q=q)
        if limit is not None and not 0 <= limit <= _MAX_INT:
            raise InvalidInputError(f"limit must be between 0 and {_MAX_INT}; got {limit}")
        if not 0 <= offset <= _MAX_INT:
            raise InvalidInputError(f"offset must be between 0 and {_MAX_INT}; got {offset}")
        page_params = [-1 if limit is None else limit, offset]
        return self._fetch(where, [*params, *page_params], " LIMIT ? OFFSET ?")

    def count(
        self,
        *,
        kind: OrgKind | None = None,
        chain: str | None = None,
        segment: str | None = None,
        park: str | None = None,
        q: str | None = None,
    ) -> int:
        where, params = self._filters(kind=kind, chain=chain, segment=segment, park=park, q=q)
        with self._lock:
            row = self._conn.execute(f"SELECT count(*) FROM organisations o {where}", params)
            return int(row.fetchone()[0])

    def regions(self) -> builtins.list[RegionCount]:
        """Every (province, city, park) with its number of organisations: the region filter's
        choices, largest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT province, city, park, count(*) AS n FROM organisations "
                "GROUP BY province, city, park ORDER BY n DESC, province, city, park"
            ).fetchall()
        return [RegionCount(province=p, city=c, park=k, organisations=n) for p, c, k, n in rows]

    def stats(self) -> StoreStats:
        with self._lock:
            conn = self._conn
            by_kind = {k.value: 0 for k in OrgKind}
            for kind, n in conn.execute("SELECT kind, count(*) FROM organisations GROUP BY kind"):
                by_kind[kind] = n
            roles = dict(conn.execute("SELECT role, count(*) FROM statements GROUP BY role"))
            return StoreStats(
                organisations=sum(by_kind.values()),
                by_kind=by_kind,
                offers=roles.get(StatementRole.OFFER.value, 0),
                needs=roles.get(StatementRole.NEED.value, 0),
                products=conn.execute("SELECT count(*) FROM products").fetchone()[0],
                qualifications=conn.execute("SELECT count(*) FROM qualifications").fetchone()[0],
            )

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def _filters(
        *,
        kind: OrgKind | None,
        chain: str | None,
        segment: str | None,
        park: str | None,
        q: str | None,
    ) -> tuple[str, builtins.list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if kind is not None:
            try:
                params.append(OrgKind(kind).value)
            except ValueError:
                known = ", ".join(k.value for k in OrgKind)
                raise InvalidInputError(f"expected kind one of {known}; got {kind!r}") from None
            clauses.append("o.kind = ?")
        if chain is not None or segment is not None:
            sub = ["c.org_id = o.id"]
            if chain is not None:
                sub.append("c.chain = ?")
                params.append(chain)
            if segment is not None:
                sub.append("c.segment = ?")
                params.append(segment)
            clauses.append(f"EXISTS (SELECT 1 FROM chain_positions c WHERE {' AND '.join(sub)})")
        if park is not None:
            clauses.append("o.park = ?")
            params.append(park)
        if q is not None:
            clauses.append(
                "(instr(casefold(o.name), casefold(?)) > 0 OR EXISTS (SELECT 1 FROM "
                "json_each(o.aliases) a WHERE instr(casefold(a.value), casefold(?)) > 0))"
            )
            params.extend([q, q])
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _fetch(
        self, where: str, params: Sequence[Any], page: str = ""
    ) -> builtins.list[Organisation]:
        """Load matching organisations and their children: one query per table, not per org."""
        selected = f"SELECT o.id FROM organisations o {where} ORDER BY o.id{page}"
        children: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
        with self._lock:
            orgs = self._conn.execute(
                f"SELECT {ORG_COLUMNS} FROM organisations o WHERE o.id IN ({selected}) "
                "ORDER BY o.id",
                params,
            ).fetchall()
            if not orgs:
                return []
            for table, columns in CHILD_COLUMNS.items():
                grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
                rows = self._conn.execute(
                    f"SELECT org_id, {', '.join(columns)} FROM {table} "
                    f"WHERE org_id IN ({selected}) ORDER BY org_id, position",
                    params,
                )
                for row in rows:
                    grouped[row[0]].append(tuple(row[1:]))
                children[table] = grouped
        return [build_org(row, {t: c.get(row[0], []) for t, c in children.items()}) for row in orgs]
