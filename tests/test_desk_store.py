"""Desk storage: an existing park file upgrades in place with nothing lost, the log only
grows, and bad input is refused by field with nothing written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from catalog.desk import DESK, Actor, DeskStore, Move, NewRequest, Role, State
from catalog.errors import ChainMatchError, InvalidInputError, NotFoundError, PermissionDeniedError
from catalog.events import EventStore
from catalog.models import Organisation
from catalog.store import CatalogStore
from tests.test_catalog_db import old_file

DATA = Path(__file__).parent / "data"
# `iterdump` of a park file written by main at 397c47f (catalog v1, events v2, no desk):
# two organisations, one event with a signed outcome. Frozen: the live DDL may change.
MAIN_397C47F = DATA / "catalog_397c47f.sql"
T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Hangzhou, a Tuesday
STAFF = Actor.staff("王敏")


def _dump(path: Path, skip: str = "desk") -> list[str]:
    """Every table's rows and schema except the desk's and meta's, as SQL lines."""
    conn = sqlite3.connect(path)
    try:
        return [
            line
            for line in conn.iterdump()
            if skip not in line and '"meta"' not in line and "TABLE meta" not in line
        ]
    finally:
        conn.close()


def _main_file(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(MAIN_397C47F.read_text("utf-8"))
    conn.close()
    return path


def test_a_file_from_main_upgrades_in_place_with_nothing_lost(tmp_path: Path) -> None:
    path = _main_file(tmp_path / "park.sqlite")
    before = _dump(path)
    with DeskStore(path) as desk:
        assert desk.count() == 0
        req = desk.file(
            NewRequest(org_id="old-0001", text="需要PCB可靠性测试", kind="technology"),
            actor=STAFF,
            at=T0,
        )
    assert _dump(path) == before  # every catalog and event row and table as it was
    conn = sqlite3.connect(path)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    assert meta["schema_version.desk"] == str(DESK.version) == "1"
    assert meta["schema_version"] == "1" and meta["schema_version.events"] == "2"
    assert meta["source"] == "old park"
    with CatalogStore(path) as cat:
        assert [o.name for o in cat.all()] == ["甲半导体", "乙检测"]
    with EventStore(path) as events:
        assert [o.supplier for o in events.outcomes("ev-old")] == ["old-0002"]
    with DeskStore(path) as desk:  # opening again migrates nothing
        assert [r.id for r in desk.requests()] == [req.id] == ["dr-20261201-1"]


def test_a_file_from_before_schema_versions_upgrades_too(tmp_path: Path) -> None:
    """The catalog as ef28b04 left it (no versions, no desk)."""
    path = old_file(tmp_path / "old.sqlite")
    before = _dump(path)
    with DeskStore(path) as desk:
        req = desk.file(NewRequest(org_id="o1", text="找检测", kind="supply"), actor=STAFF, at=T0)
    assert req.state is State.NEW and req.org_id == "o1"
    assert _dump(path) == before


def test_a_newer_desk_schema_is_refused(tmp_path: Path) -> None:
    path = _main_file(tmp_path / "park.sqlite")
    DeskStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version.desk'")
    conn.commit()
    conn.close()
    with pytest.raises(ChainMatchError, match="desk schema version 9 is newer"):
        DeskStore(path)


@pytest.fixture
def desk(tmp_path: Path) -> DeskStore:
    path = tmp_path / "park.sqlite"
    with CatalogStore(path) as cat:
        cat.upsert([Organisation(id="co-1", name="甲公司"), Organisation(id="co-2", name="乙公司")])
    return DeskStore(path)


def test_sql_cannot_change_or_delete_history(desk: DeskStore) -> None:
    req = desk.file(NewRequest(org_id="co-1", text="找供应商", kind="supply"), actor=STAFF, at=T0)
    desk.move(req.id, Move(State.ACCEPTED), actor=STAFF, at=T0 + dt.timedelta(hours=1))
    for sql in (
        "UPDATE desk_log SET to_state = 'closed'",
        "UPDATE desk_log SET at = '2020-01-01T00:00:00+00:00' WHERE seq = 1",
        "DELETE FROM desk_log WHERE seq = 2",
        "UPDATE desk_requests SET text = '改写'",
        "DELETE FROM desk_requests",
        "INSERT OR REPLACE INTO desk_log (request_id, seq, at, actor, role, action, "
        "from_state, to_state) VALUES ('dr-20261201-1', 2, 'x', 'x', 'staff', 'moved', "
        "'new', 'closed')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="desk history is append-only"):
            desk._conn.execute(sql)
    again = desk.get(req.id)
    assert [(e.seq, e.to_state) for e in again.log] == [(1, State.NEW), (2, State.ACCEPTED)]
    assert again.text == "找供应商"


def test_bad_input_names_the_field_and_writes_nothing(desk: DeskStore) -> None:
    cases = [
        (NewRequest(org_id="nobody", text="找供应商", kind="supply"), "org_id: no organisation"),
        (
            NewRequest(
                org_id="co-1", text="找供应商", kind="supply", needed_by=dt.date(2026, 11, 30)
            ),
            "needed_by: 2026-11-30 is in the past",
        ),
    ]
    for new, message in cases:
        with pytest.raises(InvalidInputError, match=message):
            desk.file(new, actor=STAFF, at=T0)
    with pytest.raises(ValueError, match="kind: 'money' is not a request kind; expected one of"):
        NewRequest(org_id="co-1", text="找钱", kind="money")
    company = Actor("甲公司 张三", Role.COMPANY, org_id="co-2")
    with pytest.raises(
        PermissionDeniedError, match="org_id: company 'co-2' cannot file for 'co-1'"
    ):
        desk.file(NewRequest(org_id="co-1", text="找供应商", kind="supply"), actor=company)
    assert desk.count() == 0
    req = desk.file(NewRequest(org_id="co-1", text="找供应商", kind="partner"), actor=STAFF, at=T0)
    assert req.kind.value == "supply"
    with pytest.raises(InvalidInputError, match="at: .* is before the request's last entry"):
        desk.move(req.id, Move(State.ACCEPTED), actor=STAFF, at=T0 - dt.timedelta(seconds=1))
    with pytest.raises(InvalidInputError, match="solver: no organisation 'ghost'"):
        desk.move(req.id, Move(State.ACCEPTED, solver="ghost"), actor=STAFF, at=T0)
    with pytest.raises(InvalidInputError, match="into: no request 'dr-0' to merge into"):
        desk.move(req.id, Move(State.MERGED, into="dr-0"), actor=STAFF, at=T0)
    with pytest.raises(NotFoundError, match="request 'dr-0' not found"):
        desk.move("dr-0", Move(State.ACCEPTED), actor=STAFF)
    assert [e.seq for e in desk.get(req.id).log] == [1]


def test_requests_read_back_in_filing_order_with_their_logs(desk: DeskStore) -> None:
    a = desk.file(NewRequest(org_id="co-1", text="找供应商", kind="supply"), actor=STAFF, at=T0)
    b = desk.file(
        NewRequest(org_id="co-2", text="申请算力券", kind="policy", links=("https://x.cn/1",)),
        actor=Actor("乙公司 李四", Role.COMPANY, org_id="co-2"),
        at=T0 + dt.timedelta(minutes=5),
    )
    desk.move(a.id, Move(State.ACCEPTED), actor=STAFF, at=T0 + dt.timedelta(hours=2))
    got = desk.requests()
    assert [r.id for r in got] == ["dr-20261201-1", "dr-20261201-2"]
    assert [r.state for r in got] == [State.ACCEPTED, State.NEW]
    assert got[1].links == ("https://x.cn/1",) and got[1].filed_by == "乙公司 李四"
    assert got[1].log[0].role is Role.COMPANY
    assert [r.id for r in desk.requests(org_id="co-2")] == [b.id]
    assert [len(r.log) for r in desk.requests(ids=[a.id])] == [2]
