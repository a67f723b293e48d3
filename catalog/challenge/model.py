"""A technical challenge (揭榜挂帅): the problem a company posts for solvers, what it pays,
by when, under which terms — and the append-only log of what happened to it.

Why a log and not a status column (as at the demand desk): the park reports how many
challenges were published, matched and signed, and for how much; every figure must be
re-derivable from who did what when. The challenge row holds only what was posted; its
state, shortlist, winners, signed amount and acceptance are read from the log.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from catalog.actors import Actor, Role
from catalog.models import OrgId

__all__ = [
    "DEFAULT_RUBRIC",
    "TERMINAL",
    "Action",
    "Actor",
    "AwardKind",
    "Challenge",
    "ChallengeState",
    "Confidentiality",
    "Criterion",
    "DeliverableLevel",
    "Entry",
    "Indicator",
    "IpDeclaration",
    "IpTerms",
    "NewChallenge",
    "Phase",
    "Role",
    "check_rubric",
]

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=4000)]
Wan = Annotated[float, Field(gt=0, le=1_000_000, description="万元 (10,000 CNY)")]
WEIGHT_TOLERANCE = 1e-6


class ChallengeState(enum.StrEnum):
    """Where a challenge is; the moves between them are in `catalog.challenge.flow`."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"  # waiting for a staff reviewer other than the author
    PUBLISHED = "published"  # 发榜: applications open until apply_by (or the deadline)
    SHORTLISTED = "shortlisted"  # some applicants kept for the final decision
    AWARDED = "awarded"  # 揭榜: the winner(s) named
    SIGNED = "signed"  # the contract signed, with its amount
    IN_DELIVERY = "in_delivery"  # 攻关: the solver works through the phases
    ACCEPTED = "accepted"  # 验收: the owner accepted the deliverable
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # by the owner or staff, before the contract
    FAILED = "failed"  # no suitable solver, the contract fell through, or acceptance failed


TERMINAL = frozenset({ChallengeState.CLOSED, ChallengeState.WITHDRAWN, ChallengeState.FAILED})


class DeliverableLevel(enum.StrEnum):
    """How far the solution must go (a TRL band in words)."""

    REPORT = "report"  # a study, a design, a test report (TRL 2–3)
    PROTOTYPE = "prototype"  # a lab prototype or sample (TRL 4–5)
    PILOT = "pilot"  # proven on a pilot line or in the field (TRL 6–7)
    PRODUCTION = "production"  # ready for series production (TRL 8–9)


class AwardKind(enum.StrEnum):
    BUDGET = "budget"  # the owner pays the solver for the work (攻关经费)
    AWARD = "award"  # a prize for solving it (奖金)


class Confidentiality(enum.StrEnum):
    """Who sees the details. Staff, the owner and applicants always see everything."""

    PUBLIC = "public"  # everyone sees everything
    SUMMARY_ONLY = "summary_only"  # others see the title, summary, level, money and dates
    CONFIDENTIAL = "confidential"  # others see that a challenge exists, its state and dates


class IpTerms(enum.StrEnum):
    """Who owns what comes out of the work (the owner's offer; ``ip_text`` says more)."""

    OWNER = "owner"  # results belong to the challenge's owner
    SOLVER = "solver"  # results belong to the solver; the owner gets a licence
    JOINT = "joint"  # jointly owned
    NEGOTIABLE = "negotiable"


class IpDeclaration(enum.StrEnum):
    """What an applicant declares about its IP (background and results)."""

    OWN_BACKGROUND = "own_background"  # brings its own background IP, licensed for the work
    ACCEPTS_TERMS = "accepts_terms"  # accepts the challenge's IP terms as posted
    JOINT = "joint"  # proposes joint ownership of the results
    LICENSED_IN = "licensed_in"  # relies on third-party IP it holds a licence for


class Action(enum.StrEnum):
    OPENED = "opened"
    MOVED = "moved"


class Indicator(BaseModel):
    """One technical indicator the solution must meet, e.g. 界面阻抗 ≤ 20 Ω·cm²."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Short
    target: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)] = ""

    def text(self) -> str:
        return f"{self.name} {self.target}{self.unit}".strip()


class Phase(BaseModel):
    """A milestone of the work; due no later than the challenge's deadline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Short
    due: dt.date


