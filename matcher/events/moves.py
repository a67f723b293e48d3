"""The organiser moves a meeting in the grid: to a free cell, or swapping with another.

The console's grid lets staff drag a meeting (or pick it and its target by keyboard); the
server re-checks every rule a schedule keeps before the move is stored, so the grid can
never hold what the planner would have refused:

* ``cell`` — both cells lie inside the event (slot 1..S, table 1..T), the source holds a
  meeting;
* ``busy`` — each company of a moved meeting is free in its new slot (the other moved
  meeting aside: swapping A×B with A×C across two slots is fine);
* ``unavailable`` — nobody lands in a slot it said it cannot attend;
* ``no_thanks`` / ``met_before`` — neither moved pair is one the organiser refused or that
  met before (a stored plan never holds one, the check keeps it so);
* the table is free by construction: an occupied target is swapped, never doubled.

The meetings themselves do not change, so neither do the objective, the bound nor anyone's
number of meetings. Example usage::

    check = check_move(plan, Cell(1, 2), Cell(3, 1))
    if check.valid:
        plan = apply_move(plan, check)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from catalog.errors import InvalidInputError
from catalog.events.model import Preference, pair_key
from catalog.events.results import Meeting, Plan

__all__ = ["Cell", "MoveCheck", "MoveRule", "Moved", "Violation", "apply_move", "check_move"]


class MoveRule(enum.StrEnum):
    CELL = "cell"
    BUSY = "busy"
    UNAVAILABLE = "unavailable"
    NO_THANKS = "no_thanks"
    MET_BEFORE = "met_before"


@dataclass(frozen=True, order=True)
class Cell:
    """A place in the organiser's grid; slot and table count from 1."""

    slot: int
    table: int

    def __str__(self) -> str:
        return f"slot {self.slot}, table {self.table}"


@dataclass(frozen=True)
class Moved:
    """One meeting that changes place."""

    a: str
    b: str
    source: Cell
    target: Cell


@dataclass(frozen=True)
class Violation:
    rule: MoveRule
    participants: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class MoveCheck:
    """The verdict on a proposed move: the meetings it moves and the rules it breaks."""

    source: Cell
    target: Cell
    moves: tuple[Moved, ...] = ()
    violations: tuple[Violation, ...] = ()
    checked: tuple[MoveRule, ...] = field(default=tuple(MoveRule))

    @property
    def valid(self) -> bool:
        return not self.violations


def check_move(plan: Plan, source: Cell, target: Cell) -> MoveCheck:
    """Which meetings a move of ``source`` onto ``target`` changes, and what it breaks."""
    ev = plan.event
    bad = [
        Violation(
            MoveRule.CELL,
            (),
            f"{name}: {cell} is outside the grid ({len(ev.slots)} slots × {ev.tables} tables)",
        )
        for name, cell in (("from", source), ("to", target))
        if not (1 <= cell.slot <= len(ev.slots) and 1 <= cell.table <= ev.tables)
    ]
    at = {Cell(m.slot, m.table): m for m in plan.meetings}
    first = at.get(source)
    if first is None and not bad:
        bad.append(Violation(MoveRule.CELL, (), f"from: {source} holds no meeting"))
    if bad or first is None or source == target:
        return MoveCheck(source, target, violations=tuple(bad))
    second = at.get(target)
    moves = [Moved(first.a, first.b, source, target)]
    if second is not None:
        moves.append(Moved(second.a, second.b, target, source))
    moved = {(m.a, m.b) for m in moves}
    staying = [m for m in plan.meetings if (m.a, m.b) not in moved]
    return MoveCheck(source, target, tuple(moves), tuple(_broken(plan, moves, staying)))


def _broken(plan: Plan, moves: list[Moved], staying: list[Meeting]) -> list[Violation]:
    ev = plan.event
    away = {p.org_id: set(p.unavailable) for p in ev.participants}
    prefs = ev.preferences()
    met = {pair_key(x, y) for x, y in ev.met_before}
    busy = {(who, m.slot): m for m in staying for who in (m.a, m.b)}
    out: list[Violation] = []
    for mv in moves:
        slot = mv.target.slot
        for who in (mv.a, mv.b):
            other = busy.get((who, slot))
            if other is not None:
                partner = other.b if other.a == who else other.a
                out.append(
                    Violation(
                        MoveRule.BUSY,
                        (who, partner),
                        f"{plan.name(who)} ({who}) already meets {plan.name(partner)} "
                        f"({partner}) in slot {slot} (table {other.table})",
                    )
                )
            if slot in away.get(who, set()):
                out.append(
                    Violation(
                        MoveRule.UNAVAILABLE,
                        (who,),
                        f"{plan.name(who)} ({who}) is unavailable in slot {slot} "
                        f"({ev.slots[slot - 1]:%H:%M})",
                    )
                )
        for who in (mv.a, mv.b):
            busy[(who, slot)] = Meeting(slot=slot, table=mv.target.table, a=mv.a, b=mv.b, score=0)
        if (mv.a, mv.b) not in met and prefs.get((mv.a, mv.b)) is Preference.NO_THANKS:
            out.append(
                Violation(MoveRule.NO_THANKS, (mv.a, mv.b), f"{mv.a} and {mv.b} said no thanks")
            )
        if (mv.a, mv.b) in met:
            out.append(
                Violation(MoveRule.MET_BEFORE, (mv.a, mv.b), f"{mv.a} and {mv.b} met before")
            )
    return out


def apply_move(plan: Plan, check: MoveCheck) -> Plan:
    """The plan with the checked move made; refuses a move that breaks a rule."""
    if not check.valid:
        raise InvalidInputError("; ".join(f"{v.rule}: {v.message}" for v in check.violations))
    target = {(m.a, m.b): m.target for m in check.moves}
    meetings = []
    for m in plan.meetings:
        cell = target.get((m.a, m.b))
        meetings.append(
            m if cell is None else m.model_copy(update={"slot": cell.slot, "table": cell.table})
        )
    meetings.sort(key=lambda m: (m.slot, m.table))
    return plan.model_copy(update={"meetings": tuple(meetings)})
