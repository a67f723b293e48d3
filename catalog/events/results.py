"""What the planner hands back and the event store keeps: meetings with their reasons.

A stored plan must still print the same agendas after the catalog changed, so it carries
names, scores and the need → offer links that justified each meeting, not just ids.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from catalog.events.model import Event, Preference
from catalog.events.note import HistoryNote

__all__ = ["Link", "Meeting", "Plan", "ShortlistEntry", "SolveStatus", "why_for"]

_ARRANGED = "主办方安排 arranged by the organiser"  # a meeting with no stated reason
EXPLORATORY = "探索性 exploratory"  # a meeting without a need → offer pair as evidence


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SolveStatus(enum.StrEnum):
    OPTIMAL = "optimal"  # the objective equals the bound
    FEASIBLE = "feasible"  # every constraint holds; the gap says how far from the bound


class Link(_Model):
    """One need of one organisation met by one offer of another: the reason to meet."""

    needer: str
    need: str
    offerer: str
    offer: str
    score: float


class Meeting(_Model):
    """One 1:1 meeting: slot and table are 1-based, ``a`` < ``b``."""

    slot: int = Field(ge=1)
    table: int = Field(ge=1)
    a: str
    b: str
    score: float  # reciprocal (mutual) pair score
    links: tuple[Link, ...] = ()
    relation: str = ""  # chain link, e.g. "锂电材料 → 电芯（上游供应）"
    requested: Preference | None = None
    # no need of either side met by an offer of the other above the evidence threshold:
    # held for a request or a participant's minimum, resting on ``rests_on`` (as printed)
    exploratory: bool = False
    rests_on: tuple[str, ...] = ()
    follow_up: str = ""  # the event whose outcome "follow_up" made this pair a wish

    def why(self, names: dict[str, str]) -> str:
        """The reason in neutral words, for the organiser."""
        bits = [
            f"{names.get(x.needer, x.needer)}需求「{x.need}」← "
            f"{names.get(x.offerer, x.offerer)}供给「{x.offer}」"
            for x in self.links[:2]
        ]
        return "；".join(_basis(self) + bits + _tail(self)) or _ARRANGED

    def supplier(self) -> str | None:
        """Who supplies whom, by the strongest link: the offerer."""
        return self.links[0].offerer if self.links else None


def why_for(meeting: Meeting, viewer: str) -> str:
    """The reason from one company's side: your need ← their offer, your offer → their need."""
    bits = []
    for x in meeting.links[:2]:
        if x.needer == viewer:
            bits.append(f"您的需求「{x.need}」← 对方供给「{x.offer}」")
        else:
            bits.append(f"您的供给「{x.offer}」→ 对方需求「{x.need}」")
    return "；".join(_basis(meeting) + bits + _tail(meeting)) or _ARRANGED


def _basis(meeting: Meeting) -> list[str]:
    if not meeting.exploratory:
        return []
    basis = "，依据 " + "、".join(meeting.rests_on) if meeting.rests_on else ""
    return [f"{EXPLORATORY}：无达到阈值的需求→供给证据{basis}"]


def _tail(meeting: Meeting) -> list[str]:
    out = []
    if meeting.relation:
        out.append(f"产业链：{meeting.relation}")
    if meeting.follow_up:
        must = "，主办方指定 must-meet" if meeting.requested is Preference.MUST_MEET else ""
        out.append(f"跟进 follow-up of {meeting.follow_up}{must}")
    elif meeting.requested is Preference.MUST_MEET:
        out.append("主办方指定 must-meet")
    elif meeting.requested is Preference.MEET:
        out.append("应邀约见 requested")
    return out


class ShortlistEntry(_Model):
    """Why an organisation was invited: its strong mutual matches among the invited."""

    org_id: str
    name: str
    strength: float  # sum of its strong reciprocal scores with the other invited
    reason: str
    wave: int | None = None  # invitation wave: 1 chain leaders (链主) and suppliers, 2 the rest
    favour: float = 1.0  # the factor --favour-unserved gave its shortlist gain


class Plan(_Model):
    """An event with its schedule: what `event plan` stores and `event export` prints."""

    event: Event
    names: dict[str, str]
    meetings: tuple[Meeting, ...]
    objective: float
    bound: float
    gap: float
    status: SolveStatus
    solve_seconds: float = 0.0
    candidate_pairs: int = 0
    shortlist: tuple[ShortlistEntry, ...] = ()
    created_at: dt.datetime | None = None
    # table slots left empty where only a meeting without evidence could have been held
    declined_exploratory: int = 0
    history: HistoryNote | None = None  # what the park's past meetings did to this plan

    def name(self, org_id: str) -> str:
        return self.names.get(org_id, org_id)

    def meetings_of(self, org_id: str) -> list[Meeting]:
        return sorted((m for m in self.meetings if org_id in (m.a, m.b)), key=lambda m: m.slot)

    def meeting(self, a: str, b: str) -> Meeting | None:
        lo, hi = sorted((a, b))
        return next((m for m in self.meetings if (m.a, m.b) == (lo, hi)), None)

    def evidence_counts(self) -> dict[str, int]:
        """Exploratory meetings (and how many of them a request or a minimum forced),
        empty table slots, and those left empty rather than hold a meeting without
        evidence."""
        explore = [m for m in self.meetings if m.exploratory]
        return {
            "exploratory_meetings": len(explore),
            "exploratory_requested": sum(m.requested is not None for m in explore),
            "empty_table_slots": max(
                0, len(self.event.slots) * self.event.tables - len(self.meetings)
            ),
            "declined_exploratory": self.declined_exploratory,
        }

    def evidence_note(self) -> str:
        """One sentence on the meetings without evidence, for the planner's output."""
        c = self.evidence_counts()
        forced = c["exploratory_meetings"] - c["exploratory_requested"]
        return (
            f"{c['exploratory_meetings']} exploratory (探索性) meeting(s) without a need → offer "
            f"pair above the evidence threshold ({c['exploratory_requested']} requested, "
            f"{forced} held only because a participant's minimum needs them); "
            f"{c['empty_table_slots']} table slot(s) empty, {c['declined_exploratory']} of them "
            "left empty rather than filled with a meeting that has no evidence"
        )

    def to_json(self) -> dict[str, Any]:
        """The `event plan --json` document: meetings, objective, the solver's bound, the gap."""
        return {
            "event_id": self.event.id,
            "status": self.status.value,
            "meetings": [
                {
                    "slot": m.slot,
                    "start": f"{self.event.slots[m.slot - 1]:%H:%M}",
                    "table": m.table,
                    "a": m.a,
                    "b": m.b,
                    "score": round(m.score, 4),
                    "why": m.why(self.names),
                    "exploratory": m.exploratory,
                    "rests_on": list(m.rests_on),
                    "follow_up": m.follow_up,
                }
                for m in sorted(self.meetings, key=lambda m: (m.slot, m.table))
            ],
            "objective": round(self.objective, 4),
            "bound": round(self.bound, 4),
            "gap": round(self.gap, 6),
            **self.evidence_counts(),
            "evidence_note": self.evidence_note(),
            "history": None
            if self.history is None
            else {"window_days": self.history.window_days, **self.history.counts()},
            "history_note": "" if self.history is None else self.history.note(),
        }
