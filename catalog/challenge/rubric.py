"""Applications to a challenge and how reviewers score them on the challenge's rubric.

An application (who, proposal, IP declaration, budget asked, team) is one per organisation
per challenge and is never edited; a reviewer scores it once, 0–5 on every criterion. The
weighted total of one review is Σ weight × score (0–5); an application's total is the mean
over its reviews, shown also out of 100 (total ÷ 5 × 100). Ranking: total, then more
reviews, then the earlier application, then the id — so ties break the same way each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from catalog.challenge.model import Criterion, IpDeclaration
from catalog.errors import InvalidInputError
from catalog.models import OrgId

__all__ = [
    "MAX_SCORE",
    "Application",
    "NewApplication",
    "RankedApplication",
    "Review",
    "check_scores",
    "rank_applications",
    "weighted",
]

MAX_SCORE = 5.0
Member = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class NewApplication(BaseModel):
    """What an applicant (揭榜方) submits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org_id: OrgId
    proposal: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=10, max_length=8000)
    ]
    ip_declaration: IpDeclaration
    ip_text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    budget_wan: float = Field(gt=0, le=1_000_000, description="万元 asked for the work")
    team: tuple[Member, ...] = Field(default=(), max_length=50)


@dataclass(frozen=True)
class Application:
    challenge_id: str
    spec: NewApplication
    applied_by: str
    applied_at: dt.datetime

    @property
    def org_id(self) -> str:
        return self.spec.org_id

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge_id": self.challenge_id,
            **self.spec.model_dump(mode="json"),
            "applied_by": self.applied_by,
            "applied_at": self.applied_at.isoformat(),
        }


@dataclass(frozen=True)
class Review:
    """One reviewer's scores (criterion → 0–5) of one application."""

    challenge_id: str
    org_id: str
    reviewer: str
    at: dt.datetime
    scores: Mapping[str, float]
    note: str | None = None


def check_scores(rubric: Sequence[Criterion], scores: Mapping[str, float]) -> dict[str, float]:
    """Every criterion scored 0–5, nothing else; the message names the criterion."""
    names = [c.name for c in rubric]
    extra = sorted(set(scores) - set(names))
    if extra:
        raise InvalidInputError(
            f"scores.{extra[0]}: not a criterion of this challenge's rubric "
            f"(criteria: {', '.join(names)})"
        )
    out: dict[str, float] = {}
    for name in names:
        if name not in scores:
            raise InvalidInputError(f"scores.{name}: missing; score every criterion 0 to 5")
        value = float(scores[name])
        if not 0 <= value <= MAX_SCORE:
            raise InvalidInputError(f"scores.{name}: expected 0 to 5, got {value:g}")
        out[name] = value
    return out


def weighted(rubric: Sequence[Criterion], scores: Mapping[str, float]) -> float:
    """Σ weight × score over the rubric (0–5)."""
    return sum(c.weight * float(scores[c.name]) for c in rubric)


@dataclass(frozen=True)
class RankedApplication:
    rank: int
    application: Application
    reviews: int
    total: float  # mean weighted score over the reviews, 0–5 (0 without reviews)
    by_criterion: Mapping[str, float]  # mean score per criterion

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "org_id": self.application.org_id,
            "reviews": self.reviews,
            "total": round(self.total, 4),
            "total_100": round(self.total / MAX_SCORE * 100, 2),
            "by_criterion": {k: round(v, 4) for k, v in self.by_criterion.items()},
            "budget_wan": self.application.spec.budget_wan,
            "ip_declaration": self.application.spec.ip_declaration.value,
            "applied_at": self.application.applied_at.isoformat(),
        }


def rank_applications(
    rubric: Sequence[Criterion], applications: Sequence[Application], reviews: Sequence[Review]
) -> list[RankedApplication]:
    """Applications best first by mean weighted score (unscored ones last, at 0)."""
    by_org: dict[str, list[Review]] = {}
    for r in reviews:
        by_org.setdefault(r.org_id, []).append(r)
    rows = []
    for app in applications:
        mine = by_org.get(app.org_id, [])
        total = sum(weighted(rubric, r.scores) for r in mine) / len(mine) if mine else 0.0
        means = {
            c.name: (sum(float(r.scores[c.name]) for r in mine) / len(mine) if mine else 0.0)
            for c in rubric
        }
        rows.append((app, len(mine), total, means))
    rows.sort(key=lambda t: (-round(t[2], 9), -t[1], t[0].applied_at, t[0].org_id))
    return [RankedApplication(i, a, n, t, m) for i, (a, n, t, m) in enumerate(rows, 1)]
