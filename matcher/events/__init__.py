"""Matchmaking event planner (供需对接会): shortlist, 1:1 schedule, agendas, outcomes.

Example usage::

    from matcher.events import EventStore, parse_event, plan_event, export_plan

    event = parse_event({"name": "新能源汽车红链相亲会", "date": "2026-12-01",
                         "theme": {"chains": ["nev"]}, "slots": ["09:00", "09:20"],
                         "tables": 10})
    plan = plan_event(engine, event, participants=40, time_limit=10)
    with EventStore(workspace.paths.db) as store:
        plan = store.save_plan(plan)
    export_plan(plan, Path("out"))
"""

from __future__ import annotations

import importlib
import sys
import types
import typing

from matcher.events.agenda import AgendaItem, agendas, grid, meeting_rows
from matcher.events.exports import (
    ExportFormat,
    export_plan,
    ics_calendar,
    render_html,
    write_csv,
    write_html,
    write_ics,
    write_xlsx,
)
from matcher.events.model import (
    Event,
    PairRequest,
    Participant,
    Preference,
    Theme,
    load_event,
    pair_key,
    parse_event,
    regular_slots,
)
from matcher.events.outcomes import (
    EventStats,
    Outcome,
    OutcomeStatus,
    Totals,
    event_stats,
    gold_lines,
    load_outcomes,
    parse_outcome,
    totals,
    write_gold,
)
from matcher.events.results import Link, Meeting, Plan, ShortlistEntry, SolveStatus, why_for
from matcher.events.store import EventStore

if typing.TYPE_CHECKING:
    from matcher.events.infeasible import InfeasibleScheduleError, Problem
    from matcher.events.pairs import PairScore, PairScores, score_pairs
    from matcher.events.planner import plan_event, plan_from_scores
    from matcher.events.problem import Instance, build_instance
    from matcher.events.scheduler import Schedule, ScheduleTimeoutError, Strategy, schedule
    from matcher.events.shortlist import Shortlist, shortlist, theme_pool

__all__ = [
    "AgendaItem",
    "Event",
    "EventStats",
    "EventStore",
    "ExportFormat",
    "InfeasibleScheduleError",
    "Instance",
    "Link",
    "Meeting",
    "Outcome",
    "OutcomeStatus",
    "PairRequest",
    "PairScore",
    "PairScores",
    "Participant",
    "Plan",
    "Preference",
    "Problem",
    "Schedule",
    "ScheduleTimeoutError",
    "Shortlist",
    "ShortlistEntry",
    "SolveStatus",
    "Strategy",
    "Theme",
    "Totals",
    "agendas",
    "build_instance",
    "event_stats",
    "export_plan",
    "gold_lines",
    "grid",
    "load_outcomes",
    "ics_calendar",
    "load_event",
    "meeting_rows",
    "pair_key",
    "parse_event",
    "parse_outcome",
    "plan_event",
    "plan_from_scores",
    "regular_slots",
    "render_html",
    "schedule",
    "score_pairs",
    "shortlist",
    "theme_pool",
    "totals",
    "why_for",
    "write_csv",
    "write_gold",
    "write_html",
    "write_ics",
    "write_xlsx",
]

# The planning side loads on first use (PEP 562): it needs OR-Tools and the engine (FAISS),
# while the event data, its storage and the exports above stay cheap to import.
_LAZY: dict[str, tuple[str, ...]] = {
    "matcher.events.infeasible": ("InfeasibleScheduleError", "Problem"),
    "matcher.events.pairs": ("PairScore", "PairScores", "score_pairs"),
    "matcher.events.planner": ("plan_event", "plan_from_scores"),
    "matcher.events.problem": ("Instance", "build_instance"),
    "matcher.events.scheduler": ("Schedule", "ScheduleTimeoutError", "Strategy", "schedule"),
    "matcher.events.shortlist": ("Shortlist", "shortlist", "theme_pool"),
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> object:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Loading the submodule ``shortlist`` must not hide the function ``shortlist``: the
    import system binds a submodule on its package, which the eager imports used to undo."""

    def __setattr__(self, name: str, value: object) -> None:
        if not (name in _MODULE_OF and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
