"""Matchmaking events as data: the definition, the stored plan, outcomes, and their storage.

Planning (shortlist and 1:1 schedule) is in `matcher.events`; agendas and file exports
(XLSX, CSV, ICS, HTML) are presentation and live in `service.exports`.

Example usage::

    from catalog.events import EventStore, parse_event

    event = parse_event({"name": "新能源汽车红链相亲会", "date": "2026-12-01",
                         "theme": {"chains": ["nev"]}, "slots": ["09:00", "09:20"],
                         "tables": 10})
    plan = matcher.events.plan_event(engine, event, participants=40, time_limit=10)
    with EventStore(paths.db) as store:
        plan = store.save_plan(plan)
"""

from __future__ import annotations

from catalog.events.history import PastMeeting
from catalog.events.model import (
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
from catalog.events.note import Excluded, FollowUps, FollowUpWish, HistoryNote, Reason
from catalog.events.outcomes import (
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
from catalog.events.results import Link, Meeting, Plan, ShortlistEntry, SolveStatus, why_for
from catalog.events.series import (
    REFERENCE_RATE,
    ChainRow,
    MonthRow,
    SeriesStats,
    in_series,
    series_stats,
    stored_series_stats,
)
from catalog.events.store import EventStore

__all__ = [
    "REFERENCE_RATE",
    "ChainRow",
    "Event",
    "EventStats",
    "EventStore",
    "Excluded",
    "FollowUpWish",
    "FollowUps",
    "HistoryNote",
    "Link",
    "Meeting",
    "MonthRow",
    "Outcome",
    "OutcomeStatus",
    "PairRequest",
    "PastMeeting",
    "Participant",
    "Plan",
    "Preference",
    "Reason",
    "SeriesStats",
    "ShortlistEntry",
    "SolveStatus",
    "Theme",
    "Totals",
    "event_stats",
    "gold_lines",
    "in_series",
    "load_event",
    "load_outcomes",
    "pair_key",
    "parse_event",
    "parse_outcome",
    "regular_slots",
    "series_stats",
    "stored_series_stats",
    "totals",
    "why_for",
    "write_gold",
]
