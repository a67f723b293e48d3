"""The 1:1 meeting scheduler: choose meetings, give each a slot and a table.

Maximises the total weight of the meetings held subject to: nobody in two meetings at
once, at most ``tables`` meetings per slot, each participant's min/max meetings and free
slots, every must-meet held, never a no-thanks pair.

How (strategy ``auto``): CP-SAT first solves the *selection* relaxation (which meetings,
ignoring when), whose bound is an upper bound for every schedule. Its own LP relaxation,
solved by GLOP in a fraction of a second, is often integral (selection is nearly a
b-matching): CP-SAT gets that bound as a constraint and the rounded LP solution as a hint,
so it proves optimality in seconds where alone it stalled at a 0.5 % gap. A greedy
placement then puts the selected meetings into slots (equitable edge colouring almost
always succeeds: each slot's meetings are a matching). Only when that fails does CP-SAT
place them with the time-indexed model, and only when *that* fails does it solve the full
time-indexed model over all candidates. Free places are finally filled greedily — never
with a meeting that weighs nothing, such as one without evidence (the plan counts the
table slots it left empty that way). Strategy ``full`` solves the time-indexed model
directly (exact, slower beyond ~100 participants).
"""

from __future__ import annotations

import enum
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from catalog.errors import ChainMatchError, InvalidInputError
from matcher.events.cpsat import (
    cut_and_hint,
    default_workers,
    selection_lp,
    selection_model,
    solve,
    time_indexed_model,
)
from matcher.events.infeasible import InfeasibleScheduleError, check_instance, explain
from matcher.events.problem import Instance
from matcher.events.progress import SolutionReporter, SolveReport

__all__ = ["Assignment", "Schedule", "ScheduleTimeoutError", "Strategy", "schedule"]

log = logging.getLogger(__name__)

Pair = tuple[int, int]
Placed = dict[Pair, int]  # pair → 0-based slot


class Strategy(enum.StrEnum):
    AUTO = "auto"  # relaxation + placement (+ full model only when placement fails)
    FULL = "full"  # the time-indexed model alone


class ScheduleTimeoutError(ChainMatchError):
    """The solver found no schedule within the time limit (neither proven impossible)."""


@dataclass(frozen=True)
class Assignment:
    slot: int  # 0-based
    table: int  # 0-based
    i: int
    j: int


@dataclass(frozen=True)
class Schedule:
    """Meetings with 0-based slots and tables; objective and bound in integer weights."""

    assignments: tuple[Assignment, ...]
    objective: int
    bound: int
    optimal: bool
    seconds: float
    steps: list[str] = field(default_factory=list)
    declined: int = 0  # free table slots an exploratory meeting could have filled

    @property
    def gap(self) -> float:
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)


