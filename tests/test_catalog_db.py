"""The SQLite base: files written before schema versions open with their data; migrations
run once, in order, all or nothing; newer files and non-databases are refused by name."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from catalog.db import Family, SQLiteStore
from catalog.errors import ChainMatchError, InvalidInputError
from catalog.events import EventStore, OutcomeStatus, SolveStatus, parse_event
from catalog.store import CatalogStore

# The exact DDL of the stores before `catalog.db` (catalog SCHEMA_VERSION 1, events without a
# version), frozen here: changing the live DDL must not change what this test opens.
CATALOG_DDL_V1 = (
    """
CREATE TABLE IF NOT EXISTS organisations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'institute', 'service')),
        province TEXT NOT NULL, city TEXT NOT NULL, park TEXT,
        size TEXT CHECK (size IS NULL OR size IN ('micro', 'small', 'medium', 'large')),
        updated_at TEXT, aliases TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS statements (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, role TEXT NOT NULL CHECK (role IN ('offer', 'need')), """
    """text TEXT NOT NULL,
        PRIMARY KEY (org_id, role, position));
CREATE TABLE IF NOT EXISTS chain_positions (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, chain TEXT NOT NULL, segment TEXT NOT NULL,
        PRIMARY KEY (org_id, position));
CREATE TABLE IF NOT EXISTS products (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, share REAL NOT NULL,
        PRIMARY KEY (org_id, position));
CREATE TABLE IF NOT EXISTS qualifications (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, issuer TEXT, valid_until TEXT,
        PRIMARY KEY (org_id, position));
CREATE TABLE IF NOT EXISTS contacts (
        org_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL, name TEXT NOT NULL, role TEXT, phone TEXT, email TEXT,
        PRIMARY KEY (org_id, position));
CREATE INDEX IF NOT EXISTS chain_positions_chain ON chain_positions (chain, segment);
CREATE INDEX IF NOT EXISTS chain_positions_segment ON chain_positions (segment);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
)
EVENTS_DDL_UNVERSIONED = """
CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, date TEXT NOT NULL,
        definition TEXT NOT NULL, names TEXT NOT NULL, shortlist TEXT NOT NULL,
        objective REAL NOT NULL, bound REAL NOT NULL, gap REAL NOT NULL,
        status TEXT NOT NULL, solve_seconds REAL NOT NULL, candidate_pairs INTEGER NOT NULL,
        created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_meetings (
        event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        a TEXT NOT NULL, b TEXT NOT NULL, slot INTEGER NOT NULL, table_no INTEGER NOT NULL,
        score REAL NOT NULL, requested TEXT, relation TEXT NOT NULL, links TEXT NOT NULL,
        PRIMARY KEY (event_id, a, b), UNIQUE (event_id, slot, table_no), CHECK (a < b));
CREATE TABLE IF NOT EXISTS event_outcomes (
        event_id TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('held', 'no_show', 'signed', 'follow_up')),
        supplier TEXT, note TEXT, recorded_at TEXT NOT NULL,
        PRIMARY KEY (event_id, a, b),
        FOREIGN KEY (event_id, a, b) REFERENCES event_meetings (event_id, a, b)
            ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS events_date ON events (date);
"""
LINK = '[{"needer": "a", "need": "需要晶圆", "offerer": "b", "offer": "供应晶圆", "score": 0.9}]'
DEFINITION = parse_event(
    {"id": "ev-old", "name": "旧对接会", "date": "2026-12-01", "slots": ["09:00"], "tables": 1}
).model_dump_json()


