"""Mutual pair scores: how much two organisations gain from meeting, in both directions.

A 1:1 meeting is worth the most when *each* side finds something it needs, so the
reciprocal score of a pair is the harmonic mean of the two one-way scores (each side asks
``find_partners`` for partners in both directions): a pair that helps only one side scores
low. One ``find_partners`` call per organisation, restricted to the event's organisations
with ``items=``, gives every one-way score at once.

Example usage::

    scores = score_pairs(engine, ["demo-nev-0001", "demo-nev-0002", "demo-nev-0003"])
    scores.score("demo-nev-0001", "demo-nev-0003"), scores.partners("demo-nev-0001")[:3]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from catalog.errors import InvalidInputError, NotFoundError
from catalog.events.model import pair_key
from catalog.events.results import Link
from catalog.models import Organisation
from matcher.engine import MatchEngine
from matcher.evidence import RELATION_BASES, Basis
from matcher.explain import relation_phrase
from matcher.types import Direction, Match

__all__ = [
    "OneWay",
    "PairScore",
    "PairScores",
    "direction_for",
    "one_way",
    "pair_score",
    "pair_scores",
    "score_pairs",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairScore:
    """Reciprocal score of ``a`` < ``b`` with what each side saw of the other."""

    a: str
    b: str
    score: float
    forward: float  # a's score of b
    backward: float  # b's score of a
    links: tuple[Link, ...]
    relation: str
    # neither side's needs are met by the other's offers above the evidence threshold
    exploratory: bool = False
    rests_on: tuple[str, ...] = ()  # what an exploratory pair rests on (`Basis` values)


class PairScores:
    """Reciprocal scores over a set of organisations; a missing pair scores 0."""

    def __init__(self, pairs: Iterable[PairScore], names: Mapping[str, str]) -> None:
        self.names = dict(names)
        self._pairs = {(p.a, p.b): p for p in pairs}
        self._by_org: dict[str, list[PairScore]] = {i: [] for i in self.names}
        for p in self._pairs.values():
            self._by_org.setdefault(p.a, []).append(p)
            self._by_org.setdefault(p.b, []).append(p)
        for lst in self._by_org.values():
            lst.sort(key=lambda p: (-p.score, p.a, p.b))

    def __len__(self) -> int:
        return len(self._pairs)

    def __iter__(self) -> Iterator[PairScore]:
        return iter(self._pairs.values())

    @property
    def ids(self) -> list[str]:
        return list(self.names)

    def get(self, a: str, b: str) -> PairScore | None:
        return self._pairs.get(pair_key(a, b))

    def score(self, a: str, b: str) -> float:
        p = self._pairs.get(pair_key(a, b))
        return 0.0 if p is None else p.score

    def partners(self, org_id: str) -> list[PairScore]:
        """Pairs of one organisation, best first."""
        return self._by_org.get(org_id, [])

    def restrict(self, org_ids: Iterable[str]) -> PairScores:
        """The scores among a subset, e.g. the shortlisted participants of a larger pool."""
        keep = list(dict.fromkeys(org_ids))
        missing = [i for i in keep if i not in self.names]
        if missing:
            raise InvalidInputError(f"no pair scores for: {', '.join(missing[:5])}")
        inside = set(keep)
        pairs = (p for p in self._pairs.values() if p.a in inside and p.b in inside)
        return PairScores(pairs, {i: self.names[i] for i in keep})


def direction_for(org: Organisation) -> Direction | None:
    """Mutual when the organisation both needs and offers; otherwise the side it has."""
    offers = bool(org.offers or org.products)
    if org.needs and offers:
        return Direction.MUTUAL
    if org.needs:
        return Direction.SUPPLIERS
    if offers:
        return Direction.CUSTOMERS
    return None


def _raw(m: Match) -> float:
    """The match score without the rank-dependent diversity penalty."""
    return max(0.0, m.score - m.parts.get("diversity", 0.0))


def _links(query: str, m: Match) -> list[Link]:
    out = []
    for e in m.evidence:
        if e.direction == "need→offer":
            out.append(
                Link(
                    needer=query,
                    need=e.query_text,
                    offerer=m.org_id,
                    offer=e.candidate_text,
                    score=e.score,
                )
            )
        elif e.direction == "offer→need":
            out.append(
                Link(
                    needer=m.org_id,
                    need=e.candidate_text,
                    offerer=query,
                    offer=e.query_text,
                    score=e.score,
                )
            )
    return out


def _pick(links: list[Link], n: int = 3) -> tuple[Link, ...]:
    """The strongest link each way first (both sides gain), then the next distinct needs.

    Links far weaker than the best (under 75 % of it) are not reasons, just noise.
    """
    ranked = sorted(links, key=lambda lk: -lk.score)
    if ranked:
        floor = max(0.0, 0.75 * ranked[0].score)
        ranked = [lk for lk in ranked if lk.score > floor or lk is ranked[0]]
    picked: list[Link] = []
    for lk in ranked:  # best of each direction
        if all(p.needer != lk.needer for p in picked):
            picked.append(lk)
    for lk in ranked:  # then other needs not yet shown
        if len(picked) >= n:
            break
        if all((p.needer, p.need) != (lk.needer, lk.need) for p in picked):
            picked.append(lk)
    return tuple(sorted(picked[:n], key=lambda lk: -lk.score))


def _rests_on(m: OneWay, back: OneWay | None) -> tuple[str, ...]:
    """What both one-way matches rest on, the chain relation left out (the pair's relation
    phrase says it)."""
    skip = {Basis.STATEMENTS, *RELATION_BASES}
    both = [*m.rests_on, *(() if back is None else back.rests_on)]
    return tuple(dict.fromkeys(b for b in both if b not in skip))


@dataclass(frozen=True)
class OneWay:
    """What one organisation's partner search saw of another: all a pair score needs of
    it, so a batch can keep one-way matches as rows and pair them later (`pair_score`)."""

    raw: float  # the match score without the diversity penalty
    links: tuple[Link, ...]
    relation: str  # the chain relation phrase, candidate ↔ query
    exploratory: bool
    rests_on: tuple[str, ...]


def one_way(engine: MatchEngine, query: str, m: Match) -> OneWay:
    """``query``'s match ``m`` as a `OneWay`."""
    phrase = relation_phrase(engine.taxonomy, m.relation, *m.relation_segments)
    return OneWay(_raw(m), tuple(_links(query, m)), phrase, m.exploratory, m.rests_on)


