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
from matcher.events.infeasible import InfeasibleScheduleError, Problem
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
from matcher.events.pairs import PairScore, PairScores, score_pairs
from matcher.events.planner import plan_event, plan_from_scores
from matcher.events.problem import Instance, build_instance
from matcher.events.results import Link, Meeting, Plan, ShortlistEntry, SolveStatus, why_for
from matcher.events.scheduler import Schedule, ScheduleTimeoutError, Strategy, schedule
from matcher.events.shortlist import Shortlist, shortlist, theme_pool
from matcher.events.store import EventStore

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
