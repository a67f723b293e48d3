"""The one SQLite base under every store: connection, lock, transactions, schema versions.

Why one base: the catalog, the events (and later requests and audit) share one database
file per park, so they must agree on how it is opened, locked and upgraded. Each store
subclasses :class:`SQLiteStore` and names the table families it needs; nothing else about
connections or transactions is written twice.

Schema versions live in the ``meta`` table, one key per family (the catalog's key is the
historical ``schema_version``). Opening a store applies, in one transaction, every migration
of its families the file has not seen yet, so files made by older ChainMatch versions keep
their data. A migration is a tuple of SQL statements; migration 1 of a family must be
``CREATE … IF NOT EXISTS`` so that files written before versioning existed are adopted.

Adding a table family (example usage)::

    REQUESTS = Family("requests", "schema_version.requests", migrations=(
        ("CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, body TEXT NOT NULL)",),
    ))

    class RequestStore(SQLiteStore):
        families = (REQUESTS,)

A later change appends a migration, e.g. ``("ALTER TABLE requests ADD COLUMN at TEXT",)``;
never edit one that has shipped.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from catalog.errors import ChainMatchError, InvalidInputError

__all__ = [
    "META_TABLE",
    "Checkpoint",
    "Family",
    "Migration",
    "SQLiteStore",
    "append_only",
    "next_day_id",
    "sql_values",
]

Checkpoint = Callable[[str], None]
"""Called with a point's name (``catalog.before_commit``) where a write is half done: the
seam the kill -9 fault tests stop a process at. Nothing is called unless one is given."""

Migration = tuple[str, ...]
"""SQL statements applied together; each is one statement (no executescript: it commits)."""


def sql_values(enum_type: Iterable[Any]) -> str:
    """An enum's values as a SQL list for ``CHECK (x IN (...))``."""
    return ", ".join(f"'{e.value}'" for e in enum_type)


def append_only(table: str, replaces: str, history: str) -> tuple[str, str, str]:
    """Triggers refusing UPDATE, DELETE and an INSERT that would replace a row (``INSERT OR
    REPLACE`` deletes without firing delete triggers); ``replaces`` is the WHEN of the last,
    ``history`` names whose history the message speaks of ("desk", "challenge")."""
    message = f"{history} history is append-only: {table} rows are never changed or deleted"
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_replace BEFORE INSERT ON {table} "
        f"WHEN {replaces} BEGIN SELECT RAISE(ABORT, '{message}'); END",
    )


META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


@dataclass(frozen=True)
class Family:
    """The tables one store owns: a name for messages, its ``meta`` key, its migrations.

    Migration ``n`` (1-based) is ``migrations[n - 1]``; the family's version is their count.
    """

    name: str
    version_key: str
    migrations: tuple[Migration, ...]

    @property
    def version(self) -> int:
        return len(self.migrations)


class SQLiteStore:
    """One connection to one SQLite file (``":memory:"`` for tests), shared by all threads.

    A re-entrant lock serialises every use of the connection, so a read never sees half of
    another thread's write; :meth:`_transaction` makes a write all or nothing.
    """

    families: ClassVar[tuple[Family, ...]] = ()
    label: ClassVar[str] = "database"  # the word used in open errors ("not a usable …")

    def __init__(
        self, path: str | os.PathLike[str], *, checkpoint: Checkpoint | None = None
    ) -> None:
        self.path = str(path)
        self._checkpoint = checkpoint
        in_memory = self.path in ("", ":memory:")
        if not in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise InvalidInputError(f"{self.path}: cannot open the {self.label}: {exc}") from exc
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA busy_timeout = 5000")
            if not in_memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise InvalidInputError(
                f"{self.path}: not a usable SQLite {self.label}: {exc}"
            ) from exc
        except BaseException:
            self._conn.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception: all or nothing."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:  # some errors make SQLite roll back by itself
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _reach(self, point: str) -> None:
        """A write's critical point (inside its transaction, before COMMIT)."""
        if self._checkpoint is not None:
            self._checkpoint(point)

    # -- schema ----------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Bring every family up to its version in one transaction; refuse newer files."""
        with self._transaction() as conn:
            conn.execute(META_TABLE)
            for family in self.families:
                found = _version(conn, family)
                if found > family.version:
                    raise ChainMatchError(
                        f"{self.path}: {family.name} schema version {found} is newer than "
                        f"this ChainMatch supports ({family.version}); upgrade ChainMatch"
                    )
                if found == family.version:
                    continue
                for migration in family.migrations[found:]:
                    for statement in migration:
                        conn.execute(statement)
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (family.version_key, str(family.version)),
                )


def _version(conn: sqlite3.Connection, family: Family) -> int:
    """The version of ``family`` recorded in the file; 0 if none (new or pre-versioning)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (family.version_key,)).fetchone()
    return 0 if row is None else int(row[0])


def next_day_id(conn: sqlite3.Connection, table: str, prefix: str, day: dt.date) -> str:
    """The first free ``<prefix>-YYYYMMDD-n`` id of ``table`` for ``day`` (desk requests,
    challenges): readable, sortable by day, and never reused."""
    stem = f"{prefix}-{day:%Y%m%d}-"
    rows = conn.execute(f"SELECT id FROM {table} WHERE id LIKE ?", (stem + "%",))
    taken = {r[0] for r in rows}
    n = len(taken) + 1
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"
