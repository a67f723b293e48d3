"""Who can solve a challenge (揭榜挂帅): solvers ranked from evidence, institutes first, and
a suggested consortium when the problem has several parts.

The evidence, each part of a solver's score and each a reason it shows:

* **offers** — the engine's ``ask`` with the challenge's title, problem and indicators
  over everyone, as a reciprocal rank 1 / (10 + rank) (`matcher.desk.fuse`, so the
  evidence below adds on a known scale); the engine's explanation says which offer met
  the question. No separate list among institutes: it would lift institutes that offer
  nothing relevant (on the synthetic test catalog an unrelated institute outranked the
  best enterprise that way); the ordering rule below favours institutes instead;
* **qualifications** — each qualification the challenge wants that the solver holds, valid
  today (``EVIDENCE["qualification"]`` each);
* **past cooperation** — a cooperation signed with the owner at a matchmaking event, a
  follow-up agreed, or events where the two met (event outcomes);
* **track record** — earlier challenges it won and signed;
* **applied** — it applied to this challenge.

**Ordering rule.** The ``k`` best by score form the list; within it, research institutes
and universities (`OrgKind.INSTITUTE`) come first, each group by score (then id). So an
institute never displaces a better-scored enterprise from the list, but leads it — the
issue's "institutes first" — and the rule is one function, `institutes_first`.

**Consortium.** For each part: ``ask`` with the part's text; a solver covers a part when it
ranks in the part's top ``cover_depth`` with a score at least ``COVER_SHARE`` of the part's
best (engine scores are comparable within one question, not across). Greedy set cover:
take the solver covering most of the parts still open (ties: an institute, then the higher
summed score, then id) until every part is covered or no one covers what is left
(``uncovered``).

Example usage::

    ranked = rank_solvers(engine, challenge, history, k=10)
    ranked.to_dict()["solvers"][0]   # {"org_id", "name", "kind", "score", "reasons", …}
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.challenge.model import Challenge, ChallengeState
from catalog.challenge.rubric import Application
from catalog.errors import InvalidInputError
from catalog.events.history import PastMeeting
from catalog.events.outcomes import OutcomeStatus
from catalog.models import OrgKind
from matcher.desk import fuse
from matcher.engine import MatchEngine
from matcher.types import Match

__all__ = [
    "COVER_SHARE",
    "EVIDENCE",
    "LISTS",
    "Consortium",
    "History",
    "RankedSolvers",
    "Solver",
    "greedy_cover",
    "institutes_first",
    "rank_solvers",
    "suggest_consortium",
]

LISTS: Mapping[str, float] = {"ask": 1.0}  # list → weight in the reciprocal-rank score
_LABEL = {"ask": "一问即答 ask"}
COVER_SHARE = 0.75
# Added to the fused score (a top-ranked offer is worth 1/11 ≈ 0.09 per list): a signed
# cooperation with the owner about half a first place, a qualification or a follow-up a
# fifth, one shared event a tenth (up to three).
EVIDENCE: Mapping[str, float] = {
    "qualification": 0.02,
    "cooperation": 0.05,
    "follow_up": 0.02,
    "met": 0.01,
    "track_record": 0.03,
    "applied": 0.03,
}
MAX_MET = 3


@dataclass(frozen=True)
class History:
    """What the park already knows: meetings at its events with outcomes, every challenge
    and every application (for track records and this challenge's applicants)."""

    meetings: Sequence[PastMeeting] = ()
    challenges: Sequence[Challenge] = ()
    applications: Sequence[Application] = ()


@dataclass(frozen=True)
class Solver:
    org_id: str
    name: str
    kind: OrgKind
    score: float
    parts: Mapping[str, float]  # offers, qualification, cooperation, … (what the score is)
    reasons: tuple[str, ...]
    exploratory: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "name": self.name,
            "kind": self.kind.value,
            "score": round(self.score, 6),
            "parts": {k: round(v, 6) for k, v in self.parts.items()},
            "reasons": list(self.reasons),
            "exploratory": self.exploratory,
        }


