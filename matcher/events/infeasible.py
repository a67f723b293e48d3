"""Why no schedule exists, in the organiser's words: which constraint, which participants.

First cheap checks that catch the usual mistakes (more must-meets than free slots, zero
tables, someone unavailable all day). What they miss, the solver proves: every constraint
the organiser chose is guarded by a literal, CP-SAT returns a set of them that cannot hold
together, and a deletion filter shrinks that set until each member matters.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import NoReturn

from ortools.sat.python import cp_model

from catalog.errors import InvalidInputError
from matcher.events.cpsat import Built, selection_model, solve, time_indexed_model
from matcher.events.problem import Instance

__all__ = ["InfeasibleScheduleError", "Problem", "check_instance", "explain"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One reason a schedule is impossible."""

    constraint: str  # tables | unavailable | must_meet | min_meetings | max_meetings
    participants: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return f"{self.constraint}: {self.message}"


class InfeasibleScheduleError(InvalidInputError):
    """No schedule satisfies the request; ``problems`` name the constraints and who."""

    def __init__(self, problems: list[Problem], lead: str = "no schedule is possible") -> None:
        super().__init__(f"{lead}: " + "; ".join(str(p) for p in problems))
        self.problems = problems

    @property
    def constraints(self) -> list[str]:
        return [p.constraint for p in self.problems]

    @property
    def participants(self) -> list[str]:
        return list(dict.fromkeys(x for p in self.problems for x in p.participants))


def _slots(free: frozenset[int]) -> str:
    return ", ".join(str(s + 1) for s in sorted(free)) or "none"


def _names(ids: list[str], limit: int = 6) -> str:
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def check_instance(inst: Instance) -> list[Problem]:
    """The usual mistakes, found without a solver; empty when none applies."""
    ids, out = inst.ids, []
    must_of: dict[int, list[int]] = {i: [] for i in range(inst.n)}
    for i, j in sorted(inst.must):
        must_of[i].append(j)
        must_of[j].append(i)
    needy = [i for i in range(inst.n) if inst.min_meetings[i] > 0]
    if inst.tables == 0:
        if inst.must:
            pairs = [f"{ids[i]}–{ids[j]}" for i, j in sorted(inst.must)]
            who = sorted({ids[x] for p in inst.must for x in p})
            msg = f"the event has 0 tables but {len(pairs)} must-meet pair(s): {_names(pairs)}"
            out.append(Problem("tables", tuple(who), msg))
        if needy:
            who = [ids[i] for i in needy]
            msg = f"the event has 0 tables but {_names(who)} need(s) min_meetings > 0"
            out.append(Problem("tables", tuple(who), msg))
        return out
    for i in range(inst.n):
        free, me = inst.available[i], ids[i]
        partners = [ids[j] for j in must_of[i]]
        if not free and (partners or inst.min_meetings[i]):
            wants = f"must meet {_names(partners)}" if partners else "has min_meetings > 0"
            msg = f"{me} is unavailable in every slot but {wants}"
            out.append(Problem("unavailable", (me, *partners), msg))
            continue
        if len(partners) > len(free):
            msg = (
                f"{me} has {len(partners)} must-meet partners ({_names(partners)}) but only "
                f"{len(free)} free slot(s)"
            )
            out.append(Problem("must_meet", (me, *partners), msg))
        elif len(partners) > inst.max_meetings[i]:
            msg = (
                f"{me} has {len(partners)} must-meet partners ({_names(partners)}) but "
                f"max_meetings {inst.max_meetings[i]}"
            )
            out.append(Problem("max_meetings", (me, *partners), msg))
        need = inst.min_meetings[i]
        if free and need > inst.cap(i):
            msg = f"{me} needs at least {need} meetings but has only {len(free)} free slot(s)"
            out.append(Problem("min_meetings", (me,), msg))
        elif free and need > len(inst.eligible[i]):
            who = [ids[j] for j in inst.eligible[i]]
            msg = (
                f"{me} needs at least {need} meetings but only {len(who)} participant(s) may "
                f"meet it ({_names(who) or 'nobody'}): the rest are no-thanks, met before, "
                "or never free at the same time"
            )
            out.append(Problem("min_meetings", (me, *who), msg))
    for i, j in sorted(inst.must):
        if inst.available[i] and inst.available[j] and not inst.common(i, j):
            msg = (
                f"{ids[i]} and {ids[j]} must meet but share no free slot ({ids[i]} is free in "
                f"slots {_slots(inst.available[i])}, {ids[j]} in {_slots(inst.available[j])})"
            )
            out.append(Problem("unavailable", (ids[i], ids[j]), msg))
    wanted = sum(inst.min_meetings)
    if not out and wanted > 2 * inst.seats():
        who = [ids[i] for i in needy]
        msg = (
            f"{len(who)} participants need at least {wanted} places at meetings in total "
            f"(min_meetings), but {inst.seats()} meetings seat only {2 * inst.seats()}: "
            "add tables or slots, or lower min_meetings"
        )
        out.append(Problem("min_meetings", tuple(who), msg))
    if not out and len(inst.must) > inst.seats():
        who = sorted({ids[x] for p in inst.must for x in p})
        msg = (
            f"{len(inst.must)} must-meet pairs but only {inst.seats()} meeting places "
            f"({inst.tables} table(s) × {inst.n_slots} slot(s), fewer where people are away)"
        )
        out.append(Problem("tables", tuple(who), msg))
    return out


