"""How far a plan has got: the phase, a fraction, and the solver's best objective and bound.

Planning a big event takes a while (pair scoring grows with the square of the pool, the
solver runs up to its time limit), so a caller that shows it to a person — the console's
plan wizard, through a job — gets a `PlanProgress` at each step: after every scored
organisation, at the LP bound, at every better solution CP-SAT finds, and when done.

Example usage::

    seen: list[PlanProgress] = []
    plan = plan_event(engine, event, participants=20, on_progress=seen.append)
    seen[-1].phase is PlanPhase.DONE and seen[-1].gap == plan.gap
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

__all__ = ["PlanPhase", "PlanProgress", "ProgressFn", "SolutionReporter", "SolveReport"]


class PlanPhase(enum.StrEnum):
    SCORING = "scoring"  # reciprocal pair scores, one organisation after the other
    SOLVING = "solving"  # CP-SAT: selection relaxation, placement
    DONE = "done"


@dataclass(frozen=True)
class PlanProgress:
    """One step. ``fraction`` is of the whole plan (scoring counts for the first half);
    ``objective`` (of the best *schedule* found) and ``bound`` (an upper bound on every
    schedule) are in pair-score units, None until the solver has them: the selection
    relaxation gives the bound first, a schedule's objective comes with its placement."""

    phase: PlanPhase
    fraction: float
    objective: float | None = None
    bound: float | None = None
    solutions: int = 0

    @property
    def gap(self) -> float | None:
        """(bound − objective) ÷ bound, as the plan reports it; None before both exist."""
        if self.objective is None or self.bound is None:
            return None
        return 0.0 if self.bound <= 0 else max(0.0, (self.bound - self.objective) / self.bound)


ProgressFn = Callable[[PlanProgress], None]


@dataclass(frozen=True)
class SolveReport:
    """What the scheduler says while it solves, in its own integer weights."""

    elapsed: float  # seconds since the schedule started
    time_limit: float
    objective: int | None
    bound: int | None
    solutions: int = 0


class SolutionReporter(cp_model.CpSolverSolutionCallback):
    """Calls ``report`` with the objective and bound of each better solution CP-SAT finds."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(int(round(self.objective_value)), int(round(self.best_objective_bound)))
