"""Event storage in the catalog's SQLite file, outcomes, stats and the gold export."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.errors import ConflictError, InvalidInputError, NotFoundError
from catalog.events import (
    EventStore,
    Link,
    Meeting,
    Outcome,
    OutcomeStatus,
    Plan,
    SolveStatus,
    event_stats,
    gold_lines,
    load_outcomes,
    parse_event,
    parse_outcome,
    totals,
    write_gold,
)
from catalog.store import CatalogStore
from tests.conftest import SHARED_DATA
from tests.synthetic import checkerboard


def make_plan(**event: object) -> Plan:
    ev = parse_event(
        {
            "name": "测试对接会",
            "date": "2026-12-01",
            "slots": ["09:00", "09:20"],
            "tables": 2,
            "participants": ["a", "b", "c", "d"],
        }
        | event
    )
    link = Link(needer="a", need="需要晶圆", offerer="b", offer="供应晶圆", score=0.9)
    back = Link(needer="d", need="需要检测", offerer="c", offer="检测服务", score=0.8)
    meetings = (
        Meeting(slot=1, table=1, a="a", b="b", score=0.9, links=(link,)),
        Meeting(slot=1, table=2, a="c", b="d", score=0.8, links=(back,)),
        Meeting(slot=2, table=1, a="a", b="c", score=0.5),
        Meeting(slot=2, table=2, a="b", b="d", score=0.4),
    )
    return Plan(
        event=ev,
        names={"a": "甲公司", "b": "乙公司", "c": "丙研究院", "d": "丁检测"},
        meetings=meetings,
        objective=2.6,
        bound=2.6,
        gap=0.0,
        status=SolveStatus.OPTIMAL,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    with EventStore(tmp_path / "catalog.sqlite") as s:
        yield s


def test_save_and_load_round_trip_with_generated_ids(store: EventStore) -> None:
    first = store.save_plan(make_plan())
    second = store.save_plan(make_plan())
    assert (first.event.id, second.event.id) == ("ev-20261201-1", "ev-20261201-2")
    loaded = store.get_plan("ev-20261201-1")
    assert loaded.model_dump(exclude={"created_at"}) == first.model_dump(exclude={"created_at"})
    assert [p.event.id for p in store.list_plans()] == ["ev-20261201-1", "ev-20261201-2"]
    with pytest.raises(NotFoundError, match="event 'nope' not found"):
        store.get_plan("nope")


def test_replanning_needs_replace_and_no_outcomes(store: EventStore) -> None:
    plan = store.save_plan(make_plan(id="nev-1"))
    with pytest.raises(ConflictError, match="already exists"):
        store.save_plan(plan)
    store.save_plan(plan, replace=True)
    store.record_outcome("nev-1", Outcome(a="b", b="a", status=OutcomeStatus.HELD))
    with pytest.raises(ConflictError, match="1 recorded outcome"):
        store.save_plan(plan, replace=True)


def test_a_failed_save_writes_nothing(store: EventStore) -> None:
    plan = make_plan()
    clash = plan.meetings[0].model_copy(update={"a": "c", "b": "e"})  # same slot and table
    bad = plan.model_copy(update={"meetings": (*plan.meetings, clash)})
    with pytest.raises(sqlite3.IntegrityError):
        store.save_plan(bad)
    assert store.list_plans() == []


def test_plans_stored_with_offset_slot_times_still_load(store: EventStore) -> None:
    """Before offsets were refused, an event could be planned (and stored) with slot times
    like "09:00Z"; its agendas used the local time and ignored the offset, and still do."""
    store.save_plan(make_plan(id="old"))
    with sqlite3.connect(store.path) as conn:
        (definition,) = conn.execute("SELECT definition FROM events WHERE id = 'old'").fetchone()
        doc = json.loads(definition) | {"slots": ["09:00:00Z", "09:20:00Z"]}
        conn.execute("UPDATE events SET definition = ? WHERE id = 'old'", (json.dumps(doc),))
    event = store.get_plan("old").event
    assert [f"{t}" for t in event.slots] == ["09:00:00", "09:20:00"]
    assert f"{event.slot_start(1):%H:%M%z}" == "09:00+0800"
    with pytest.raises(InvalidInputError, match="slots: slot 1 .* has a UTC offset"):
        parse_event(doc)


def test_events_live_beside_the_catalog(tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    with CatalogStore(db) as catalog:
        catalog.upsert(checkerboard())
        with EventStore(db) as events:
            events.save_plan(make_plan())
        assert catalog.count() == 18
    with EventStore(db) as events, CatalogStore(db) as catalog:
        assert len(events.list_plans()) == 1 and catalog.count() == 18


def test_outcomes_stats_and_gold(store: EventStore, tmp_path: Path) -> None:
    plan = store.save_plan(make_plan())
    eid = plan.event.id or ""
    # signed without a supplier: the side whose offer met the other's need supplies
    got = store.record_outcome(eid, Outcome(a="b", b="a", status=OutcomeStatus.SIGNED))
    assert (got.a, got.b, got.supplier, got.buyer) == ("a", "b", "b", "a")
    store.record_outcomes(
        eid,
        [
            Outcome(a="c", b="d", status=OutcomeStatus.NO_SHOW),
            Outcome(a="a", b="c", status=OutcomeStatus.FOLLOW_UP, note="下周再谈"),
        ],
    )
    with pytest.raises(InvalidInputError, match="no need→offer link"):
        store.record_outcome(eid, Outcome(a="b", b="d", status=OutcomeStatus.SIGNED))
    with pytest.raises(NotFoundError, match="meeting 'a–d in event"):
        store.record_outcomes(
            eid,
            [
                Outcome(a="b", b="d", status=OutcomeStatus.HELD),
                Outcome(a="a", b="d", status="held"),
            ],
        )
    outcomes = store.outcomes(eid)
    assert len(outcomes) == 3  # the failed batch recorded nothing, not even b–d
    stats = event_stats(plan, outcomes)
    assert (stats.meetings, stats.recorded, stats.pending) == (4, 3, 1)
    assert (stats.held, stats.no_show, stats.signed, stats.follow_up) == (2, 1, 1, 1)
    assert stats.no_show_rate == pytest.approx(1 / 3, abs=1e-4)
    assert stats.cooperation_rate == 0.5 and stats.companies_with_partner == 2
    total = totals([(plan, outcomes), (plan.model_copy(), [])])
    assert (total.events, total.companies, total.meetings, total.signed) == (2, 4, 8, 1)

    lines = gold_lines(plan, outcomes)
    assert lines == [
        {
            "query": "a",
            "supplier": "b",
            "query_need": "需要晶圆",
            "supplier_offer": "供应晶圆",
            "event": eid,
            "date": "2026-12-01",
        }
    ]
    path = tmp_path / "gold.jsonl"
    assert write_gold(path, lines) == 1
    assert [json.loads(x) for x in path.read_text("utf-8").splitlines()] == lines


def test_gold_lines_have_the_fields_of_the_ashare_gold_files() -> None:
    shared = SHARED_DATA / "ashare" / "gold_supplier_dev.jsonl"
    if not shared.exists():
        pytest.skip(f"{shared} is absent")
    with open(shared, encoding="utf-8") as fh:
        theirs = json.loads(fh.readline())
    plan = make_plan()
    ours = gold_lines(plan, [Outcome(a="a", b="b", status="signed", supplier="b")])[0]
    for key in ("query", "supplier"):
        assert isinstance(theirs[key], str) and isinstance(ours[key], str)


def test_outcome_input_is_validated() -> None:
    with pytest.raises(InvalidInputError, match="supplier: z is neither a nor b"):
        parse_outcome({"a": "a", "b": "b", "status": "signed", "supplier": "z"})
    with pytest.raises(InvalidInputError, match="status"):
        parse_outcome({"a": "a", "b": "b", "status": "married"})
    with pytest.raises(InvalidInputError, match="a twice"):
        parse_outcome({"a": "a", "b": "a", "status": "held"})


def test_outcomes_from_csv(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("a,b,status,supplier,note\nb,a,signed,b,签约\nc,d,no_show,,\n", "utf-8-sig")
    got = load_outcomes(good)
    assert [(o.a, o.b, o.status.value, o.supplier) for o in got] == [
        ("a", "b", "signed", "b"),
        ("c", "d", "no_show", None),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,status\na,b,held\na,b,lost\nc,c,held\n", "utf-8")
    with pytest.raises(InvalidInputError) as info:
        load_outcomes(bad)
    assert "2 invalid row(s), nothing recorded" in str(info.value)
    assert "row 3: status" in str(info.value) and "row 4: " in str(info.value)