def old_file(path: Path, *, catalog: bool = True) -> Path:
    """A park file as the stores before `catalog.db` left it, rows written by hand."""
    with sqlite3.connect(path) as conn:
        if catalog:
            conn.executescript(CATALOG_DDL_V1)
            conn.executescript(
                "INSERT INTO meta VALUES ('schema_version', '1');"
                "INSERT INTO organisations VALUES ('o1', '甲公司', 'enterprise', '浙江省', "
                "'杭州市', '滨江', 'small', NULL, '[\"甲\"]');"
                "INSERT INTO statements VALUES ('o1', 0, 'offer', '供应晶圆');"
                "INSERT INTO statements VALUES ('o1', 0, 'need', '需要检测');"
                "INSERT INTO chain_positions VALUES ('o1', 0, 'ic', 'ic.design');"
                "INSERT INTO products VALUES ('o1', 0, '晶圆', 0.5);"
            )
        conn.executescript(EVENTS_DDL_UNVERSIONED)
        conn.execute(
            "INSERT INTO events VALUES ('ev-old', '旧对接会', '2026-12-01', ?, "
            '\'{"a": "甲", "b": "乙"}\', \'[]\', 0.9, 0.9, 0.0, \'optimal\', 1.5, 1, '
            "'2026-11-30T08:00:00+00:00')",
            (DEFINITION,),
        )
        conn.execute(
            "INSERT INTO event_meetings VALUES ('ev-old', 'a', 'b', 1, 1, 0.9, NULL, '', ?)",
            (LINK,),
        )
        conn.execute(
            "INSERT INTO event_outcomes VALUES ('ev-old', 'a', 'b', 'signed', 'b', '签约', "
            "'2026-12-01T10:00:00+00:00')"
        )
    conn.close()
    return path


AUDIT_OBJECTS = {"audit", "audit_entity", "audit_at", "audit_no_update", "audit_no_delete"}


