"""The two CP-SAT models of the event scheduler, shared by the solver and the explainer.

* **selection** — one boolean per candidate pair: which meetings to hold, with each
  participant's min/max, the must-meets and the room's total capacity. It drops the slot
  structure, so it is a relaxation of the real problem: its optimum (or bound) is an upper
  bound on any schedule, and it solves in about a second for 500 participants.
* **time-indexed** — one boolean per (candidate pair, common free slot): the real problem
  with every constraint. Used to place meetings when the greedy placement fails, and as
  the exact model for small events.

Constraints an organiser chooses (must-meets, min/max meetings, tables) can be *guarded*
by a literal, so an infeasible request can be traced back to the few that clash.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.linear_solver.python import model_builder as mb
from ortools.sat.python import cp_model

from matcher.events.problem import Instance

__all__ = [
    "Built",
    "Guard",
    "cut_and_hint",
    "default_workers",
    "selection_lp",
    "selection_model",
    "solve",
    "time_indexed_model",
]

Pair = tuple[int, int]


@dataclass(frozen=True)
class Guard:
    """An organiser's constraint that may be switched off to explain an infeasibility."""

    constraint: str  # must_meet | min_meetings | max_meetings | tables
    participants: tuple[int, ...]
    message: str


@dataclass
class Built:
    model: cp_model.CpModel
    pair_vars: dict[Pair, cp_model.IntVar] = field(default_factory=dict)
    slot_vars: dict[tuple[Pair, int], cp_model.IntVar] = field(default_factory=dict)
    guards: list[tuple[cp_model.IntVar, Guard]] = field(default_factory=list)


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def _guard(
    b: Built, ct: cp_model.Constraint, guarded: bool, kind: str, who: Iterable[int], msg: str
) -> None:
    if guarded:
        lit = b.model.new_bool_var(f"guard_{len(b.guards)}")
        ct.only_enforce_if(lit)
        b.guards.append((lit, Guard(kind, tuple(who), msg)))


def _sum(terms: Sequence[cp_model.IntVar]) -> cp_model.LinearExprT:
    return cp_model.LinearExpr.sum(list(terms))


def _per_participant(
    b: Built, inst: Instance, terms: dict[int, list[cp_model.IntVar]], guarded: bool
) -> None:
    for i in range(inst.n):
        got = _sum(terms.get(i, []))
        if inst.min_meetings[i] > 0:
            ct = b.model.add(got >= inst.min_meetings[i])
            _guard(b, ct, guarded, "min_meetings", [i], f"at least {inst.min_meetings[i]}")
        if inst.cap(i) < len(terms.get(i, [])):
            ct = b.model.add(got <= inst.cap(i))
            _guard(b, ct, guarded, "max_meetings", [i], f"at most {inst.cap(i)}")


def selection_model(inst: Instance, *, guarded: bool = False) -> Built:
    """Which meetings to hold, ignoring when: the relaxation that gives the bound."""
    b = Built(cp_model.CpModel())
    terms: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (i, j), _w in inst.weights.items():
        if not inst.common(i, j):
            continue
        y = b.model.new_bool_var(f"y_{i}_{j}")
        b.pair_vars[(i, j)] = y
        terms[i].append(y)
        terms[j].append(y)
        if (i, j) in inst.must:
            _guard(b, b.model.add(y == 1), guarded, "must_meet", [i, j], "must meet")
    for i, j in inst.must:
        if (i, j) not in b.pair_vars:  # no common slot: unsatisfiable by construction
            _guard(b, b.model.add_bool_or([]), guarded, "must_meet", [i, j], "must meet")
    _per_participant(b, inst, terms, guarded)
    seats = inst.seats()
    if seats < len(b.pair_vars):
        ct = b.model.add(_sum(list(b.pair_vars.values())) <= seats)
        msg = (
            f"at most {seats} meetings in all ({inst.tables} per slot, fewer where people are away)"
        )
        _guard(b, ct, guarded, "tables", [], msg)
    b.model.maximize(
        cp_model.LinearExpr.weighted_sum(
            list(b.pair_vars.values()), [inst.weights[p] for p in b.pair_vars]
        )
    )
    return b