def schedule(
    inst: Instance,
    *,
    time_limit: float = 20.0,
    workers: int | None = None,
    seed: int = 0,
    strategy: Strategy = Strategy.AUTO,
    on_report: Callable[[SolveReport], None] | None = None,
) -> Schedule:
    """Best schedule found within ``time_limit`` seconds, with the solver's bound;
    ``on_report`` hears the best objective and bound as they improve.

    Raises InfeasibleScheduleError naming the constraints and participants when no schedule
    exists, and ScheduleTimeoutError when none was found in time.
    """
    if time_limit <= 0:
        raise InvalidInputError(f"time_limit must be positive, got {time_limit}")
    start = time.monotonic()
    deadline = start + time_limit
    nw = workers or default_workers()
    problems = check_instance(inst)
    if problems:
        raise InfeasibleScheduleError(problems)
    steps: list[str] = []
    pairs = sorted(p for p in inst.weights if inst.common(*p))
    if not pairs:
        seconds = time.monotonic() - start
        return Schedule((), 0, 0, True, seconds, ["no candidate pairs"], _declined(inst, {}))

    def left() -> float:
        return max(0.05, deadline - time.monotonic())

    def report(objective: int | None, bound: int | None, solutions: int = 0) -> None:
        if on_report is not None:
            elapsed = time.monotonic() - start
            on_report(SolveReport(elapsed, time_limit, objective, bound, solutions))

    found = 0  # solutions CP-SAT found, over every model

    def reporter(schedule: bool, proves: bool) -> SolutionReporter:
        """A selection's solution is no schedule yet: only its bound is reported; a
        placement's bound holds for its chosen meetings only, so the known bound stays."""

        def seen(objective: int, bound: int) -> None:
            nonlocal found
            found += 1
            valid = [*bounds, bound] if proves else bounds
            report(objective if schedule else None, min(valid, default=None), found)

        return SolutionReporter(seen)

    bounds: list[int] = []
    partial: Placed = {}
    placed: Placed | None = None
    proven = False
    if strategy is Strategy.AUTO:
        sel = selection_model(inst)
        lp = selection_lp(inst)
        if lp is not None:
            bounds.append(lp[0])
            cut_and_hint(sel, inst, *lp)
            steps.append(f"LP bound {lp[0]}")
            report(None, lp[0])
        solver, status = solve(
            sel.model,
            seconds=0.4 * left(),
            workers=nw,
            seed=seed,
            gap=1e-4,
            callback=reporter(False, True),
        )
        steps.append(f"selection {solver.status_name(status)} in {solver.wall_time:.2f}s")
        if status == cp_model.INFEASIBLE:
            explain(inst, pairs, seconds=min(10.0, max(2.0, left())))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bounds.append(int(round(solver.best_objective_bound)))
            chosen = [p for p, y in sel.pair_vars.items() if solver.boolean_value(y)]
            partial, missing = _greedy(inst, chosen)
            steps.append(f"greedy placed {len(partial)}/{len(chosen)}")
            placed = (
                _place(inst, chosen, partial, 0.5 * left(), nw, seed, steps, reporter(True, False))
                if missing
                else partial
            )
    if placed is None:  # strategy FULL, or the chosen meetings could not keep every rule
        full = time_indexed_model(inst, pairs, hint=partial.items())
        solver, status = solve(
            full.model, seconds=left(), workers=nw, seed=seed, callback=reporter(True, True)
        )
        steps.append(f"time-indexed {solver.status_name(status)} in {solver.wall_time:.2f}s")
        if status == cp_model.INFEASIBLE:
            explain(inst, pairs, seconds=min(10.0, max(2.0, left())))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise ScheduleTimeoutError(
                f"no schedule found within {time_limit:g} s for {inst.n} participants; "
                "allow more time (--time-limit) or ask for fewer must-meets and minimums"
            )
        bounds.append(int(round(solver.best_objective_bound)))
        proven = status == cp_model.OPTIMAL
        placed = {p: s for (p, s), x in full.slot_vars.items() if solver.boolean_value(x)}
    placed = _drop_worthless(inst, _fill(inst, pairs, placed))
    objective = sum(inst.weights[p] for p in placed)
    bound = max(min(bounds), objective)  # a bound is never below a schedule that exists
    seconds = time.monotonic() - start
    log.debug("scheduled %d meetings in %.2fs: %s", len(placed), seconds, "; ".join(steps))
    optimal = proven or objective >= bound
    report(objective, bound, found)
    tables = _tables(inst, placed)
    return Schedule(tables, objective, bound, optimal, seconds, steps, _declined(inst, placed))


def _place(
    inst: Instance,
    chosen: list[Pair],
    greedy: Placed,
    seconds: float,
    workers: int,
    seed: int,
    steps: list[str],
    callback: SolutionReporter | None = None,
) -> Placed | None:
    """Slots for the chosen meetings by CP-SAT; None when the rules cannot be kept that way."""
    built = time_indexed_model(inst, chosen, hint=greedy.items())
    solver, status = solve(
        built.model, seconds=seconds, workers=workers, seed=seed, callback=callback
    )
    steps.append(f"placement {solver.status_name(status)} in {solver.wall_time:.2f}s")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {p: s for (p, s), x in built.slot_vars.items() if solver.boolean_value(x)}


def _greedy(inst: Instance, chosen: list[Pair]) -> tuple[Placed, list[Pair]]:
    """Most constrained first into the least loaded slot both sides have free."""
    degree: dict[int, int] = defaultdict(int)
    for i, j in chosen:
        degree[i] += 1
        degree[j] += 1
    order = sorted(
        chosen,
        key=lambda p: (
            p not in inst.must,
            len(inst.common(*p)),
            -(degree[p[0]] + degree[p[1]]),
            -inst.weights[p],
            p,
        ),
    )
    busy: dict[int, dict[int, Pair]] = defaultdict(dict)  # participant → slot → pair
    load = [0] * inst.n_slots
    placed: Placed = {}
    missing: list[Pair] = []
    for i, j in order:
        options = [
            s
            for s in inst.common(i, j)
            if s not in busy[i] and s not in busy[j] and load[s] < inst.tables
        ]
        if not options and _kempe_move(inst, (i, j), busy, load, placed):
            options = [s for s in inst.common(i, j) if s not in busy[i] and s not in busy[j]]
            options = [s for s in options if load[s] < inst.tables]
        if not options:
            missing.append((i, j))
            continue
        s = min(options, key=lambda s: (load[s], s))
        placed[(i, j)] = s
        busy[i][s] = busy[j][s] = (i, j)
        load[s] += 1
    return placed, missing