def meta(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        found = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    return found


def ddl(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    conn.close()
    return found


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        found = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    conn.close()
    return found


OLD_COLUMNS = {  # the event tables' columns in EVENTS_DDL_UNVERSIONED, in order
    "events": [
        "id",
        "name",
        "date",
        "definition",
        "names",
        "shortlist",
        "objective",
        "bound",
        "gap",
        "status",
        "solve_seconds",
        "candidate_pairs",
        "created_at",
    ],
    "event_meetings": [
        "event_id",
        "a",
        "b",
        "slot",
        "table_no",
        "score",
        "requested",
        "relation",
        "links",
    ],
}


def test_a_file_written_before_versions_opens_with_its_data(tmp_path: Path) -> None:
    path = old_file(tmp_path / "catalog.sqlite")
    before = ddl(path)
    with CatalogStore(path) as catalog, EventStore(path) as events:
        org = catalog.get("o1")
        assert (org.name, org.aliases, org.offers, org.needs) == (
            "甲公司",
            ("甲",),
            ("供应晶圆",),
            ("需要检测",),
        )
        assert org.chains[0].segment == "ic.design" and org.products[0].share == 0.5
        plan = events.get_plan("ev-old")
        assert (plan.status, plan.names, plan.meetings[0].supplier()) == (
            SolveStatus.OPTIMAL,
            {"a": "甲", "b": "乙"},
            "b",
        )
        assert plan.created_at == dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC)
        [outcome] = events.outcomes("ev-old")
        assert (outcome.status, outcome.note) == (OutcomeStatus.SIGNED, "签约")
        # events migration 2: meetings from before it had their reasons, so none is
        # exploratory, and the plan left no table empty for want of evidence
        assert (plan.meetings[0].exploratory, plan.meetings[0].rests_on) == (False, ())
        assert plan.declined_exploratory == 0
        # events migration 3: no history note, no meeting made a wish by a follow-up
        assert (plan.history, plan.meetings[0].follow_up) == (None, "")
        [past] = events.past_meetings()
        assert (past.event_id, past.a, past.b, past.status) == (
            "ev-old",
            "a",
            "b",
            OutcomeStatus.SIGNED,
        )
        events.save_plan(plan.model_copy(update={"event": plan.event.with_id("ev-new")}))
        assert [p.event.id for p in events.list_plans()] == ["ev-new", "ev-old"]
    # nothing re-created: only events migrations 2 and 3 altered the two event tables,
    # adding exactly their columns, and migration 3 added the two meeting indexes; the
    # audit family added its own table, indexes and triggers
    after = ddl(path)
    altered = {"events", "event_meetings"}
    indexes = {
        "event_meetings_a": "CREATE INDEX event_meetings_a ON event_meetings (a)",
        "event_meetings_b": "CREATE INDEX event_meetings_b ON event_meetings (b)",
    }
    assert set(after) - set(before) == AUDIT_OBJECTS | set(indexes)
    assert {k: v for k, v in after.items() if k not in altered | AUDIT_OBJECTS} == {
        **{k: v for k, v in before.items() if k not in altered},
        **indexes,
    }
    assert columns(path, "events") == [*OLD_COLUMNS["events"], "declined_exploratory", "history"]
    assert columns(path, "event_meetings") == [
        *OLD_COLUMNS["event_meetings"],
        "exploratory",
        "rests_on",
        "follow_up",
    ]
    assert meta(path) == {
        "schema_version": "1",
        "schema_version.events": "3",
        "schema_version.audit": "1",
    }


def test_an_events_only_file_without_meta_is_adopted(tmp_path: Path) -> None:
    path = old_file(tmp_path / "catalog.sqlite", catalog=False)
    with EventStore(path) as events:
        assert events.outcomes("ev-old")[0].supplier == "b"
    with CatalogStore(path) as catalog:
        assert catalog.count() == 0
    assert meta(path) == {
        "schema_version.events": "3",
        "schema_version": "1",
        "schema_version.audit": "1",
    }


def test_new_stores_create_exactly_the_old_layout_upgraded(tmp_path: Path) -> None:
    """Same tables, columns, constraints and indexes, statement for statement, as the old
    layout once the stores' migrations ran on it (events migrations 2 and 3 added columns
    and indexes: a new
    file is an old one upgraded, never a layout of its own)."""
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as conn:
        conn.executescript(CATALOG_DDL_V1 + EVENTS_DDL_UNVERSIONED)
    conn.close()
    frozen = ddl(old)
    CatalogStore(old).close()
    EventStore(old).close()
    new = tmp_path / "new.sqlite"
    CatalogStore(new).close()
    EventStore(new).close()
    assert ddl(new) == ddl(old)
    unaltered = {k: v for k, v in frozen.items() if k not in ("events", "event_meetings")}
    assert {k: v for k, v in ddl(new).items() if k in unaltered} == unaltered


class Notes(SQLiteStore):
    families = (
        Family(
            "notes",
            "schema_version.notes",
            migrations=(("CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY)",),),
        ),
    )


def test_migrations_run_once_in_order_and_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "park.sqlite"
    with Notes(path) as v1:
        with v1._transaction() as conn:
            conn.execute("INSERT INTO notes VALUES ('n1')")
    v2 = Family(
        "notes",
        "schema_version.notes",
        migrations=(
            *Notes.families[0].migrations,
            ("ALTER TABLE notes ADD COLUMN body TEXT DEFAULT ''",),
        ),
    )
    broken = Family(
        "notes",
        "schema_version.notes",
        migrations=(*v2.migrations, ("CREATE TABLE tags (id TEXT)", "THIS IS NOT SQL")),
    )

    class NotesV2(SQLiteStore):
        families = (v2,)

    class NotesBroken(SQLiteStore):
        families = (broken,)

    for _ in range(2):  # the second open finds version 2: ALTER TABLE would fail if re-run
        with NotesV2(path) as store:
            assert store._conn.execute("SELECT id, body FROM notes").fetchall() == [("n1", "")]
    assert meta(path) == {"schema_version.notes": "2"}
    with pytest.raises(InvalidInputError, match="not a usable SQLite database"):
        NotesBroken(path)
    assert meta(path) == {"schema_version.notes": "2"} and "tags" not in ddl(path)
    with pytest.raises(
        ChainMatchError,
        match="notes schema version 2 is newer than this ChainMatch supports \\(1\\)",
    ):
        Notes(path)


def test_newer_event_tables_and_non_databases_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    with EventStore(path) as store, store._transaction() as conn:
        conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version.events'")
    with pytest.raises(ChainMatchError, match="events schema version 9 is newer"):
        EventStore(path)
    with CatalogStore(path) as catalog:  # the catalog's own tables are not held back
        assert catalog.count() == 0
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InvalidInputError, match="junk.sqlite: not a usable SQLite database"):
        EventStore(junk)
    (tmp_path / "a_dir").mkdir()
    with pytest.raises(InvalidInputError, match="a_dir: cannot open the database"):
        EventStore(tmp_path / "a_dir")
