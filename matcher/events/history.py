"""History rules of an event series: which pairs a new plan leaves out, and why.

A park plans a *series* of events, so the next one must not seat two companies who just
met. For each pair, the rules look at its meetings at stored events within
``window_days`` of the new event's date (either side: a later event already planned counts
too) and take the last one that counts as a meeting:

- ``held`` or ``signed``, or scheduled with no outcome recorded yet: the pair is excluded
  (it becomes a met-before pair of the event);
- ``follow_up`` (on or before the new date): both sides asked to talk again, so the pair
  becomes a ``meet`` wish — or a ``must_meet`` with ``FollowUps.MUST``;
- ``no_show`` never counts: the two did not meet.

The event's own definition wins: a pair it asks to meet is kept (and listed as such), a
no-thanks pair stays no-thanks. Favouring the unserved reads the same meetings: how often
an organisation met before, and whether it ever signed.

Example usage::

    rules = HistoryRules(window_days=180)
    event, note = apply_history(event, judge(store.past_meetings(), event.date, rules), rules)
    note.counts()["excluded"]
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from catalog.errors import InvalidInputError
from catalog.events.history import PastMeeting
from catalog.events.model import Event, Preference, pair_key, parse_event
from catalog.events.note import Excluded, FollowUps, FollowUpWish, HistoryNote, Reason
from catalog.events.outcomes import OutcomeStatus
from catalog.events.store import EventStore

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "FollowUps",
    "History",
    "HistoryRules",
    "Service",
    "Verdicts",
    "apply_history",
    "judge",
    "load_history",
    "parse_window",
    "service_record",
    "unserved_factors",
]

DEFAULT_WINDOW_DAYS = 180
MAX_WINDOW_DAYS = 3650
_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}

Pair = tuple[str, str]


@dataclass(frozen=True)
class HistoryRules:
    """``window_days`` 0 switches history off (a history-blind plan)."""

    window_days: int = DEFAULT_WINDOW_DAYS
    follow_ups: FollowUps = FollowUps.MEET

    def checked(self) -> HistoryRules:
        if not 0 <= self.window_days <= MAX_WINDOW_DAYS:
            raise InvalidInputError(
                f"not_again_within: expected 0..{MAX_WINDOW_DAYS} days, got {self.window_days}"
            )
        return self

    @property
    def preference(self) -> Preference:
        return Preference.MUST_MEET if self.follow_ups is FollowUps.MUST else Preference.MEET


@dataclass(frozen=True)
class History:
    """The stored meetings a plan looks at, and the rules it applies to them."""

    past: tuple[PastMeeting, ...] = ()
    rules: HistoryRules = HistoryRules()

    def verdicts(self, day: dt.date) -> Verdicts:
        return judge(self.past, day, self.rules)

    def service(self, day: dt.date) -> dict[str, Service]:
        return service_record(self.past, day)


def load_history(
    store: EventStore, event: Event, rules: HistoryRules, *, replace: bool = False
) -> History | None:
    """The park's stored meetings for planning ``event`` (None when ``rules`` switch history
    off): only those of its participants when it lists them, and never its own when it is
    re-planned (``replace``)."""
    if rules.checked().window_days == 0:
        return None
    past = store.past_meetings(
        org_ids=event.participant_ids or None,
        exclude_event=event.id if replace else None,
    )
    return History(tuple(past), rules)


def parse_window(text: str) -> int:
    """Days in a window written ``180d``, ``26w``, ``6m`` (30 days), ``1y`` or ``180``."""
    got = re.fullmatch(r"\s*(\d{1,5})\s*([dwmy]?)\s*", text.lower())
    if got is None:
        raise InvalidInputError(
            f"not_again_within: {text!r} is not a window; write e.g. 180d, 26w, 6m or 1y "
            "(0 switches history off)"
        )
    days = int(got.group(1)) * _UNITS[got.group(2) or "d"]
    return HistoryRules(window_days=days).checked().window_days


@dataclass(frozen=True)
class Verdicts:
    """Per pair over the whole history: excluded (with the meeting that did it) or a
    follow-up wish (with its meeting)."""

    excluded: dict[Pair, tuple[Reason, PastMeeting]] = field(default_factory=dict)
    follow_ups: dict[Pair, PastMeeting] = field(default_factory=dict)
    looked_at: int = 0

    def excluded_pairs(self) -> frozenset[Pair]:
        return frozenset(self.excluded)


def _reason(status: OutcomeStatus | None) -> Reason:
    if status is None:
        return Reason.SCHEDULED
    return Reason.SIGNED if status is OutcomeStatus.SIGNED else Reason.HELD


def judge(past: Iterable[PastMeeting], day: dt.date, rules: HistoryRules) -> Verdicts:
    """Which pairs met within the window around ``day``, by their last meeting."""
    rules.checked()
    if rules.window_days == 0:
        return Verdicts()
    last: dict[Pair, PastMeeting] = {}
    n = 0
    for m in past:
        n += 1
        if not m.met or abs((day - m.date).days) > rules.window_days:
            continue
        key = pair_key(m.a, m.b)
        seen = last.get(key)
        if seen is None or (m.date, m.event_id) >= (seen.date, seen.event_id):
            last[key] = m
    out = Verdicts(looked_at=n)
    for key, m in last.items():
        if m.status is OutcomeStatus.FOLLOW_UP and m.date <= day:
            out.follow_ups[key] = m
        else:
            out.excluded[key] = (_reason(m.status), m)
    return out


def apply_history(
    event: Event, verdicts: Verdicts, rules: HistoryRules
) -> tuple[Event, HistoryNote]:
    """The event with history's pairs among its participants: excluded pairs become
    met-before, follow-ups become wishes; and the note that says so."""
    ids = set(event.participant_ids)
    asked = {pair_key(r.a, r.b): r.preference for r in event.pairs}
    refused = {pair_key(a, b) for a, b in event.met_before}
    excluded: list[Excluded] = []
    kept: list[Excluded] = []
    met_before: list[Pair] = []
    for key, (reason, m) in sorted(verdicts.excluded.items()):
        if key[0] not in ids or key[1] not in ids:
            continue
        row = Excluded(a=key[0], b=key[1], reason=reason, event_id=m.event_id, date=m.date)
        if asked.get(key) in (Preference.MEET, Preference.MUST_MEET):
            kept.append(row)
            continue
        excluded.append(row)
        if key not in refused and key not in asked:
            met_before.append(key)
    wishes: list[FollowUpWish] = []
    for key, m in sorted(verdicts.follow_ups.items()):
        if key[0] in ids and key[1] in ids and key not in asked and key not in refused:
            wishes.append(
                FollowUpWish(
                    a=key[0],
                    b=key[1],
                    event_id=m.event_id,
                    date=m.date,
                    preference=rules.preference,
                )
            )
    note = HistoryNote(
        window_days=rules.window_days,
        excluded=tuple(excluded),
        follow_ups=tuple(wishes),
        kept_requested=tuple(kept),
        past_meetings=verdicts.looked_at,
    )
    if not met_before and not wishes:
        return event, note
    doc = event.model_dump(mode="json")
    doc["met_before"] = [*doc["met_before"], *([a, b] for a, b in met_before)]
    doc["pairs"] = [
        *doc["pairs"],
        *({"a": w.a, "b": w.b, "preference": w.preference.value} for w in wishes),
    ]
    return parse_event(doc), note


@dataclass(frozen=True)
class Service:
    """How well the park served one organisation before a date."""

    meetings: int = 0  # meetings that took place (or were scheduled and not a no-show)
    partnered: bool = False  # at least one signed cooperation

    @property
    def unserved(self) -> float:
        """0..1: ½ · 1/(1 + meetings) + ½ if no partner yet (1 = never met, no partner)."""
        return 0.5 / (1 + self.meetings) + (0.0 if self.partnered else 0.5)


def service_record(past: Iterable[PastMeeting], day: dt.date) -> dict[str, Service]:
    """Per organisation: its meetings at events before ``day``, and whether it signed."""
    meetings: dict[str, int] = {}
    partnered: set[str] = set()
    for m in past:
        if m.date >= day or not m.met:
            continue
        for x in (m.a, m.b):
            meetings[x] = meetings.get(x, 0) + 1
        if m.status is OutcomeStatus.SIGNED:
            partnered.update((m.a, m.b))
    return {x: Service(n, x in partnered) for x, n in meetings.items()}


def unserved_factors(
    record: Mapping[str, Service], ids: Sequence[str], weight: float
) -> dict[str, tuple[float, str]]:
    """Per organisation, the factor on its shortlist gain (1 + weight · unserved) and the
    words the shortlist reason shows."""
    if not 0 <= weight <= 10:
        raise InvalidInputError(f"favour_unserved: expected a weight in 0..10, got {weight}")
    out = {}
    for x in ids:
        s = record.get(x, Service())
        factor = 1 + weight * s.unserved
        partner = "partner found" if s.partnered else "no partner yet"
        out[x] = (
            factor,
            f"优先未服务 favour-unserved ×{factor:.2f} (weight {weight:g}: "
            f"{s.meetings} past meeting(s), {partner})",
        )
    return out
