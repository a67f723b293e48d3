"""History-aware planning, golden cases worked by hand on a real event store.

Companies a, b, c, d; the past events are stored plans with recorded outcomes, read back
through `EventStore.past_meetings`, exactly as `chainmatch event plan` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from catalog.errors import InvalidInputError
from catalog.events import (
    Event,
    EventStore,
    Meeting,
    Outcome,
    OutcomeStatus,
    PastMeeting,
    Plan,
    Preference,
    Reason,
    SolveStatus,
    pair_key,
    parse_event,
)
from matcher.events import (
    FollowUps,
    History,
    HistoryRules,
    PairScore,
    PairScores,
    judge,
    parse_window,
    plan_from_scores,
    service_record,
    unserved_factors,
)

DAY = dt.date(2026, 12, 1)
IDS = ["a", "b", "c", "d"]


def scores(values: Mapping[tuple[str, str], float], ids: list[str] = IDS) -> PairScores:
    pairs = [PairScore(*pair_key(a, b), s, s, s, (), "") for (a, b), s in values.items()]
    return PairScores(pairs, {i: f"名称{i}" for i in ids})


def past_event(event_id: str, day: dt.date, pairs: list[tuple[str, str]]) -> Plan:
    ev = parse_event(
        {
            "id": event_id,
            "name": f"对接会 {event_id}",
            "date": day.isoformat(),
            "slots": ["09:00", "09:20"],
            "tables": 4,
            "participants": sorted({x for p in pairs for x in p}),
        }
    )
    meetings = tuple(
        Meeting(slot=1, table=k, a=min(p), b=max(p), score=0.5) for k, p in enumerate(pairs, 1)
    )
    return Plan(
        event=ev,
        names={},
        meetings=meetings,
        objective=0.0,
        bound=0.0,
        gap=0.0,
        status=SolveStatus.OPTIMAL,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    with EventStore(tmp_path / "catalog.sqlite") as s:
        yield s


def held(store: EventStore, event_id: str, days_ago: int, *outcomes: tuple[str, str, str]) -> None:
    """A past event, ``days_ago`` before DAY, with one meeting per outcome."""
    pairs = [(a, b) for a, b, _ in outcomes]
    store.save_plan(past_event(event_id, DAY - dt.timedelta(days=days_ago), pairs))
    recorded = [Outcome(a=a, b=b, status=OutcomeStatus(s)) for a, b, s in outcomes if s != "-"]
    if recorded:
        store.record_outcomes(event_id, [o.model_copy(update={"supplier": o.a}) for o in recorded])


def event_now(**extra: object) -> Event:
    """Tomorrow's event: one slot, one table, everybody free (a single meeting is held)."""
    return parse_event(
        {"name": "今天", "date": DAY.isoformat(), "slots": ["09:00"], "tables": 1}
        | {"participants": IDS}
        | extra
    )


# a-b is the best pair (0.9), then c-d (0.6): with one table and one slot, a-b meets
VALUES = {("a", "b"): 0.9, ("c", "d"): 0.6, ("a", "c"): 0.3}


def plan(store: EventStore, window: int, follow_ups: FollowUps = FollowUps.MEET) -> Plan:
    rules = HistoryRules(window_days=window, follow_ups=follow_ups)
    history = History(tuple(store.past_meetings(org_ids=IDS)), rules)
    return plan_from_scores(event_now(), scores(VALUES), time_limit=5, history=history)


def pairs_of(p: Plan) -> list[tuple[str, str]]:
    return [(m.a, m.b) for m in p.meetings]


def test_a_pair_that_met_30_days_ago_is_excluded_with_180_days_and_allowed_with_20(
    store: EventStore,
) -> None:
    held(store, "ev-old", 30, ("a", "b", "held"))
    blind = plan_from_scores(event_now(), scores(VALUES), time_limit=5)
    assert pairs_of(blind) == [("a", "b")] and blind.history is None

    wide = plan(store, 180)
    assert pairs_of(wide) == [("c", "d")]  # a-b left out: the next best pair meets
    assert wide.event.met_before == (("a", "b"),)
    note = wide.history
    assert note is not None and note.window_days == 180
    assert note.counts() == {
        "excluded": 1,
        "held": 1,
        "signed": 0,
        "scheduled": 0,
        "follow_up_wishes": 0,
        "kept_requested": 0,
    }
    [why] = note.excluded
    assert (why.a, why.b, why.reason, why.event_id, why.date) == (
        "a",
        "b",
        Reason.HELD,
        "ev-old",
        dt.date(2026, 11, 1),
    )
    assert note.per_participant() == {"a": [why], "b": [why]}
    assert note.note().startswith(
        "history (180-day window, 1 stored meeting(s)): 1 pair(s) excluded because they met "
        "within the window (1 held, 0 signed, 0 scheduled without an outcome yet"
    )
    assert plan(store, 31).history.counts()["excluded"] == 1  # type: ignore[union-attr]

    narrow = plan(store, 20)
    assert pairs_of(narrow) == [("a", "b")] and narrow.event.met_before == ()
    assert narrow.history is not None and narrow.history.excluded == ()
    assert plan(store, 29).history.excluded == ()  # type: ignore[union-attr]