def _kempe_move(
    inst: Instance,
    pair: Pair,
    busy: dict[int, dict[int, Pair]],
    load: list[int],
    placed: Placed,
) -> bool:
    """Free a common slot for ``pair`` by moving one blocking meeting elsewhere."""
    i, j = pair
    for s in inst.common(i, j):
        if load[s] >= inst.tables:
            continue
        blockers = [busy[x][s] for x in (i, j) if s in busy[x]]
        if len(blockers) != 1:
            continue
        a, b = blockers[0]
        for t in inst.common(a, b):
            if t != s and t not in busy[a] and t not in busy[b] and load[t] < inst.tables:
                del busy[a][s], busy[b][s]
                busy[a][t] = busy[b][t] = (a, b)
                placed[(a, b)] = t
                load[s] -= 1
                load[t] += 1
                return True
    return False


def _fill(
    inst: Instance, pairs: list[Pair], placed: Placed, weights: dict[Pair, int] | None = None
) -> Placed:
    """Add the best unscheduled candidates wherever a table and both sides are free;
    ``weights`` (default the instance's) say which are worth a table (> 0) and in what
    order."""
    weights = inst.weights if weights is None else weights
    out = dict(placed)
    busy: dict[int, set[int]] = defaultdict(set)
    load = [0] * inst.n_slots
    for (i, j), s in out.items():
        busy[i].add(s)
        busy[j].add(s)
        load[s] += 1
    for i, j in sorted(pairs, key=lambda p: (-weights[p], p)):
        if (i, j) in out or weights[(i, j)] <= 0:
            continue
        if len(busy[i]) >= inst.max_meetings[i] or len(busy[j]) >= inst.max_meetings[j]:
            continue
        free = [
            s
            for s in inst.common(i, j)
            if s not in busy[i] and s not in busy[j] and load[s] < inst.tables
        ]
        if free:
            s = min(free, key=lambda s: (load[s], s))
            out[(i, j)] = s
            busy[i].add(s)
            busy[j].add(s)
            load[s] += 1
    return out


def _declined(inst: Instance, placed: Placed) -> int:
    """Free table slots that exploratory meetings would fill if evidence did not count."""
    return len(_fill(inst, sorted(inst.exploratory), placed, inst.exploratory)) - len(placed)


def _drop_worthless(inst: Instance, placed: Placed) -> Placed:
    """Meetings worth nothing stay only when a must-meet or someone's minimum needs them."""
    count: dict[int, int] = defaultdict(int)
    for i, j in placed:
        count[i] += 1
        count[j] += 1
    out = dict(placed)
    for p in sorted(placed):
        i, j = p
        if inst.weights[p] > 0 or p in inst.must:
            continue
        if count[i] > inst.min_meetings[i] and count[j] > inst.min_meetings[j]:
            del out[p]
            count[i] -= 1
            count[j] -= 1
    return out


def _tables(inst: Instance, placed: Placed) -> tuple[Assignment, ...]:
    """Table numbers per slot; a participant keeps the table of its last meeting if free."""
    by_slot: dict[int, list[Pair]] = defaultdict(list)
    for p, s in placed.items():
        by_slot[s].append(p)
    last: dict[int, int] = {}
    out: list[Assignment] = []
    for s in sorted(by_slot):
        meetings = sorted(by_slot[s])
        free = set(range(inst.tables))
        table: dict[Pair, int] = {}
        for i, j in meetings:
            for t in (last.get(i), last.get(j)):
                if t is not None and t in free:
                    table[(i, j)] = t
                    free.discard(t)
                    break
        for p in meetings:
            if p not in table:
                table[p] = min(free)
                free.discard(table[p])
        for (i, j), t in table.items():
            last[i] = last[j] = t
            out.append(Assignment(s, t, i, j))
    return tuple(sorted(out, key=lambda a: (a.slot, a.table)))