@dataclass(frozen=True)
class Consortium:
    """Parts → the best solver for each, and the members a greedy cover picks."""

    parts: tuple[dict[str, Any], ...]
    members: tuple[dict[str, Any], ...]
    uncovered: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "parts": list(self.parts),
            "members": list(self.members),
            "uncovered": list(self.uncovered),
        }


@dataclass(frozen=True)
class RankedSolvers:
    challenge_id: str
    solvers: tuple[Solver, ...]
    consortium: Consortium | None = None
    query: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        return {
            "challenge_id": self.challenge_id,
            "query": self.query,
            "solvers": [s.to_dict() for s in self.solvers],
            "consortium": None if self.consortium is None else self.consortium.to_dict(),
        }


def institutes_first(solvers: Sequence[Solver]) -> list[Solver]:
    """Institutes (and universities) before everyone else, each group by score, then id."""
    return sorted(
        solvers, key=lambda s: (s.kind is not OrgKind.INSTITUTE, -round(s.score, 9), s.org_id)
    )


def _query(ch: Challenge) -> str:
    spec = ch.spec
    bits = [spec.title, spec.problem, *(i.text() for i in spec.indicators)]
    return "；".join(b for b in bits if b)


def _lists(engine: MatchEngine, text: str, depth: int) -> dict[str, list[Match]]:
    return {"ask": list(engine.ask(text, k=depth).matches)}


def _evidence(
    engine: MatchEngine, ch: Challenge, org_id: str, history: History, today: dt.date
) -> tuple[dict[str, float], list[str]]:
    """The evidence parts of one candidate and their reasons."""
    parts: dict[str, float] = defaultdict(float)
    reasons: list[str] = []
    org = engine.org(org_id)
    for wanted in ch.spec.qualifications:
        held = next(
            (q for q in org.valid_qualifications(today) if wanted.lower() in q.name.lower()), None
        )
        if held is not None:
            parts["qualification"] += EVIDENCE["qualification"]
            until = f", valid until {held.valid_until}" if held.valid_until else ""
            reasons.append(f"holds {held.name} (wanted: {wanted}{until})")
    met: list[str] = []
    for m in history.meetings:
        if {m.a, m.b} != {org_id, ch.org_id}:
            continue
        if m.status is OutcomeStatus.SIGNED:
            parts["cooperation"] += EVIDENCE["cooperation"]
            reasons.append(f"signed a cooperation with the owner at {m.event_id} ({m.date})")
        elif m.status is OutcomeStatus.FOLLOW_UP:
            parts["follow_up"] += EVIDENCE["follow_up"]
            reasons.append(f"agreed a follow-up with the owner at {m.event_id} ({m.date})")
        elif m.met:
            met.append(m.event_id)
    if met:
        parts["met"] += EVIDENCE["met"] * min(len(met), MAX_MET)
        reasons.append(f"met the owner at {len(met)} event(s): {', '.join(met)}")
    for other in history.challenges:
        if other.id != ch.id and org_id in other.winners and other.ever(ChallengeState.SIGNED):
            parts["track_record"] += EVIDENCE["track_record"]
            reasons.append(
                f"won challenge {other.id} ({other.spec.title}), signed "
                f"{other.signed_amount:g} 万元"
            )
    for app in history.applications:
        if app.challenge_id == ch.id and app.org_id == org_id:
            parts["applied"] += EVIDENCE["applied"]
            reasons.append(
                f"applied: budget {app.spec.budget_wan:g} 万元, IP {app.spec.ip_declaration.value}"
            )
    return dict(parts), reasons


