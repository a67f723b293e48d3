"""An independent schedule checker and a brute-force optimum, and tests of both.

Written from the issue's rules only, not from the scheduler's code: it reads the event
definition and the meetings as a person would. The scheduler tests import ``violations``
and ``brute_force`` from here.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pytest

from catalog.events import Event, parse_event

Weight = Callable[[str, str], int]


@dataclass(frozen=True)
class Slotted:
    """A meeting as the checker sees it: 1-based slot and table, two org ids."""

    slot: int
    table: int
    a: str
    b: str


def _key(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def _rules(event: Event) -> tuple[set[frozenset[str]], set[frozenset[str]]]:
    must = {_key(r.a, r.b) for r in event.pairs if r.preference.value == "must_meet"}
    banned = {_key(r.a, r.b) for r in event.pairs if r.preference.value == "no_thanks"}
    banned |= {_key(a, b) for a, b in event.met_before}
    return must, banned


def violations(event: Event, meetings: Sequence[Slotted]) -> list[str]:
    """Every broken rule, in words; empty when the schedule is valid."""
    found: list[str] = []
    people = {p.org_id: p for p in event.participants}
    must, banned = _rules(event)
    n_slots = len(event.slots)
    for m in meetings:
        if m.a == m.b:
            found.append(f"{m.a} meets itself")
        for who in (m.a, m.b):
            if who not in people:
                found.append(f"{who} is not a participant")
            elif m.slot in people[who].unavailable:
                found.append(f"{who} is unavailable in slot {m.slot}")
        if not 1 <= m.slot <= n_slots:
            found.append(f"slot {m.slot} does not exist")
        if not 1 <= m.table <= event.tables:
            found.append(f"table {m.table} does not exist")
        if _key(m.a, m.b) in banned:
            found.append(f"{m.a}–{m.b} is a no-thanks or met-before pair")
    for (slot, table), n in Counter((m.slot, m.table) for m in meetings).items():
        if n > 1:
            found.append(f"table {table} in slot {slot} holds {n} meetings")
    busy = Counter((who, m.slot) for m in meetings for who in (m.a, m.b))
    found += [f"{who} has {n} meetings in slot {s}" for (who, s), n in busy.items() if n > 1]
    pairs = Counter(_key(m.a, m.b) for m in meetings)
    found += [f"{'–'.join(sorted(k))} meet {n} times" for k, n in pairs.items() if n > 1]
    found += [f"must-meet {'–'.join(sorted(k))} is missing" for k in must if k not in pairs]
    count = Counter(who for m in meetings for who in (m.a, m.b))
    for org_id, p in people.items():
        top = n_slots if p.max_meetings is None else p.max_meetings
        if not p.min_meetings <= count[org_id] <= top:
            found.append(f"{org_id} has {count[org_id]} meetings, outside {p.min_meetings}..{top}")
    return found


def _matchings(
    people: list[str], allowed: Callable[[str, str], bool], most: int
) -> Iterator[tuple[tuple[str, str], ...]]:
    """Every set of at most ``most`` disjoint allowed pairs among ``people``."""
    if not people or most == 0:
        yield ()
        return
    first, rest = people[0], people[1:]
    yield from _matchings(rest, allowed, most)  # first sits this slot out
    for k, other in enumerate(rest):
        if allowed(first, other):
            left = rest[:k] + rest[k + 1 :]
            for m in _matchings(left, allowed, most - 1):
                yield ((first, other), *m)


def brute_force(event: Event, weight: Weight) -> int | None:
    """Best total weight over every valid schedule, or None when none exists (tiny events)."""
    _, banned = _rules(event)
    people = {p.org_id: p for p in event.participants}
    n_slots = len(event.slots)
    best: int | None = None

    def go(slot: int, used: frozenset[frozenset[str]], chosen: list[Slotted]) -> None:
        nonlocal best
        if slot > n_slots:
            if not violations(event, chosen):
                total = sum(weight(m.a, m.b) for m in chosen)
                best = total if best is None else max(best, total)
            return
        here = [i for i, p in people.items() if slot not in p.unavailable]

        def ok(a: str, b: str) -> bool:
            return _key(a, b) not in banned and _key(a, b) not in used

        for matching in _matchings(here, ok, event.tables):
            placed = [Slotted(slot, t + 1, a, b) for t, (a, b) in enumerate(matching)]
            go(slot + 1, used | {_key(a, b) for a, b in matching}, chosen + placed)

    go(1, frozenset(), [])
    return best


# ------------------------------------------------------------------ tests of the checker
def _event(**extra: object) -> Event:
    doc: dict[str, object] = {
        "name": "checker",
        "date": "2026-12-01",
        "slots": ["09:00", "09:20"],
        "tables": 1,
        "participants": ["a", "b", "c"],
    }
    return parse_event(doc | extra)


def test_checker_accepts_a_valid_schedule() -> None:
    ev = _event()
    assert violations(ev, [Slotted(1, 1, "a", "b"), Slotted(2, 1, "b", "c")]) == []


@pytest.mark.parametrize(
    ("extra", "meetings", "expected"),
    [
        ({}, [Slotted(1, 1, "a", "b"), Slotted(1, 1, "a", "c")], "holds 2 meetings"),
        ({"tables": 2}, [Slotted(1, 1, "a", "b"), Slotted(1, 2, "a", "c")], "a has 2 meetings"),
        ({}, [Slotted(1, 2, "a", "b")], "table 2 does not exist"),
        ({}, [Slotted(3, 1, "a", "b")], "slot 3 does not exist"),
        ({}, [Slotted(1, 1, "a", "b"), Slotted(2, 1, "a", "b")], "meet 2 times"),
        ({"met_before": [["a", "b"]]}, [Slotted(1, 1, "a", "b")], "met-before"),
        (
            {"pairs": [{"a": "b", "b": "a", "preference": "no_thanks"}]},
            [Slotted(1, 1, "a", "b")],
            "no-thanks",
        ),
        (
            {"pairs": [{"a": "a", "b": "c", "preference": "must_meet"}]},
            [Slotted(1, 1, "a", "b")],
            "must-meet a–c is missing",
        ),
        (
            {"participants": [{"org_id": "a", "unavailable": [1]}, "b", "c"]},
            [Slotted(1, 1, "a", "b")],
            "a is unavailable in slot 1",
        ),
        (
            {"participants": [{"org_id": "a", "min_meetings": 2}, "b", "c"]},
            [Slotted(1, 1, "a", "b")],
            "a has 1 meetings, outside 2..2",
        ),
        (
            {"participants": [{"org_id": "a", "max_meetings": 1}, "b", "c"]},
            [Slotted(1, 1, "a", "b"), Slotted(2, 1, "a", "c")],
            "a has 2 meetings, outside 0..1",
        ),
        ({}, [Slotted(1, 1, "a", "z")], "z is not a participant"),
    ],
)
def test_checker_catches_each_broken_rule(
    extra: dict[str, object], meetings: list[Slotted], expected: str
) -> None:
    found = violations(_event(**extra), meetings)
    assert any(expected in f for f in found), found


def test_brute_force_finds_the_known_optimum() -> None:
    ev = _event(tables=1)
    w = {_key("a", "b"): 5, _key("b", "c"): 4, _key("a", "c"): 3}
    # one table, two slots: the best two disjoint-in-time meetings are a–b and b–c
    assert brute_force(ev, lambda x, y: w[_key(x, y)]) == 9
    banned = _event(tables=1, pairs=[{"a": "a", "b": "b", "preference": "no_thanks"}])
    assert brute_force(banned, lambda x, y: w[_key(x, y)]) == 7
    impossible = _event(participants=[{"org_id": "a", "min_meetings": 2, "unavailable": [2]}])
    assert brute_force(impossible, lambda x, y: 1) is None


def test_matchings_enumerate_every_option() -> None:
    got = list(_matchings(["a", "b", "c", "d"], lambda x, y: True, 2))
    assert len(got) == 10  # 1 empty + 6 single pairs + 3 perfect matchings
    assert len(set(itertools.chain.from_iterable(got))) == 6
