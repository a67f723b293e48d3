"""CatalogStore: CRUD, filters, transactions and an exact round trip of any Organisation."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import (
    ChainMatchError,
    ChainPosition,
    ConflictError,
    Contact,
    InvalidInputError,
    NotFoundError,
    Organisation,
    OrgKind,
    OrgSize,
    Product,
    Qualification,
    Region,
)
from catalog.store import CatalogStore

CST = dt.timezone(dt.timedelta(hours=8))


def make_org(org_id: str, **fields: object) -> Organisation:
    data: dict[str, object] = {"id": org_id, "name": f"企业 {org_id}"}
    data.update(fields)
    return Organisation.model_validate(data)


RICH = Organisation(
    id="000123",
    name="杭州芯测科技有限公司",
    aliases=("芯测", "XinCe Tech"),
    kind=OrgKind.INSTITUTE,
    region=Region(province="浙江省", city="杭州市", park="滨江高新区"),
    chains=(
        ChainPosition(chain="ic", segment="ic.packaging"),
        ChainPosition(chain="ic", segment="ic.design"),
    ),
    offers=("晶圆级测试服务", "probe card repair"),
    needs=("探针卡采购", "ATE 机台租赁"),
    products=(Product(name="测试服务", share=0.6), Product(name="探针卡", share=0.25)),
    qualifications=(
        Qualification(name="ISO 9001", issuer="SGS", valid_until=dt.date(2027, 6, 30)),
        Qualification(name="高新技术企业"),
    ),
    size=OrgSize.MEDIUM,
    contacts=(Contact(name="王工", role="采购", phone="0571-8888 1234", email="wang@xince.cn"),),
    updated_at=dt.datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=CST),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CatalogStore]:
    with CatalogStore(tmp_path / "data" / "catalog.sqlite") as s:
        yield s


@pytest.fixture
def park(store: CatalogStore) -> CatalogStore:
    """Five organisations covering each filter."""
    store.upsert(
        [
            make_org(
                "a1",
                aliases=("Alpha Chip",),
                region={"park": "滨江"},
                chains=[{"chain": "ic", "segment": "ic.design"}],
                offers=["芯片设计"],
                needs=["流片"],
            ),
            make_org(
                "b2",
                kind="institute",
                chains=[{"chain": "ic", "segment": "ic.fab"}],
                region={"park": "滨江"},
                offers=["工艺研发"],
            ),
            make_org(
                "c3",
                kind="service",
                name="浙商银行科技支行",
                offers=["科技贷款"],
                needs=["优质客户"],
                products=[{"name": "贷款", "share": 1.0}],
            ),
            make_org(
                "d4",
                chains=[
                    {"chain": "pv", "segment": "pv.cell"},
                    {"chain": "ic", "segment": "ic.design"},
                ],
                qualifications=[{"name": "ISO 14001"}],
            ),
            make_org("e5", name="ALPHA Solar", region={"park": "钱塘"}),
        ]
    )
    return store


def test_round_trip_of_a_rich_organisation(store: CatalogStore) -> None:
    assert store.upsert([RICH]) == 1
    got = store.get("000123")
    assert got == RICH
    assert got.updated_at is not None and got.updated_at.utcoffset() == dt.timedelta(hours=8)
    assert got.chains[0].segment == "ic.packaging"  # order of tuples is kept


def test_file_is_wal_with_foreign_keys_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with CatalogStore(path) as s:
        s.upsert([RICH])
        assert s._conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    raw.close()
    assert tables == {
        "organisations",
        "statements",
        "chain_positions",
        "products",
        "qualifications",
        "contacts",
        "meta",
        "audit",  # the audit log's own family (catalog.audit), written with every change
    }
    with CatalogStore(path) as again:
        assert again.get("000123") == RICH
        assert again.get_meta("schema_version") == "1"


def test_upsert_replaces_child_rows(store: CatalogStore) -> None:
    store.upsert([RICH])
    smaller = RICH.model_copy(update={"offers": ("只剩一项",), "contacts": (), "products": ()})
    assert store.upsert([smaller]) == 1
    assert store.get(RICH.id) == smaller
    stats = store.stats()
    assert (stats["offers"], stats["needs"], stats["products"]) == (1, 2, 0)


def test_insert_refuses_existing_ids_and_writes_nothing(store: CatalogStore) -> None:
    store.insert([make_org("a1")])
    with pytest.raises(ConflictError, match=r"already exist: a1$"):
        store.insert([make_org("new"), make_org("a1", name="changed")])
    assert store.ids() == ["a1"]
    assert store.get("a1").name == "企业 a1"


def test_duplicate_ids_in_one_write_are_refused(store: CatalogStore) -> None:
    with pytest.raises(InvalidInputError, match="same id appears twice in one write: x"):
        store.upsert([make_org("x"), make_org("y"), make_org("x")])
    assert store.ids() == []


def test_get_unknown_raises_not_found(store: CatalogStore) -> None:
    with pytest.raises(NotFoundError) as info:
        store.get("nope")
    assert str(info.value) == "organisation 'nope' not found"
    assert (info.value.what, info.value.key) == ("organisation", "nope")


def test_get_many_keeps_the_order_asked(park: CatalogStore) -> None:
    assert [o.id for o in park.get_many(["e5", "a1", "e5"])] == ["e5", "a1", "e5"]
    assert park.get_many([]) == []
    with pytest.raises(NotFoundError, match="organisation 'zz' not found"):
        park.get_many(["a1", "zz"])


def test_list_and_count_filters(park: CatalogStore) -> None:
    def ids(**filters: Any) -> list[str]:
        found = [o.id for o in park.list(**filters)]
        if "limit" not in filters and "offset" not in filters:
            assert park.count(**filters) == len(found)
        return found

    assert ids() == ["a1", "b2", "c3", "d4", "e5"]
    assert ids(kind=OrgKind.ENTERPRISE) == ["a1", "d4", "e5"]
    assert ids(chain="ic") == ["a1", "b2", "d4"]
    assert ids(segment="ic.design") == ["a1", "d4"]
    assert ids(chain="pv", segment="ic.design") == []  # both must hold on one position
    assert ids(park="滨江") == ["a1", "b2"]
    assert ids(q="alpha") == ["a1", "e5"]  # name or alias, case-insensitive
    assert ids(q="银行") == ["c3"]
    assert ids(kind=OrgKind.ENTERPRISE, chain="ic", park="滨江") == ["a1"]
    assert ids(limit=2) == ["a1", "b2"]
    assert ids(limit=2, offset=2) == ["c3", "d4"]
    assert ids(offset=4) == ["e5"]
    assert park.count(chain="ic") == 3
    assert park.count(q="nothing") == 0


def test_list_rejects_bad_paging_and_kind(park: CatalogStore) -> None:
    with pytest.raises(InvalidInputError, match=r"limit must be between 0 and \d+; got -1"):
        park.list(limit=-1)
    with pytest.raises(InvalidInputError, match=r"offset must be between 0 and \d+; got -3"):
        park.list(offset=-3)
    with pytest.raises(InvalidInputError, match="expected kind one of enterprise, institute"):
        park.list(kind="company")  # type: ignore[arg-type]


def test_all_is_ordered_and_takes_a_handful_of_queries(store: CatalogStore) -> None:
    orgs = [RICH.model_copy(update={"id": f"org{i:03d}"}) for i in range(60, 0, -1)]
    store.upsert(orgs)
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    everything = store.all()
    store._conn.set_trace_callback(None)
    assert [o.id for o in everything] == sorted(o.id for o in orgs)
    assert everything[0] == orgs[-1]
    assert len(statements) == 6  # organisations + five child tables, not one per organisation
    assert store.ids() == [f"org{i:03d}" for i in range(1, 61)]


def test_delete_cascades_and_is_all_or_nothing(park: CatalogStore) -> None:
    with pytest.raises(NotFoundError, match="organisation 'zz' not found"):
        park.delete(["a1", "zz"])
    assert park.count() == 5
    assert park.delete(["a1", "c3", "a1"]) == 2
    assert park.ids() == ["b2", "d4", "e5"]
    leftover = park._conn.execute(
        "SELECT count(*) FROM statements WHERE org_id IN ('a1', 'c3')"
    ).fetchone()
    assert leftover == (0,)
    assert park.stats()["products"] == 0
    with pytest.raises(InvalidInputError, match="expected a list of ids; got the string 'b2'"):
        park.delete("b2")
    assert park.count() == 3


def test_stats(park: CatalogStore) -> None:
    assert park.stats() == {
        "organisations": 5,
        "by_kind": {"enterprise": 3, "institute": 1, "service": 1},
        "offers": 3,
        "needs": 2,
        "products": 1,
        "qualifications": 1,
    }


def test_meta(store: CatalogStore) -> None:
    assert store.get_meta("index_model") is None
    store.set_meta("index_model", "e5-small")
    store.set_meta("index_model", "e5-small@v2")
    assert store.get_meta("index_model") == "e5-small@v2"


def test_failed_upsert_rolls_back_everything(store: CatalogStore) -> None:
    store.upsert([make_org("old", offers=["原来的供给"])])
    store._conn.execute(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON products WHEN NEW.name = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
    )
    batch = [
        make_org("old", offers=["新的供给"]),
        make_org("first", products=[{"name": "fine", "share": 0.5}]),
        make_org("second", products=[{"name": "boom", "share": 0.5}]),
    ]
    with pytest.raises(sqlite3.IntegrityError, match="boom refused"):
        store.upsert(batch)
    assert store.ids() == ["old"]
    assert store.get("old").offers == ("原来的供给",)
    assert store.stats()["products"] == 0
    assert store.upsert(batch[:2]) == 2  # the connection is usable after the rollback


def test_closed_store_refuses_work(tmp_path: Path) -> None:
    with CatalogStore(tmp_path / "c.sqlite") as s:
        s.upsert([RICH])
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        s.ids()


def test_newer_schema_and_non_database_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with CatalogStore(path) as s:
        s.set_meta("schema_version", "99")
    with pytest.raises(ChainMatchError, match="schema version 99 is newer"):
        CatalogStore(path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(InvalidInputError, match="not a usable SQLite catalog"):
        CatalogStore(junk)
    (tmp_path / "a_dir").mkdir()
    with pytest.raises(InvalidInputError, match="a_dir: cannot open the catalog"):
        CatalogStore(tmp_path / "a_dir")


# -- property test: any valid Organisation survives the round trip ------------------------

_TEXT = st.characters(exclude_categories=["Cs"])


def _short(max_size: int = 12) -> st.SearchStrategy[str]:
    return st.text(_TEXT, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _statement() -> st.SearchStrategy[str]:
    return st.text(_TEXT, min_size=2, max_size=30).map(str.strip).filter(lambda t: len(t) >= 2)


_TZ = st.none() | st.integers(-1439, 1439).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@st.composite
def organisations(draw: st.DrawFn) -> Organisation:
    n_products = draw(st.integers(0, 3))
    share = st.floats(0.0, 1.0 / max(n_products, 1))
    return Organisation(
        id=draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,10}", fullmatch=True)),
        name=draw(_short()),
        aliases=tuple(draw(st.lists(_short(), max_size=3))),
        kind=draw(st.sampled_from(OrgKind)),
        region=Region(
            province=draw(_short()), city=draw(_short()), park=draw(st.none() | _short())
        ),
        chains=tuple(
            ChainPosition(chain=c, segment=s)
            for c, s in draw(st.lists(st.tuples(_short(), _short()), max_size=3))
        ),
        offers=tuple(draw(st.lists(_statement(), max_size=3))),
        needs=tuple(draw(st.lists(_statement(), max_size=3))),
        products=tuple(Product(name=draw(_short()), share=draw(share)) for _ in range(n_products)),
        qualifications=tuple(
            Qualification(name=n, issuer=i, valid_until=v)
            for n, i, v in draw(
                st.lists(
                    st.tuples(_short(), st.none() | _short(), st.none() | st.dates()), max_size=2
                )
            )
        ),
        size=draw(st.none() | st.sampled_from(OrgSize)),
        contacts=tuple(
            Contact(
                name=draw(_short()),
                role=draw(st.none() | _short()),
                phone=draw(st.none() | st.from_regex(r"[0-9+\-() ]{3,32}", fullmatch=True)),
                email=draw(
                    st.none()
                    | st.from_regex(r"[a-z0-9.]{1,8}@[a-z]{1,8}\.[a-z]{2,4}", fullmatch=True)
                ),
            )
            for _ in range(draw(st.integers(0, 2)))
        ),
        updated_at=draw(st.none() | st.datetimes(timezones=_TZ)),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(organisations(), max_size=4, unique_by=lambda o: o.id))
def test_round_trip_property(orgs: list[Organisation]) -> None:
    with CatalogStore(":memory:") as s:
        assert s.upsert(orgs) == len(orgs)
        expected = sorted(orgs, key=lambda o: o.id)
        assert s.all() == expected
        assert s.get_many([o.id for o in orgs]) == orgs
        for org in orgs:
            got = s.get(org.id)
            assert got == org
            if org.updated_at is not None:
                assert got.updated_at is not None
                assert got.updated_at.utcoffset() == org.updated_at.utcoffset()


def test_paging_values_beyond_sqlite_integers_are_refused() -> None:
    """Found by schemathesis: an offset of 2**63 used to escape as an OverflowError."""
    from catalog.errors import InvalidInputError
    from catalog.store import CatalogStore

    with CatalogStore(":memory:") as store:
        with pytest.raises(InvalidInputError, match="offset must be between 0 and"):
            store.list(offset=2**63)
        with pytest.raises(InvalidInputError, match="limit must be between 0 and"):
            store.list(limit=2**64)
        assert store.list(offset=2**63 - 1) == []
