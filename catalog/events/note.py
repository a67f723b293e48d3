"""What the park's history did to one plan: the pairs it kept apart and the follow-ups.

Stored with the plan (`Plan.history`), so a plan still says how many pairs history
excluded, and why, after more events were held. The rules that fill it are in
`matcher.events.history`; the meetings they read are `catalog.events.history.PastMeeting`.

Example usage::

    plan.history.counts()   # {"excluded": 12, "held": 9, "signed": 1, ...}
    plan.history.note()     # one sentence for the planner's output
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter

from pydantic import BaseModel, ConfigDict

from catalog.events.model import Preference

__all__ = ["Excluded", "FollowUpWish", "FollowUps", "HistoryNote", "Reason"]


class FollowUps(enum.StrEnum):
    """What a pair whose last outcome was ``follow_up`` becomes in the next plan."""

    MEET = "meet"  # a wish: worth the wish bonus in the objective
    MUST = "must"  # a must-meet: scheduled whatever else happens


class Reason(enum.StrEnum):
    """Why history left a pair out of a plan: what its last meeting in the window was."""

    HELD = "held"
    SIGNED = "signed"
    SCHEDULED = "scheduled"  # at a stored event whose outcome is not recorded yet


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Excluded(_Model):
    """A pair of participants history kept apart, with the meeting that did it."""

    a: str
    b: str
    reason: Reason
    event_id: str
    date: dt.date


class FollowUpWish(_Model):
    """A pair whose last meeting ended in ``follow_up``: a wish (or must-meet) in this plan."""

    a: str
    b: str
    event_id: str
    date: dt.date
    preference: Preference


class HistoryNote(_Model):
    """What the park's history did to one plan, per pair (participants only)."""

    window_days: int
    excluded: tuple[Excluded, ...] = ()
    follow_ups: tuple[FollowUpWish, ...] = ()
    # pairs history would exclude that the event's own definition asks to meet
    kept_requested: tuple[Excluded, ...] = ()
    past_meetings: int = 0  # stored meetings the rules looked at

    def counts(self) -> dict[str, int]:
        """Excluded pairs, by reason, and follow-up wishes."""
        by = Counter(e.reason.value for e in self.excluded)
        return {
            "excluded": len(self.excluded),
            **{r.value: by[r.value] for r in Reason},
            "follow_up_wishes": len(self.follow_ups),
            "kept_requested": len(self.kept_requested),
        }

    def note(self) -> str:
        """One sentence for the planner's output."""
        c = self.counts()
        return (
            f"history ({self.window_days}-day window, {self.past_meetings} stored meeting(s)): "
            f"{c['excluded']} pair(s) excluded because they met within the window "
            f"({c['held']} held, {c['signed']} signed, {c['scheduled']} scheduled without an "
            f"outcome yet; no-shows do not count), {c['follow_up_wishes']} follow-up(s) made "
            f"wishes, {c['kept_requested']} requested pair(s) kept despite a recent meeting"
        )

    def per_participant(self) -> dict[str, list[Excluded]]:
        """Each participant's excluded partners, for `event plan --history-detail`."""
        out: dict[str, list[Excluded]] = {}
        for e in self.excluded:
            out.setdefault(e.a, []).append(e)
            out.setdefault(e.b, []).append(e)
        return {k: sorted(v, key=lambda e: (e.a, e.b)) for k, v in sorted(out.items())}

    def follow_up_of(self, a: str, b: str) -> FollowUpWish | None:
        lo, hi = sorted((a, b))
        return next((f for f in self.follow_ups if (f.a, f.b) == (lo, hi)), None)
