"""Moves in the organiser's grid (matcher.events.moves), on a hand-built 3 × 2 plan:

slot 1: table 1 a×b, table 2 c×d
slot 2: table 1 a×c
slot 3: (free)          d is unavailable in slot 3; a and d said no thanks
"""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.errors import InvalidInputError
from catalog.events import Event, Meeting, Plan, SolveStatus
from matcher.events.moves import Cell, MoveRule, apply_move, check_move


@pytest.fixture
def plan() -> Plan:
    event = Event.model_validate(
        {
            "id": "ev-1",
            "name": "grid",
            "date": "2026-12-01",
            "slots": ["09:00", "09:20", "09:40"],
            "tables": 2,
            "participants": ["org-a", "org-b", "org-c", {"org_id": "org-d", "unavailable": [3]}],
            "pairs": [{"a": "org-a", "b": "org-d", "preference": "no_thanks"}],
        }
    )
    meetings = (
        Meeting(slot=1, table=1, a="org-a", b="org-b", score=0.5),
        Meeting(slot=1, table=2, a="org-c", b="org-d", score=0.4),
        Meeting(slot=2, table=1, a="org-a", b="org-c", score=0.3),
    )
    names = {"org-a": "甲", "org-b": "乙", "org-c": "丙", "org-d": "丁"}
    return Plan(
        event=event,
        names=names,
        meetings=meetings,
        objective=1.2,
        bound=1.2,
        gap=0.0,
        status=SolveStatus.OPTIMAL,
        created_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )


def test_a_company_busy_in_the_target_slot(plan: Plan) -> None:
    check = check_move(plan, Cell(1, 1), Cell(2, 2))
    assert [(v.rule, v.participants, v.message) for v in check.violations] == [
        (
            MoveRule.BUSY,
            ("org-a", "org-c"),
            "甲 (org-a) already meets 丙 (org-c) in slot 2 (table 1)",
        )
    ]
    assert not check.valid


def test_unavailable_in_the_target_slot(plan: Plan) -> None:
    check = check_move(plan, Cell(1, 2), Cell(3, 1))
    assert [v.message for v in check.violations] == ["丁 (org-d) is unavailable in slot 3 (09:40)"]


def test_a_swap_checks_both_meetings(plan: Plan) -> None:
    # a×b goes to slot 2 (fine: a×c leaves it), a×c to slot 1 where c meets d
    check = check_move(plan, Cell(1, 1), Cell(2, 1))
    assert [(m.a, m.b, m.source, m.target) for m in check.moves] == [
        ("org-a", "org-b", Cell(1, 1), Cell(2, 1)),
        ("org-a", "org-c", Cell(2, 1), Cell(1, 1)),
    ]
    assert [v.message for v in check.violations] == [
        "丙 (org-c) already meets 丁 (org-d) in slot 1 (table 2)"
    ]


def test_a_valid_move_is_applied_and_a_broken_one_refused(plan: Plan) -> None:
    check = check_move(plan, Cell(1, 1), Cell(3, 2))
    assert check.valid and check.checked == tuple(MoveRule)
    moved = apply_move(plan, check)
    assert [(m.slot, m.table, m.a, m.b) for m in moved.meetings] == [
        (1, 2, "org-c", "org-d"),
        (2, 1, "org-a", "org-c"),
        (3, 2, "org-a", "org-b"),
    ]
    assert (moved.objective, moved.bound) == (plan.objective, plan.bound)
    with pytest.raises(InvalidInputError, match=r"busy: 甲 \(org-a\) already meets"):
        apply_move(plan, check_move(plan, Cell(1, 1), Cell(2, 2)))


def test_cells_outside_or_empty(plan: Plan) -> None:
    assert [v.message for v in check_move(plan, Cell(4, 1), Cell(0, 1)).violations] == [
        "from: slot 4, table 1 is outside the grid (3 slots × 2 tables)",
        "to: slot 0, table 1 is outside the grid (3 slots × 2 tables)",
    ]
    assert [v.message for v in check_move(plan, Cell(3, 1), Cell(1, 1)).violations] == [
        "from: slot 3, table 1 holds no meeting"
    ]


def test_a_no_thanks_pair_in_a_plan_is_named(plan: Plan) -> None:
    bad = plan.model_copy(
        update={
            "meetings": (
                *plan.meetings,
                Meeting(slot=2, table=2, a="org-b", b="org-d", score=0.1),
                Meeting(slot=3, table=1, a="org-a", b="org-d", score=0.1),
            )
        }
    )
    check = check_move(bad, Cell(3, 1), Cell(3, 2))
    assert [(v.rule, v.message) for v in check.violations] == [
        (MoveRule.UNAVAILABLE, "丁 (org-d) is unavailable in slot 3 (09:40)"),
        (MoveRule.NO_THANKS, "org-a and org-d said no thanks"),
    ]
