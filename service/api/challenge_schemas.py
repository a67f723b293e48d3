"""Bodies of the /challenges routes: one model per direction, limits declared up front.

``ChallengeCreate`` posts a challenge (the checks across fields — phases before the
deadline, rubric weights summing to 1 — run in `service.challenge.spec_of`, so their 422
names the field just as the CLI's exit 2 does); the changes are appended moves, applications
and reviews — no model rewrites a challenge or its log, and every model forbids unknown
fields. The bearer token says who acts; ``actor`` may name the person at a shared token.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from catalog.challenge import (
    AwardKind,
    ChallengeState,
    Confidentiality,
    Criterion,
    DeliverableLevel,
    Indicator,
    IpDeclaration,
    IpTerms,
    Phase,
)
from catalog.models import OrgId

__all__ = [
    "ApplicationCreate",
    "ApplicationPublic",
    "ChallengeCreate",
    "ChallengeListPublic",
    "ChallengeMoveUpdate",
    "ChallengePublic",
    "ChallengeStatsPublic",
    "RankingPublic",
    "ReviewCreate",
    "SolversPublic",
]

Actor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PERSON = "the person acting, when the token is shared (default: the token's name)"
Wan = Annotated[float, Field(gt=0, le=1_000_000, description="万元")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    """Documents whose exact keys depend on who reads (see catalog.challenge.views)."""

    model_config = ConfigDict(extra="allow")


class ChallengeCreate(_In):
    """A challenge, posted by its owner's company token or by staff (a draft)."""

    org_id: OrgId | None = Field(default=None, description="the owner; from the request if omitted")
    from_request: Short | None = Field(
        default=None, description="a desk request id: fills org_id and problem, keeps the link"
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]
    problem: Annotated[str, StringConstraints(min_length=2, max_length=4000)] | None = None
    summary: Annotated[str, StringConstraints(max_length=500)] = ""
    indicators: list[Indicator] = Field(default_factory=list, max_length=30)
    deliverable_level: DeliverableLevel
    award_kind: AwardKind = AwardKind.BUDGET
    amount_wan: Wan
    deadline: dt.date
    apply_by: dt.date | None = None
    phases: list[Phase] = Field(default_factory=list, max_length=20)
    confidentiality: Confidentiality = Confidentiality.PUBLIC
    ip_terms: IpTerms = IpTerms.NEGOTIABLE
    ip_text: Annotated[str, StringConstraints(max_length=2000)] = ""
    parts: list[Short] = Field(default_factory=list, max_length=10)
    qualifications: list[Short] = Field(default_factory=list, max_length=10)
    rubric: list[Criterion] | None = Field(default=None, min_length=1, max_length=10)
    submit: bool = Field(default=False, description="send it to review at once")
    actor: Actor | None = Field(default=None, description=PERSON)

    def spec_doc(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"actor", "submit"}, exclude_none=True)


class ChallengeMoveUpdate(_In):
    to: ChallengeState
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    shortlist: list[OrgId] = Field(default_factory=list, max_length=20)
    winners: list[OrgId] = Field(default_factory=list, max_length=20)
    amount_wan: Wan | None = None
    actor: Actor | None = Field(default=None, description=PERSON)


class ApplicationCreate(_In):
    """An application (揭榜): one per organisation per challenge, never edited."""

    org_id: OrgId
    proposal: Annotated[str, StringConstraints(min_length=10, max_length=8000)]
    ip_declaration: IpDeclaration
    ip_text: Annotated[str, StringConstraints(max_length=2000)] = ""
    budget_wan: Wan
    team: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50
    )
    actor: Actor | None = Field(default=None, description=PERSON)


class ReviewCreate(_In):
    """One staff reviewer's 0–5 scores, one per rubric criterion."""

    scores: dict[
        Annotated[str, StringConstraints(max_length=40)], Annotated[float, Field(ge=0, le=5)]
    ] = Field(max_length=10)
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None
    actor: Actor | None = Field(default=None, description=PERSON)


class ChallengePublic(_Out):
    id: str
    state: ChallengeState
    redacted: str | None = Field(description="null, summary_only or confidential")
    applications: int


class ChallengeListPublic(BaseModel):
    challenges: list[ChallengePublic]
    count: int


class ApplicationPublic(_Out):
    challenge_id: str
    org_id: str
    applied_at: str


class RankingPublic(_Out):
    challenge_id: str
    rubric: list[dict[str, Any]]
    ranking: list[dict[str, Any]]


class SolversPublic(_Out):
    challenge_id: str
    solvers: list[dict[str, Any]]
    consortium: dict[str, Any] | None


class ChallengeStatsPublic(_Out):
    opened: int
    published: int
    matched: int
    signed: int
    amount_signed_wan: float
