"""Matchmaking event planner (供需对接会): who should come, and who meets whom when.

The event definition, the plan it produces and its storage are data (`catalog.events`);
agendas and exports are presentation (`service.exports`). Planning uses the engine
through its public API only.

Example usage::

    from catalog.events import EventStore, parse_event
    from matcher.events import plan_event

    event = parse_event({"name": "新能源汽车红链相亲会", "date": "2026-12-01",
                         "theme": {"chains": ["nev"]}, "slots": ["09:00", "09:20"],
                         "tables": 10})
    plan = plan_event(engine, event, participants=40, time_limit=10)
    with EventStore(workspace.paths.db) as store:
        plan = store.save_plan(plan)
"""

from __future__ import annotations

from matcher.events.history import (
    DEFAULT_WINDOW_DAYS,
    FollowUps,
    History,
    HistoryRules,
    Service,
    Verdicts,
    apply_history,
    judge,
    load_history,
    parse_window,
    service_record,
    unserved_factors,
)
from matcher.events.infeasible import InfeasibleScheduleError, Problem
from matcher.events.pairs import PairScore, PairScores, score_pairs
from matcher.events.planner import plan_event, plan_from_pool, plan_from_scores
from matcher.events.problem import Instance, build_instance
from matcher.events.progress import PlanPhase, PlanProgress, ProgressFn
from matcher.events.scheduler import Schedule, ScheduleTimeoutError, Strategy, schedule
from matcher.events.shortlist import Shortlist, shortlist, shortlist_from_scores, theme_pool
from matcher.events.waves import Waves, chain_waves

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "FollowUps",
    "History",
    "HistoryRules",
    "InfeasibleScheduleError",
    "Instance",
    "PairScore",
    "PairScores",
    "PlanPhase",
    "PlanProgress",
    "Problem",
    "ProgressFn",
    "Schedule",
    "ScheduleTimeoutError",
    "Service",
    "Shortlist",
    "Strategy",
    "Verdicts",
    "Waves",
    "apply_history",
    "build_instance",
    "chain_waves",
    "judge",
    "load_history",
    "parse_window",
    "plan_event",
    "plan_from_pool",
    "plan_from_scores",
    "schedule",
    "score_pairs",
    "service_record",
    "shortlist",
    "shortlist_from_scores",
    "theme_pool",
    "unserved_factors",
]