def test_signed_and_unrecorded_meetings_count_no_shows_do_not(store: EventStore) -> None:
    held(store, "ev-1", 60, ("a", "b", "signed"), ("c", "d", "no_show"), ("a", "c", "-"))
    p = plan(store, 180)
    assert p.history is not None
    assert {(e.a, e.b): e.reason for e in p.history.excluded} == {
        ("a", "b"): Reason.SIGNED,
        ("a", "c"): Reason.SCHEDULED,  # no outcome recorded: it was scheduled, do not repeat
    }
    assert pairs_of(p) == [("c", "d")]  # the no-show pair never met, so it may meet now

    # a no-show after a held meeting does not clear it: a-d's last *meeting* was held
    held(store, "ev-2", 100, ("a", "d", "held"))
    held(store, "ev-3", 10, ("a", "d", "no_show"))
    [ad] = [e for e in plan(store, 180).history.excluded if (e.a, e.b) == ("a", "d")]  # type: ignore[union-attr]
    assert (ad.reason, ad.event_id) == (Reason.HELD, "ev-2")


def test_a_follow_up_becomes_a_wish_or_a_must_meet(store: EventStore) -> None:
    held(store, "ev-fu", 40, ("a", "c", "follow_up"))
    p = plan(store, 180)
    # a-c scores 0.3 + the 0.5 wish bonus = 0.8 < 0.9 of a-b: the wish alone does not win…
    assert p.event.preferences()[("a", "c")] is Preference.MEET
    assert pairs_of(p) == [("a", "b")]
    assert p.history is not None and p.history.counts()["follow_up_wishes"] == 1
    [wish] = p.history.follow_ups
    assert (wish.a, wish.b, wish.event_id, wish.preference) == ("a", "c", "ev-fu", Preference.MEET)

    # …with a-b out (met 5 days ago), the follow-up (0.8) beats c-d (0.6)
    held(store, "ev-ab", 5, ("a", "b", "held"))
    p = plan(store, 180)
    assert pairs_of(p) == [("a", "c")] and p.objective == pytest.approx(0.8)
    [m] = p.meetings
    assert m.follow_up == "ev-fu" and m.requested is Preference.MEET
    assert "跟进 follow-up of ev-fu" in m.why(p.names)

    must = plan(store, 180, follow_ups=FollowUps.MUST)
    assert must.event.preferences()[("a", "c")] is Preference.MUST_MEET
    assert pairs_of(must) == [("a", "c")] and must.objective == pytest.approx(0.3)
    assert "must-meet" in must.meetings[0].why(must.names)

    # a meeting held after the follow-up settles it: the pair is excluded again
    held(store, "ev-again", 2, ("a", "c", "held"))
    p = plan(store, 180)
    assert p.history is not None and p.history.follow_ups == ()
    assert {(e.a, e.b) for e in p.history.excluded} == {("a", "b"), ("a", "c")}


def test_the_definition_wins_over_history(store: EventStore) -> None:
    held(store, "ev-old", 30, ("a", "b", "held"), ("c", "d", "follow_up"))
    history = History(tuple(store.past_meetings()), HistoryRules())
    event = event_now(
        pairs=[
            {"a": "a", "b": "b", "preference": "must_meet"},
            {"a": "c", "b": "d", "preference": "no_thanks"},
        ]
    )
    p = plan_from_scores(event, scores(VALUES), time_limit=5, history=history)
    assert pairs_of(p) == [("a", "b")]
    assert p.history is not None and p.history.excluded == () and p.history.follow_ups == ()
    assert [(e.a, e.b) for e in p.history.kept_requested] == [("a", "b")]
    assert p.event.preferences()[("c", "d")] is Preference.NO_THANKS


def test_judge_looks_both_ways_and_parse_window() -> None:
    later = PastMeeting("ev-later", DAY + dt.timedelta(days=7), "a", "b", None)
    assert judge([later], DAY, HistoryRules()).excluded[("a", "b")][0] is Reason.SCHEDULED
    assert judge([later], DAY, HistoryRules(window_days=0)).excluded == {}
    assert [parse_window(x) for x in ("180d", "26w", "6m", "1y", "90", "0")] == [
        180,
        182,
        180,
        365,
        90,
        0,
    ]
    with pytest.raises(InvalidInputError, match="'half a year' is not a window"):
        parse_window("half a year")
    with pytest.raises(InvalidInputError, match=r"expected 0\.\.3650 days, got 7300"):
        parse_window("20y")


def test_favour_unserved_factors_by_hand() -> None:
    past = [
        PastMeeting("e1", DAY - dt.timedelta(days=300), "a", "b", OutcomeStatus.SIGNED),
        PastMeeting("e2", DAY - dt.timedelta(days=200), "a", "c", OutcomeStatus.HELD),
        PastMeeting("e2", DAY - dt.timedelta(days=200), "b", "d", OutcomeStatus.NO_SHOW),
        PastMeeting("e3", DAY, "c", "d", OutcomeStatus.HELD),  # same day: not "before"
    ]
    record = service_record(past, DAY)
    # a: 2 meetings, signed → ½·⅓ + 0 = 0.1667; b: 1, signed → 0.25; c: 1, none → 0.75;
    # d: no meeting (its only one was a no-show) → 1.0
    got = unserved_factors(record, IDS, 1.0)
    assert {k: round(f, 4) for k, (f, _) in got.items()} == {
        "a": 1.1667,
        "b": 1.25,
        "c": 1.75,
        "d": 2.0,
    }
    assert got["c"][1] == (
        "优先未服务 favour-unserved ×1.75 (weight 1: 1 past meeting(s), no partner yet)"
    )
    assert unserved_factors(record, ["d"], 0.5)["d"][0] == 1.5
    with pytest.raises(InvalidInputError, match="favour_unserved: expected a weight in 0..10"):
        unserved_factors(record, IDS, -1)