def _problem(inst: Instance, built: Built, lit_index: int) -> Problem:
    guard = next(g for lit, g in built.guards if lit.index == lit_index)
    who = tuple(inst.ids[i] for i in guard.participants)
    if guard.constraint == "must_meet":
        return Problem("must_meet", who, f"{who[0]} and {who[1]} must meet")
    if guard.constraint == "min_meetings":
        return Problem("min_meetings", who, f"{who[0]} needs {guard.message} meeting(s)")
    if guard.constraint == "max_meetings":
        free = len(inst.available[guard.participants[0]])
        msg = f"{who[0]} can have {guard.message} meeting(s) (max_meetings, {free} free slot(s))"
        return Problem("max_meetings", who, msg)
    return Problem("tables", who, guard.message)


def _core(built: Built, seconds: float) -> list[int] | None:
    """A minimal set of guard literals that cannot all hold, or None if none was proven."""
    deadline = time.monotonic() + seconds
    lits = [lit for lit, _ in built.guards]
    built.model.add_assumptions(lits)
    solver, status = solve(built.model, seconds=seconds / 2, workers=1)
    if status != cp_model.INFEASIBLE:
        return None
    core = list(solver.sufficient_assumptions_for_infeasibility())
    by_index = {lit.index: lit for lit in lits}
    for idx in list(core):  # deletion filter: keep only the literals the proof needs
        left = deadline - time.monotonic()
        if left <= 0.05 or len(core) == 1:
            break
        trial = [i for i in core if i != idx]
        built.model.clear_assumptions()
        built.model.add_assumptions([by_index[i] for i in trial])
        _, st = solve(built.model, seconds=min(left, 2.0), workers=1)
        if st == cp_model.INFEASIBLE:
            core = trial
    return core


def explain(inst: Instance, pairs: list[tuple[int, int]], *, seconds: float = 10.0) -> NoReturn:
    """Raise the clearest InfeasibleScheduleError for an instance the solver found infeasible.

    Tries the relaxation first (a short, readable core), then the full time-indexed model.
    """
    for full in (False, True):
        if full:
            built = time_indexed_model(inst, pairs, guarded=True)
        else:
            built = selection_model(inst, guarded=True)
        core = _core(built, seconds / 2)
        if core:
            problems = sorted(
                (_problem(inst, built, i) for i in core), key=lambda p: (p.constraint, p.message)
            )
            log.debug("infeasible core: %s", problems)
            raise InfeasibleScheduleError(
                problems,
                lead="no schedule satisfies these constraints together (each one matters; "
                "every meeting also needs both sides free in the same slot)",
            )
    raise InfeasibleScheduleError(
        [Problem("solver", (), "the solver proved the request infeasible but found no reason")]
    )
