"""Value types of the matcher: directions, filters, and results with their reasons."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from catalog.models import Organisation, OrgKind
from catalog.taxonomy import ChainRelation

__all__ = [
    "Direction",
    "Evidence",
    "Filters",
    "Match",
    "MatchResult",
    "Relation",
    "Signal",
    "Task",
]


class Direction(enum.StrEnum):
    """Which way a partner search looks along the chain."""

    SUPPLIERS = "suppliers"  # who can meet my needs
    CUSTOMERS = "customers"  # who needs what I offer
    MUTUAL = "mutual"  # both, favouring pairs where each side gains


class Task(enum.StrEnum):
    PARTNERS = "partners"
    SUBSTITUTES = "substitutes"
    ASK = "ask"


class Signal(enum.StrEnum):
    """A learned signal (see matcher.knowledge and matcher.peers). Each is a `RankWeights`
    field of the same name, and the name of its score part in `Match.parts`; `task` says
    which verb computes it."""

    STATED = "stated"  # power aggregation of the stated needs' matches
    COVERAGE = "coverage"  # the stated needs the candidate's specific offers meet
    INFERRED = "inferred"  # the same for the needs inferred from the query's products
    EXACT = "exact"  # offers named exactly like an inferred need
    PEERS = "peers"  # suppliers of organisations that make what the query makes
    DEMAND = "demand"  # how much the chain asks for what the candidate makes
    TRANSITION = "transition"  # P(candidate's segment supplies the query's segment)
    LEXICAL = "lexical"  # BM25 of the needs, stated and inferred, over the offers
    # substitutes
    GROUP = "group"  # the candidate sits in the query's segment group (Shenwan L2)
    OVERLAP = "overlap"  # revenue-weighted share of the query's offers it makes almost exactly
    PROFILE = "profile"  # cosine of the two whole profiles (revenue-weighted offer vectors)
    BREADTH = "breadth"  # how alike the two portfolios are in breadth (effective products)

    @property
    def task(self) -> Task:
        """The verb whose question carries this signal."""
        return Task.SUBSTITUTES if self in _SUBSTITUTE_SIGNALS else Task.PARTNERS


_SUBSTITUTE_SIGNALS = frozenset({Signal.GROUP, Signal.OVERLAP, Signal.PROFILE, Signal.BREADTH})


@dataclass(frozen=True)
class Relation:
    """How a candidate sits along the chain from the query, and the segment pair showing it."""

    kind: ChainRelation = ChainRelation.NONE
    candidate_segment: str | None = None
    query_segment: str | None = None


@dataclass(frozen=True)
class Filters:
    """Hard constraints on candidates; applied inside the vector search."""

    region: str | None = None  # matches province, city or park (substring)
    kind: OrgKind | None = None
    chain: str | None = None
    segment: str | None = None
    qualification: str | None = None  # a valid qualification whose name contains this

    def admits(self, org: Organisation, today: dt.date) -> bool:
        if self.kind is not None and org.kind is not self.kind:
            return False
        if self.region:
            places = (org.region.province, org.region.city, org.region.park or "")
            if not any(self.region in p for p in places):
                return False
        if self.chain and not any(p.chain == self.chain for p in org.chains):
            return False
        if self.segment and not any(p.segment == self.segment for p in org.chains):
            return False
        if self.qualification:
            want = self.qualification.lower()
            if not any(want in q.name.lower() for q in org.valid_qualifications(today)):
                return False
        return True


@dataclass(frozen=True)
class Evidence:
    """One statement of the query meeting one statement of the candidate."""

    query_text: str
    candidate_text: str
    score: float
    direction: str  # "need→offer" or "offer→need" or "offer≈offer" or "question→offer"
    # score − the need's reference in the catalog (`matcher.evidence`); None: not judged
    margin: float | None = None


@dataclass(frozen=True)
class Match:
    org_id: str
    name: str
    score: float
    parts: dict[str, float]
    evidence: tuple[Evidence, ...]
    relation: ChainRelation
    relation_segments: tuple[str | None, str | None]  # (candidate segment, query segment)
    explanation: str
    extra: dict[str, Any] = field(default_factory=dict)
    # no statement pair reached the evidence threshold: the match rests on ``rests_on``
    exploratory: bool = False
    rests_on: tuple[str, ...] = ()  # `matcher.evidence.Basis` values, strongest kind first
    evidence_margin: float | None = None  # best margin of its pairs; None: none judged

    def to_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "name": self.name,
            "score": round(self.score, 4),
            "parts": {k: round(v, 4) for k, v in self.parts.items()},
            "relation": self.relation.value,
            "evidence": [
                {
                    "query": e.query_text,
                    "candidate": e.candidate_text,
                    "score": round(e.score, 4),
                    "direction": e.direction,
                    **({} if e.margin is None else {"margin": round(e.margin, 4)}),
                }
                for e in self.evidence
            ],
            "explanation": self.explanation,
            "exploratory": self.exploratory,
            "rests_on": list(self.rests_on),
            **(
                {}
                if self.evidence_margin is None
                else {"evidence_margin": round(self.evidence_margin, 4)}
            ),
        }


@dataclass(frozen=True)
class MatchResult:
    task: Task
    query: dict[str, Any]
    matches: tuple[Match, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "results": [m.to_dict() for m in self.matches]}