def rank_solvers(
    engine: MatchEngine,
    challenge: Challenge,
    history: History = History(),
    *,
    k: int = 10,
    depth: int = 50,
    today: dt.date | None = None,
    cover_depth: int = 3,
) -> RankedSolvers:
    """Solvers for ``challenge`` from evidence, institutes first (see the module doc); with a
    consortium when the challenge names two or more parts."""
    if not 1 <= k <= 100:
        raise InvalidInputError(f"k: expected 1 to 100, got {k}")
    day = today or dt.date.today()
    text = _query(challenge)
    fused = fuse(_lists(engine, text, depth), LISTS, exclude=challenge.org_id, k=depth)
    known = {o.id for o in engine.orgs}
    pool: dict[str, tuple[float, Match | None, list[tuple[int, str]]]] = {
        o: (s, m, seen) for o, s, m, seen in fused
    }
    for app in history.applications:  # an applicant is a candidate, whatever its offers
        if app.challenge_id == challenge.id and app.org_id in known:
            pool.setdefault(app.org_id, (0.0, None, []))
    solvers = []
    for org_id, (offers, match, seen) in pool.items():
        parts, reasons = _evidence(engine, challenge, org_id, history, day)
        if match is not None:
            via = "; ".join(f"{_LABEL[s]} #{r}" for r, s in seen)
            reasons.insert(0, f"{via} — {match.explanation}")
        org = engine.org(org_id)
        solvers.append(
            Solver(
                org_id=org_id,
                name=org.name,
                kind=org.kind,
                score=offers + sum(parts.values()),
                parts={"offers": offers, **parts},
                reasons=tuple(reasons),
                exploratory=match is None or match.exploratory,
            )
        )
    top = sorted(solvers, key=lambda s: (-round(s.score, 9), s.org_id))[:k]
    consortium = None
    if len(challenge.spec.parts) >= 2:
        consortium = suggest_consortium(engine, challenge, depth=depth, cover_depth=cover_depth)
    return RankedSolvers(challenge.id, tuple(institutes_first(top)), consortium, text)


def greedy_cover(
    coverage: Mapping[str, Mapping[int, float]], institutes: set[str], n_parts: int
) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """Members (org, the parts it is given) covering parts 0..n−1 greedily, and the parts
    no one covers. ``coverage``: org → {part: score} for the parts it can take."""
    open_parts = set(range(n_parts))
    members: list[tuple[str, list[int]]] = []
    while open_parts:
        best = None
        for org, mine in coverage.items():
            covers = sorted(open_parts & set(mine))
            if not covers:
                continue
            key = (-len(covers), org not in institutes, -sum(mine[p] for p in covers), org)
            if best is None or key < best[0]:
                best = (key, org, covers)
        if best is None:
            break
        _, org, covers = best
        members.append((org, covers))
        open_parts -= set(covers)
    return members, sorted(open_parts)


def suggest_consortium(
    engine: MatchEngine, challenge: Challenge, *, depth: int = 50, cover_depth: int = 3
) -> Consortium:
    """The best solver for each part and a greedy cover of the parts by few members."""
    parts = challenge.spec.parts
    coverage: dict[str, dict[int, float]] = defaultdict(dict)
    best: list[dict[str, Any]] = []
    for i, part in enumerate(parts):
        found = [m for m in engine.ask(part, k=depth).matches if m.org_id != challenge.org_id]
        ranked = [m for m in found[:cover_depth] if m.score >= COVER_SHARE * found[0].score]
        for m in ranked:
            coverage[m.org_id][i] = m.score
        top = ranked[0] if ranked else None
        best.append(
            {
                "part": part,
                "org_id": None if top is None else top.org_id,
                "name": None if top is None else top.name,
                "score": 0.0 if top is None else round(top.score, 6),
                "explanation": None if top is None else top.explanation,
            }
        )
    institutes = {o for o in coverage if engine.org(o).kind is OrgKind.INSTITUTE}
    chosen, left = greedy_cover(coverage, institutes, len(parts))
    members = tuple(
        {
            "org_id": org,
            "name": engine.org(org).name,
            "kind": engine.org(org).kind.value,
            "covers": [parts[p] for p in covers],
            "reasons": [
                f"part {p + 1} ({parts[p]}): in the top {cover_depth}, score {coverage[org][p]:.4f}"
                for p in covers
            ],
        }
        for org, covers in chosen
    )
    return Consortium(tuple(best), members, tuple(parts[p] for p in left))
