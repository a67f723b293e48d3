"""The scheduler against the independent checker and a brute-force optimum.

Random tiny events (hypothesis) are solved by both strategies and compared with exhaustive
search; random mid-size events only with the checker; adversarial requests must fail with
an explanation naming the constraint and the participants.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.events import Event, Plan, SolveStatus, pair_key, parse_event
from matcher.events import (
    InfeasibleScheduleError,
    PairScore,
    PairScores,
    Strategy,
    build_instance,
    plan_from_scores,
    schedule,
)
from tests.test_events_checker import Slotted, brute_force, violations

BONUS = 500  # the default wish bonus, 0.5, in integer weight units


def scores_from(values: Mapping[tuple[str, str], float], ids: list[str]) -> PairScores:
    pairs = [PairScore(*pair_key(a, b), s, s, s, (), "") for (a, b), s in values.items()]
    return PairScores(pairs, {i: f"名称{i}" for i in ids})


def slotted(plan: Plan) -> list[Slotted]:
    return [Slotted(m.slot, m.table, m.a, m.b) for m in plan.meetings]


def weight_of(event: Event, values: Mapping[tuple[str, str], float]) -> Any:
    wishes = {pair_key(r.a, r.b) for r in event.pairs if r.preference.value == "meet"}

    def weight(a: str, b: str) -> int:
        key = pair_key(a, b)
        return round(max(0.0, values.get(key, 0.0)) * 1000) + (BONUS if key in wishes else 0)

    return weight


@st.composite
def tiny_events(draw: st.DrawFn) -> tuple[Event, dict[tuple[str, str], float]]:
    n = draw(st.integers(2, 6))
    n_slots = draw(st.integers(1, 3 if n <= 5 else 2))
    ids = [f"p{i}" for i in range(n)]
    people = []
    for org_id in ids:
        top = draw(st.none() | st.integers(0, n_slots))
        low = min(draw(st.sampled_from([0] * 8 + [1, 2])), n_slots if top is None else top)
        away = draw(st.lists(st.integers(1, n_slots), unique=True, max_size=n_slots))
        away = away if draw(st.integers(0, 3)) == 0 else []
        people.append(
            {"org_id": org_id, "min_meetings": low, "max_meetings": top, "unavailable": away}
        )
    pairs, met, values = [], [], {}
    for a, b in itertools.combinations(ids, 2):
        values[(a, b)] = draw(st.sampled_from([0.0, 0.05, 0.2, 0.35, 0.5, 0.8, 0.9]))
        pref = draw(st.sampled_from([None] * 12 + ["must_meet", "meet", "no_thanks", "met"]))
        if pref == "met":
            met.append([a, b])
        elif pref is not None:
            pairs.append({"a": a, "b": b, "preference": pref})
    doc = {
        "name": "随机",
        "date": "2026-12-01",
        "slots": ["09:00", "09:20", "09:40"][:n_slots],
        "tables": draw(st.sampled_from([0, 1, 1, 2, 2, 3, 3])),
        "participants": people,
        "pairs": pairs,
        "met_before": met,
    }
    return parse_event(doc), values


@pytest.mark.parametrize("strategy", list(Strategy))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=tiny_events())
def test_tiny_events_match_exhaustive_search(
    strategy: Strategy, case: tuple[Event, dict[tuple[str, str], float]]
) -> None:
    event, values = case
    weight = weight_of(event, values)
    best = brute_force(event, weight)
    ids = list(event.participant_ids)
    try:
        plan = plan_from_scores(
            event,
            scores_from(values, ids),
            time_limit=5,
            workers=1,
            top_k=len(ids),
            strategy=strategy,
        )
    except InfeasibleScheduleError as exc:
        assert best is None, f"said infeasible ({exc}) but {best} is possible"
        assert exc.problems and all(p.message for p in exc.problems)
        return
    assert best is not None, "returned a schedule where exhaustive search found none"
    meetings = slotted(plan)
    assert violations(event, meetings) == []
    objective = round(plan.objective * 1000)
    assert objective == sum(weight(m.a, m.b) for m in meetings)
    assert objective <= best <= round(plan.bound * 1000)
    if plan.status is SolveStatus.OPTIMAL:
        assert objective == best
    if strategy is Strategy.FULL:  # the exact model always proves tiny events
        assert plan.status is SolveStatus.OPTIMAL


def random_event(seed: int, n: int, n_slots: int, tables: int) -> tuple[Event, PairScores]:
    rng = random.Random(seed)
    ids = [f"o{i:03d}" for i in range(n)]
    group = {i: rng.randrange(5) for i in ids}
    values = {
        (a, b): round(max(0.0, (0.6 if group[a] == group[b] else 0.2) + rng.gauss(0, 0.15)), 3)
        for a, b in itertools.combinations(ids, 2)
    }
    people: list[dict[str, Any]] = []
    for org_id in ids:
        away = rng.sample(range(1, n_slots + 1), rng.randint(1, 2)) if rng.random() < 0.15 else []
        low = 1 if rng.random() < 0.3 else 0
        people.append(
            {
                "org_id": org_id,
                "unavailable": away,
                "min_meetings": low,
                "max_meetings": rng.randint(max(low, 2), n_slots),
            }
        )
    free = [p["org_id"] for p in people if not p["unavailable"]]
    pairs = [{"a": free[0], "b": free[1], "preference": "must_meet"}]
    pairs += [{"a": free[2], "b": free[3], "preference": "meet"}]
    pairs += [{"a": free[4], "b": free[5], "preference": "no_thanks"}]
    doc = {
        "name": f"random {seed}",
        "date": "2026-12-01",
        "slots": [f"{9 + k // 3:02d}:{(k % 3) * 20:02d}" for k in range(n_slots)],
        "tables": tables,
        "participants": people,
        "pairs": pairs,
        "met_before": [[free[6], free[7]]],
    }
    return parse_event(doc), scores_from(values, ids)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_mid_size_events_keep_every_rule(seed: int) -> None:
    event, scores = random_event(seed, n=60, n_slots=6, tables=8)
    plan = plan_from_scores(event, scores, time_limit=10, workers=2, seed=seed)
    assert violations(event, slotted(plan)) == []
    assert plan.objective <= plan.bound + 1e-9 and 0 <= plan.gap <= 0.03
    assert len(plan.meetings) == 6 * 8  # tables are the bottleneck: every one is used


@pytest.mark.parametrize("seed", [4, 5])
def test_both_strategies_agree_on_small_events(seed: int) -> None:
    event, scores = random_event(seed, n=20, n_slots=4, tables=6)
    auto = plan_from_scores(event, scores, time_limit=5, workers=2, seed=seed)
    full = plan_from_scores(event, scores, time_limit=5, workers=2, strategy=Strategy.FULL)
    for plan in (auto, full):
        assert violations(event, slotted(plan)) == []
    assert full.status is SolveStatus.OPTIMAL
    assert full.objective * 0.99 <= auto.objective <= full.objective + 1e-9
    assert auto.bound >= full.objective - 1e-9  # the relaxation's bound is a true bound


def _adversarial(**extra: Any) -> Event:
    doc: dict[str, Any] = {
        "name": "adversarial",
        "date": "2026-12-01",
        "slots": ["09:00", "09:20", "09:40"],
        "tables": 5,
        "participants": ["x", "a", "b", "c", "d", "e"],
    }
    return parse_event(doc | extra)


def _fail(event: Event) -> InfeasibleScheduleError:
    ids = list(event.participant_ids)
    values = dict.fromkeys(itertools.combinations(ids, 2), 0.5)
    with pytest.raises(InfeasibleScheduleError) as info:
        plan_from_scores(event, scores_from(values, ids), time_limit=5, workers=1)
    return info.value


def _must(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"a": a, "b": b, "preference": "must_meet"} for a, b in pairs]


def test_more_must_meets_than_slots_names_the_participant_and_partners() -> None:
    exc = _fail(_adversarial(pairs=_must(("x", "a"), ("x", "b"), ("x", "c"), ("x", "d"))))
    assert exc.constraints == ["must_meet"]
    assert set(exc.participants) == {"x", "a", "b", "c", "d"}
    assert "x has 4 must-meet partners (a, b, c, d) but only 3 free slot(s)" in str(exc)


def test_a_participant_unavailable_everywhere() -> None:
    away = [{"org_id": "x", "unavailable": [1, 2, 3]}, "a", "b", "c", "d", "e"]
    exc = _fail(_adversarial(participants=away, pairs=_must(("x", "a"))))
    assert exc.constraints == ["unavailable"]
    assert "x is unavailable in every slot but must meet a" in str(exc)
    # without a must-meet or a minimum it is no problem: x simply gets no meetings
    ids = ["x", "a", "b", "c", "d", "e"]
    values = dict.fromkeys(itertools.combinations(ids, 2), 0.5)
    plan = plan_from_scores(_adversarial(participants=away), scores_from(values, ids), workers=1)
    assert not plan.meetings_of("x") and len(plan.meetings) == 6  # 2 per slot among 5


def test_zero_tables() -> None:
    exc = _fail(_adversarial(tables=0, pairs=_must(("a", "b"))))
    assert exc.constraints == ["tables"] and exc.participants == ["a", "b"]
    assert "0 tables but 1 must-meet pair(s): a–b" in str(exc)
    ids = ["x", "a", "b", "c", "d", "e"]
    values = dict.fromkeys(itertools.combinations(ids, 2), 0.5)
    plan = plan_from_scores(_adversarial(tables=0), scores_from(values, ids), workers=1)
    assert plan.meetings == () and plan.objective == plan.bound == plan.gap == 0


def test_must_meet_pair_without_a_common_slot() -> None:
    people = [{"org_id": "a", "unavailable": [1, 2]}, {"org_id": "b", "unavailable": [3]}]
    exc = _fail(_adversarial(participants=people, pairs=_must(("a", "b"))))
    assert exc.constraints == ["unavailable"] and set(exc.participants) == {"a", "b"}
    assert "share no free slot" in str(exc)


def test_minimum_beyond_the_partners_allowed() -> None:
    people = [{"org_id": "x", "min_meetings": 3}, "a", "b", "c"]
    banned = [{"a": "x", "b": p, "preference": "no_thanks"} for p in ("a", "b")]
    exc = _fail(_adversarial(participants=people, pairs=banned))
    assert exc.constraints == ["min_meetings"] and exc.participants[0] == "x"
    assert "x needs at least 3 meetings but only 1 participant(s) may meet it (c)" in str(exc)


def test_minimums_beyond_the_room() -> None:
    people = [{"org_id": x, "min_meetings": 2} for x in ("x", "a", "b", "c", "d", "e")]
    exc = _fail(_adversarial(participants=people, tables=1))
    assert exc.constraints == ["min_meetings"] and len(exc.participants) == 6
    assert "6 participants need at least 12 places" in str(exc)
    assert "3 meetings seat only 6" in str(exc)


def test_odd_cycle_of_must_meets_is_proven_by_the_solver() -> None:
    # each of a, b, c has 2 must-meets in 2 slots, and there are tables enough: the checks
    # pass, but a triangle cannot be drawn in 2 colours, so only the solver can tell
    event = _adversarial(slots=["09:00", "09:20"], pairs=_must(("a", "b"), ("b", "c"), ("a", "c")))
    exc = _fail(event)
    assert exc.constraints == ["must_meet"] * 3
    assert set(exc.participants) == {"a", "b", "c"}
    assert "no schedule satisfies these constraints together" in str(exc)


def test_minimum_against_busy_partners_is_proven_by_the_solver() -> None:
    people = [
        {"org_id": "a", "min_meetings": 2},
        {"org_id": "b", "unavailable": [2]},
        {"org_id": "c", "unavailable": [2]},
        {"org_id": "d", "unavailable": [2]},
    ]
    event = _adversarial(
        slots=["09:00", "09:20"], participants=people, pairs=_must(("a", "b"), ("c", "d"))
    )
    exc = _fail(event)
    assert "min_meetings" in exc.constraints and "a" in exc.participants
    assert "a needs at least 2 meeting(s)" in str(exc)


def test_a_participant_keeps_its_table_between_meetings() -> None:
    ids = ["a", "b", "c"]
    event = _adversarial(tables=3, slots=["09:00", "09:20"], participants=ids)
    values = {("a", "b"): 0.9, ("a", "c"): 0.8, ("b", "c"): 0.0}
    inst = build_instance(event, scores_from(values, ids))
    result = schedule(inst, workers=1)
    tables = {a.table for a in result.assignments if 0 in (a.i, a.j)}
    assert len(result.assignments) == 2 and len(tables) == 1
