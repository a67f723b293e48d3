"""Who can solve a desk request: organisations and service providers from the engine, and
the handler (department or person) who usually takes this kind, from past assignments.

None of the helpdesks we studied ranks solvers; here the engine does what it already does
for companies. Several lists are fused by reciprocal rank (each list's scores live on
their own scale, so only ranks are comparable):

* ``ask`` — the request's text as a free question, over every organisation;
* ``partner`` — for a request of an organisation in the catalog, `find_partners` with
  the text as its one need (its chain position, region and papers still count);
* ``service`` / ``institute`` — ``ask`` among service providers (banks, law firms, labs,
  IP agents) or research institutes, for the kinds they usually serve.

Example usage::

    result = suggest_solvers(engine, request, history=desk.requests(), k=10)
    result.to_dict()["results"][0]   # {"org_id", "name", "score", "explanation", …}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.desk.model import Request, RequestKind, State
from catalog.errors import InvalidInputError
from catalog.models import OrgKind
from matcher.engine import MatchEngine
from matcher.types import Direction, Filters, Match

__all__ = [
    "OWN_LISTS",
    "RRF_K",
    "SOURCES",
    "WEIGHTS",
    "HandlerSuggestion",
    "SolverSuggestion",
    "Suggestions",
    "fuse",
    "solver_lists",
    "suggest_handlers",
    "suggest_solvers",
]

RRF_K = 10  # reciprocal-rank constant (tuned: 10, 30 or 60; see below)
SOURCES = ("ask", "partner", "service", "institute", "enterprise")
_SOURCE_KIND = {
    "service": OrgKind.SERVICE,
    "institute": OrgKind.INSTITUTE,
    "enterprise": OrgKind.ENTERPRISE,
}
# The lists each kind reads and their weights in the fusion (0: not computed). Before
# tuning: ask 1, partner 1 for supply only, the kind's own providers 1, RRF 60 (27 of 35
# resolved demo requests had the handler's solver in the top 5). `python -m
# eval.desk_routing --tune` chose on the odd-numbered demo requests only, from partner
# ∈ {0, .5, 1, 2, 3} for every kind × own providers ∈ {0, .25, .5, 1} × RRF ∈ {10, 30, 60},
# by hits in the top 5 then MRR: partner 2 for every kind, providers 1, RRF 10.
_PARTNER, _OWN = 2.0, 1.0
WEIGHTS: Mapping[RequestKind, Mapping[str, float]] = {
    RequestKind.SUPPLY: {"ask": 1.0, "partner": _PARTNER},
    RequestKind.TECHNOLOGY: {"ask": 1.0, "partner": _PARTNER, "institute": _OWN, "service": _OWN},
    RequestKind.FINANCE: {"ask": 1.0, "partner": _PARTNER, "service": _OWN},
    RequestKind.POLICY: {"ask": 1.0, "partner": _PARTNER, "service": _OWN},
    RequestKind.TALENT: {"ask": 1.0, "partner": _PARTNER, "institute": _OWN, "service": _OWN},
    RequestKind.PREMISES: {"ask": 1.0, "partner": _PARTNER, "service": _OWN},
    RequestKind.OTHER: {"ask": 1.0, "partner": _PARTNER, "service": _OWN},
}
# The kind's own providers, for the tuning grid (eval.desk_routing).
OWN_LISTS: Mapping[RequestKind, tuple[str, ...]] = {
    kind: tuple(s for s in weights if s not in ("ask", "partner"))
    for kind, weights in WEIGHTS.items()
}
_SOURCE_LABEL = {
    "ask": "一问即答 ask",
    "partner": "找合作 find-partner",
    "service": "服务机构 service providers",
    "institute": "科研院所 institutes",
    "enterprise": "企业 enterprises",
}


@dataclass(frozen=True)
class SolverSuggestion:
    org_id: str
    name: str
    score: float
    explanation: str
    sources: tuple[str, ...]  # the lists it came from, best rank first
    org_kind: str
    exploratory: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "name": self.name,
            "score": round(self.score, 6),
            "explanation": self.explanation,
            "sources": list(self.sources),
            "org_kind": self.org_kind,
            "exploratory": self.exploratory,
        }


@dataclass(frozen=True)
class HandlerSuggestion:
    handler: str
    score: float  # share of this kind's past assignments (smoothed)
    explanation: str
    taken: int
    closed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "handler": self.handler,
            "score": round(self.score, 4),
            "explanation": self.explanation,
            "taken": self.taken,
            "closed": self.closed,
        }


@dataclass(frozen=True)
class Suggestions:
    query: dict[str, Any]
    results: tuple[SolverSuggestion, ...]
    handlers: tuple[HandlerSuggestion, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "results": [r.to_dict() for r in self.results],
            "handlers": [h.to_dict() for h in self.handlers],
        }


def solver_lists(
    engine: MatchEngine, request: Request, depth: int, sources: Sequence[str]
) -> dict[str, list[Match]]:
    """The engine's ranked lists for ``request``, one per source asked for (``partner``
    only for an organisation in the catalog, which a supply request has)."""
    out: dict[str, list[Match]] = {}
    known = request.org_id in {o.id for o in engine.orgs}
    for source in sources:
        if source == "ask":
            out[source] = list(engine.ask(request.text, k=depth).matches)
        elif source == "partner":
            if known:
                res = engine.find_partners(
                    request.org_id,
                    direction=Direction.SUPPLIERS,
                    k=depth,
                    statements=[request.text],
                )
                out[source] = list(res.matches)
        else:
            flt = Filters(kind=_SOURCE_KIND[source])
            out[source] = list(engine.ask(request.text, k=depth, filters=flt).matches)
    return out


def fuse(
    lists: Mapping[str, Sequence[Match]],
    weights: Mapping[str, float],
    *,
    exclude: str,
    k: int,
    rrf_k: int = RRF_K,
) -> list[tuple[str, float, Match, list[tuple[int, str]]]]:
    """Weighted reciprocal-rank fusion: (org id, score, its best-ranked match, (rank,
    source) pairs), best first; ``exclude`` (the requesting organisation) never appears."""
    score: dict[str, float] = defaultdict(float)
    best: dict[str, tuple[int, Match]] = {}
    seen: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for source, matches in lists.items():
        w = weights.get(source, 0.0)
        if w <= 0:
            continue
        for rank, m in enumerate(matches, 1):
            if m.org_id == exclude:
                continue
            score[m.org_id] += w / (rrf_k + rank)
            seen[m.org_id].append((rank, source))
            if m.org_id not in best or rank < best[m.org_id][0]:
                best[m.org_id] = (rank, m)
    top = sorted(score, key=lambda o: (-score[o], o))[:k]
    return [(o, score[o], best[o][1], sorted(seen[o])) for o in top]


def suggest_solvers(
    engine: MatchEngine,
    request: Request,
    history: Sequence[Request] = (),
    *,
    k: int = 10,
    depth: int = 50,
) -> Suggestions:
    """Organisations that can solve ``request``, fused from the engine's lists, best first;
    and the handlers who usually take its kind (from ``history``)."""
    if not 1 <= k <= 100:
        raise InvalidInputError(f"k: expected 1 to 100, got {k}")
    weights = WEIGHTS[request.kind]
    lists = solver_lists(engine, request, depth, [s for s, w in weights.items() if w > 0])
    results = []
    for org_id, score, m, seen in fuse(lists, weights, exclude=request.org_id, k=k):
        via = "; ".join(f"{_SOURCE_LABEL[s]} #{r}" for r, s in seen)
        results.append(
            SolverSuggestion(
                org_id=org_id,
                name=m.name,
                score=score,
                explanation=f"{via} — {m.explanation}",
                sources=tuple(s for _, s in seen),
                org_kind=engine.org(org_id).kind.value,
                exploratory=m.exploratory,
            )
        )
    query = {
        "request_id": request.id,
        "org_id": request.org_id,
        "kind": request.kind.value,
        "text": request.text,
        "k": k,
    }
    return Suggestions(query, tuple(results), tuple(suggest_handlers(request, history)))


def suggest_handlers(
    request: Request, history: Sequence[Request], *, k: int = 3
) -> list[HandlerSuggestion]:
    """Who took requests of this kind before ``request`` was filed, most often first.

    Learned from the logs: every handler a request of the same kind was assigned to counts
    once for that request; closures say how it went. The share is smoothed (+1 in the
    denominator) so one past assignment is not a certainty.
    """
    taken: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    same = [
        r
        for r in history
        if r.kind is request.kind and r.id != request.id and r.filed_at < request.filed_at
    ]
    for r in same:
        handlers = {e.handler for e in r.log if e.handler}
        for h in handlers:
            taken[h] += 1
            if r.state is State.CLOSED:
                closed[h] += 1
    total = sum(taken.values())
    ranked = sorted(taken, key=lambda h: (-taken[h], -closed[h], h))[:k]
    return [
        HandlerSuggestion(
            handler=h,
            score=taken[h] / (total + 1),
            explanation=(
                f"took {taken[h]} of {len(same)} earlier {request.kind.value} request(s), "
                f"{closed[h]} closed"
            ),
            taken=taken[h],
            closed=closed[h],
        )
        for h in ranked
    ]