class Criterion(BaseModel):
    """One rubric criterion and its weight; a rubric's weights sum to 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    weight: float = Field(gt=0, le=1)


DEFAULT_RUBRIC: tuple[Criterion, ...] = (
    Criterion(name="technical_fit", weight=0.4),
    Criterion(name="team", weight=0.25),  # team and track record
    Criterion(name="cost", weight=0.15),
    Criterion(name="schedule", weight=0.1),
    Criterion(name="ip", weight=0.1),
)


def check_rubric(rubric: tuple[Criterion, ...]) -> None:
    """Distinct names and weights summing to 1; the message lists them."""
    names = [c.name for c in rubric]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"rubric: criterion {twice[0]!r} is listed twice")
    total = sum(c.weight for c in rubric)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        parts = ", ".join(f"{c.name} {c.weight:g}" for c in rubric)
        raise ValueError(f"rubric: weights sum to {total:.6g}, expected 1 ({parts})")


class NewChallenge(BaseModel):
    """What a company (or staff on its behalf) posts; dates are the park's local days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org_id: OrgId
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
    problem: Text
    summary: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    indicators: tuple[Indicator, ...] = Field(default=(), max_length=30)
    deliverable_level: DeliverableLevel
    award_kind: AwardKind = AwardKind.BUDGET
    amount_wan: Wan
    deadline: dt.date
    apply_by: dt.date | None = None  # applications close; default the deadline
    phases: tuple[Phase, ...] = Field(default=(), max_length=20)
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    ip_terms: IpTerms = IpTerms.NEGOTIABLE
    ip_text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    parts: tuple[Short, ...] = Field(default=(), max_length=10)  # for a consortium
    qualifications: tuple[Short, ...] = Field(default=(), max_length=10)  # wanted, e.g. CNAS
    rubric: tuple[Criterion, ...] = Field(default=DEFAULT_RUBRIC, min_length=1, max_length=10)
    source_request_id: Short | None = None  # the desk request it came from

    @model_validator(mode="after")
    def _consistent(self) -> NewChallenge:
        check_rubric(self.rubric)
        for i, phase in enumerate(self.phases):
            if phase.due > self.deadline:
                raise ValueError(
                    f"phases[{i}].due: phase {phase.name!r} is due {phase.due.isoformat()}, "
                    f"after the deadline {self.deadline.isoformat()}"
                )
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            raise ValueError("phases: each phase needs its own name")
        if self.apply_by is not None and self.apply_by > self.deadline:
            raise ValueError(
                f"apply_by: {self.apply_by.isoformat()} is after the deadline "
                f"{self.deadline.isoformat()}"
            )
        return self

    def criteria(self) -> list[str]:
        return [c.name for c in self.rubric]


@dataclass(frozen=True)
class Entry:
    """One line of a challenge's log. ``data`` holds what only some moves carry:
    ``shortlist`` and ``winners`` (organisation ids), ``amount_wan`` (signed)."""

    seq: int
    at: dt.datetime
    actor: str
    role: Role
    action: Action
    from_state: ChallengeState | None
    to_state: ChallengeState
    note: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "role": self.role.value,
            "action": self.action.value,
            "from": None if self.from_state is None else self.from_state.value,
            "to": self.to_state.value,
            "note": self.note,
            **dict(self.data),
        }


@dataclass(frozen=True)
class Challenge:
    """A posted challenge with its whole log, oldest first; everything else is derived."""

    id: str
    spec: NewChallenge
    opened_by: str
    opened_at: dt.datetime
    log: tuple[Entry, ...]

    @property
    def org_id(self) -> str:
        return self.spec.org_id

    @property
    def state(self) -> ChallengeState:
        return self.log[-1].to_state

    @property
    def last(self) -> Entry:
        return self.log[-1]

    def entered(self, state: ChallengeState) -> list[Entry]:
        """The moves into ``state``, oldest first."""
        return [e for e in self.log if e.to_state is state and e.from_state is not state]

    def ever(self, state: ChallengeState) -> bool:
        return bool(self.entered(state))

    def _last_data(self, state: ChallengeState, key: str) -> Any:
        moves = self.entered(state)
        return moves[-1].data.get(key) if moves else None

    @property
    def shortlist(self) -> tuple[str, ...]:
        return tuple(self._last_data(ChallengeState.SHORTLISTED, "shortlist") or ())

    @property
    def winners(self) -> tuple[str, ...]:
        return tuple(self._last_data(ChallengeState.AWARDED, "winners") or ())

    @property
    def signed_amount(self) -> float | None:
        value = self._last_data(ChallengeState.SIGNED, "amount_wan")
        return None if value is None else float(value)

    @property
    def matched(self) -> bool:
        """At least one application was shortlisted or awarded (the park's 'matched')."""
        return self.ever(ChallengeState.SHORTLISTED) or self.ever(ChallengeState.AWARDED)

    @property
    def submitters(self) -> set[str]:
        """Who sent it to review (the author side of the review gate), and who opened it."""
        return {self.opened_by} | {e.actor for e in self.entered(ChallengeState.IN_REVIEW)}

    def to_json(self) -> dict[str, Any]:
        """Everything (for staff, the owner and applicants; see `catalog.challenge.views`)."""
        return {
            "id": self.id,
            **self.spec.model_dump(mode="json"),
            "state": self.state.value,
            "opened_by": self.opened_by,
            "opened_at": self.opened_at.isoformat(),
            "shortlist": list(self.shortlist),
            "winners": list(self.winners),
            "signed_amount_wan": self.signed_amount,
            "matched": self.matched,
            "log": [e.to_json() for e in self.log],
        }