def pair_score(x: str, y: str, m: OneWay, back: OneWay | None) -> PairScore:
    """The reciprocal score of ``x`` < ``y`` from x's match of y and y's of x (None: y did
    not find x, which scores the pair 0)."""
    fwd, bwd = m.raw, (0.0 if back is None else back.raw)
    score = 2 * fwd * bwd / (fwd + bwd) if fwd > 0 and bwd > 0 else 0.0
    links = _pick([*m.links, *(() if back is None else back.links)])
    explore = m.exploratory and (back is None or back.exploratory)
    bases = _rests_on(m, back) if explore else ()
    return PairScore(x, y, score, fwd, bwd, links, m.relation, explore, bases)


def score_pairs(
    engine: MatchEngine,
    org_ids: Sequence[str],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> PairScores:
    """Reciprocal scores of every pair among ``org_ids`` (organisations of the engine).

    Costs one ``find_partners`` per organisation (about 10–60 ms each on the demo park).
    Organisations that state neither needs nor offers score 0 with everyone.
    """
    ids = list(dict.fromkeys(org_ids))
    missing = [i for i in ids if i not in {o.id for o in engine.orgs}]
    if missing:
        raise NotFoundError("organisation", ", ".join(missing[:10]))
    orgs = {i: engine.org(i) for i in ids}
    seen: dict[tuple[str, str], OneWay] = {}
    k = min(1000, max(1, len(ids) - 1))
    for n, org_id in enumerate(ids):
        direction = direction_for(orgs[org_id])
        if direction is not None and len(ids) > 1:
            res = engine.find_partners(org_id, direction=direction, k=k, items=ids)
            for m in res.matches:
                seen[(org_id, m.org_id)] = one_way(engine, org_id, m)
        if progress is not None:
            progress(n + 1, len(ids))
    pairs = pair_scores(seen)
    log.debug("scored %d pairs among %d organisations", len(pairs), len(ids))
    return PairScores(pairs, {i: orgs[i].name for i in ids})


def pair_scores(seen: Mapping[tuple[str, str], OneWay]) -> list[PairScore]:
    """The pairs the smaller id found, from the one-way matches keyed (query, candidate);
    a pair only the larger id found scores 0, like a missing one."""
    return [pair_score(x, y, m, seen.get((y, x))) for (x, y), m in seen.items() if x < y]
