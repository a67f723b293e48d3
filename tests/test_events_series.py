"""Series stats worked by hand on a three-event history stored in a real event store.

Park: a, b, c, f in the NEV chain, d, e in IC (f never comes).

| event | date | theme | participants | meetings (outcome) |
|---|---|---|---|---|
| ev-1 | 2026-01-10 | nev | a b c d | a-b held, c-d signed, a-c no_show |
| ev-2 | 2026-01-20 | ic | a b d e | a-b follow_up, d-e held, a-d (none recorded) |
| ev-3 | 2026-02-05 | nev | a b c e | a-b signed, a-c held, c-e no_show |

Served (a held meeting at the event): a 3 events, b 3, c 2, d 2, e 1 → once 1 (e), several
4, never 1 (f). Repeats: a-b at ev-2 (met at ev-1: held) is a repeat; a-b at ev-3 follows
ev-2's follow-up; a-c at ev-3 is new (ev-1 was a no-show). 1 repeat in 9 meetings = 0.1111.
Partners: c, d (ev-1), a, b (ev-3): 4 of 5 companies = 0.8.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.events import (
    REFERENCE_RATE,
    ChainRow,
    EventStore,
    Meeting,
    MonthRow,
    Outcome,
    OutcomeStatus,
    Plan,
    SolveStatus,
    parse_event,
    series_stats,
)

UNIVERSE = {"a": ["nev"], "b": ["nev"], "c": ["nev"], "f": ["nev"], "d": ["ic"], "e": ["ic"]}
NAMES = {"nev": "新能源汽车", "ic": "集成电路"}
EVENTS = [
    (
        "ev-1",
        "2026-01-10",
        "nev",
        [("a", "b", "held"), ("c", "d", "signed"), ("a", "c", "no_show")],
    ),
    ("ev-2", "2026-01-20", "ic", [("a", "b", "follow_up"), ("d", "e", "held"), ("a", "d", "")]),
    (
        "ev-3",
        "2026-02-05",
        "nev",
        [("a", "b", "signed"), ("a", "c", "held"), ("c", "e", "no_show")],
    ),
]


def stored(event_id: str, day: str, chain: str, meetings: list[tuple[str, str, str]]) -> Plan:
    people = sorted({x for a, b, _ in meetings for x in (a, b)})
    ev = parse_event(
        {
            "id": event_id,
            "name": event_id,
            "date": day,
            "theme": {"chains": [chain]},
            "slots": ["09:00", "09:20", "09:40"],
            "tables": 2,
            "participants": people,
        }
    )
    rows = tuple(
        Meeting(slot=k, table=1, a=a, b=b, score=0.5) for k, (a, b, _) in enumerate(meetings, 1)
    )
    return Plan(
        event=ev, names={}, meetings=rows, objective=0, bound=0, gap=0, status=SolveStatus.OPTIMAL
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    with EventStore(tmp_path / "catalog.sqlite") as s:
        for event_id, day, chain, meetings in reversed(EVENTS):  # stored out of order
            s.save_plan(stored(event_id, day, chain, meetings))
            done = [
                Outcome(a=a, b=b, status=OutcomeStatus(st), supplier=a if st == "signed" else None)
                for a, b, st in meetings
                if st
            ]
            s.record_outcomes(event_id, done)
        yield s


def test_series_stats_by_hand(store: EventStore) -> None:
    series = store.series()
    assert [p.event.id for p, _ in series] == ["ev-1", "ev-2", "ev-3"]
    s = series_stats(series, UNIVERSE, chain_names=NAMES)
    assert (s.events, s.meetings, s.held, s.park, s.companies) == (3, 9, 6, 6, 5)
    assert (s.served_once, s.served_several, s.never_served) == (1, 4, 1)
    assert (s.repeat_pairs, s.follow_up_repeats, s.repeat_pair_rate) == (1, 1, 0.1111)
    assert (s.partner_found, s.partner_found_rate) == (4, 0.8)
    assert s.reference_rate == REFERENCE_RATE == 0.05  # 274 / 5,478 = 0.0500
    assert s.months == (
        MonthRow(month="2026-01", events=2, companies=5, partner_found=2, partner_found_rate=0.4),
        MonthRow(month="2026-02", events=1, companies=4, partner_found=2, partner_found_rate=0.5),
    )
    assert s.chains == (
        ChainRow(
            chain="ic",
            name="集成电路",
            events=1,
            park=2,
            companies=2,
            served=2,
            never_served=0,
            partner_found=1,
            partner_found_rate=0.5,
        ),
        ChainRow(
            chain="nev",
            name="新能源汽车",
            events=2,
            park=4,
            companies=3,
            served=3,
            never_served=1,
            partner_found=3,
            partner_found_rate=1.0,
        ),
    )


def test_one_chain_and_a_start_date(store: EventStore) -> None:
    # ev-1 and ev-3 only: a-b at ev-3 now repeats ev-1's held meeting (ev-2 is not in it);
    # e came to ev-3 but its one meeting was a no-show, so e and f were never served
    s = series_stats(store.series(), UNIVERSE, chain="nev")
    assert (s.events, s.meetings, s.held, s.park, s.companies) == (2, 6, 4, 4, 5)
    assert (s.served_once, s.served_several, s.never_served) == (1, 3, 2)
    assert (s.repeat_pairs, s.follow_up_repeats, s.repeat_pair_rate) == (1, 0, 0.1667)
    assert (s.partner_found, s.partner_found_rate) == (4, 0.8)
    assert [c.chain for c in s.chains] == ["nev"]

    late = series_stats(store.series(since=dt.date(2026, 1, 15)), UNIVERSE)
    assert (late.events, late.since, late.repeat_pairs, late.follow_up_repeats) == (2, None, 0, 1)
    assert series_stats(store.series(), UNIVERSE, since=dt.date(2026, 1, 15)).events == 2


def test_an_empty_series() -> None:
    s = series_stats([], UNIVERSE)
    assert (s.events, s.companies, s.never_served, s.repeat_pair_rate) == (0, 0, 6, None)
    assert s.partner_found_rate is None and s.months == ()