def selection_lp(inst: Instance) -> tuple[int, dict[Pair, float]] | None:
    """The LP relaxation of the selection model (GLOP): an integer bound and the LP values.

    Selection is close to a b-matching, whose LP is often integral or nearly so; CP-SAT's
    own bound on it can lag far behind. The bound is rounded to the nearest integer, which
    stays valid (the weights are integers) and absorbs GLOP's tolerances. None when the LP
    is not solved to optimality (e.g. infeasible: CP-SAT then explains why).
    """
    lp = mb.Model()  # type: ignore[no-untyped-call]  # ortools leaves __init__ unannotated
    pairs = [p for p in inst.weights if inst.common(*p)]
    if not pairs:
        return None
    y = [lp.new_num_var(0.0, 1.0, f"y{k}") for k in range(len(pairs))]
    terms: dict[int, list[mb.Variable]] = defaultdict(list)
    for k, (i, j) in enumerate(pairs):
        terms[i].append(y[k])
        terms[j].append(y[k])
        if (i, j) in inst.must:
            lp.add(y[k] >= 1.0)
    for i, ys in terms.items():
        if inst.min_meetings[i] > 0:
            lp.add(mb.LinearExpr.sum(ys) >= inst.min_meetings[i])
        lp.add(mb.LinearExpr.sum(ys) <= inst.cap(i))
    lp.add(mb.LinearExpr.sum(y) <= inst.seats())
    lp.maximize(mb.LinearExpr.weighted_sum(y, [inst.weights[p] for p in pairs]))
    solver = mb.Solver("glop")
    if solver.solve(lp) != mb.SolveStatus.OPTIMAL:
        return None
    bound = int(solver.objective_value + 0.5)
    return bound, {p: float(solver.value(v)) for p, v in zip(pairs, y, strict=True)}


def cut_and_hint(b: Built, inst: Instance, bound: int, values: dict[Pair, float]) -> None:
    """Give CP-SAT the LP bound as a constraint and the rounded LP solution as a hint."""
    keys = list(b.pair_vars)
    expr = cp_model.LinearExpr.weighted_sum(
        [b.pair_vars[p] for p in keys], [inst.weights[p] for p in keys]
    )
    b.model.add(expr <= bound)
    for p in keys:
        b.model.add_hint(b.pair_vars[p], values.get(p, 0.0) > 0.5)


def time_indexed_model(
    inst: Instance,
    pairs: Iterable[Pair],
    *,
    guarded: bool = False,
    hint: Iterable[tuple[Pair, int]] = (),
) -> Built:
    """The full problem over ``pairs``: a meeting is a (pair, slot) that both have free."""
    b = Built(cp_model.CpModel())
    per_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    terms: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    chosen = set(pairs) | set(inst.must)
    for i, j in sorted(chosen):
        xs = []
        for s in inst.common(i, j):
            x = b.model.new_bool_var(f"x_{i}_{j}_{s}")
            b.slot_vars[((i, j), s)] = x
            per_person_slot[(i, s)].append(x)
            per_person_slot[(j, s)].append(x)
            per_slot[s].append(x)
            xs.append(x)
        terms[i].extend(xs)
        terms[j].extend(xs)
        if (i, j) in inst.must:
            _guard(b, b.model.add(_sum(xs) == 1), guarded, "must_meet", [i, j], "must meet")
        elif len(xs) > 1:
            b.model.add_at_most_one(xs)
    for xs in per_person_slot.values():
        if len(xs) > 1:
            b.model.add_at_most_one(xs)
    for xs in per_slot.values():
        if len(xs) > inst.tables:
            ct = b.model.add(_sum(xs) <= inst.tables)
            _guard(b, ct, guarded, "tables", [], f"at most {inst.tables} meetings per slot")
    _per_participant(b, inst, terms, guarded)
    keys = list(b.slot_vars)
    b.model.maximize(
        cp_model.LinearExpr.weighted_sum(
            [b.slot_vars[k] for k in keys], [inst.weights.get(k[0], 0) for k in keys]
        )
    )
    placed = set(hint)
    if placed:
        for k in keys:
            b.model.add_hint(b.slot_vars[k], k in placed)
    return b


def solve(
    model: cp_model.CpModel,
    *,
    seconds: float,
    workers: int,
    seed: int = 0,
    gap: float = 0.0,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Run CP-SAT with a wall-clock limit; ``gap`` stops early within that relative gap;
    ``callback`` hears of every better solution (the console's progress)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.05, seconds)
    params.num_workers = workers
    params.random_seed = seed
    if gap > 0:
        params.relative_gap_limit = gap
    status = solver.solve(model, callback)
    return solver, status
