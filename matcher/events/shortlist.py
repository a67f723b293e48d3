"""Who should come: participants with the most strong mutual matches *among each other*.

A company is worth inviting only if its good partners come too, so the shortlist grows
greedily: each step adds the organisation with the most strong reciprocal scores towards
those already invited (its overall strength breaks ties, and picks the first one). A pair
is *strong* when its reciprocal score is in the top ``strong_share`` of the pool's pairs —
relative, because the hashing encoder and e5 score on different scales — and it has
evidence (an exploratory pair never is).

Example usage::

    sl = shortlist(engine, Theme(chains=("nev",)), 40)
    [e.reason for e in sl.entries[:3]]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass

import numpy as np

from catalog.errors import InvalidInputError, NotFoundError
from catalog.events.model import Theme
from catalog.events.results import ShortlistEntry
from matcher.engine import MatchEngine
from matcher.events.pairs import PairScore, PairScores, direction_for, score_pairs
from matcher.events.waves import Waves

__all__ = ["Shortlist", "check_shortlist", "shortlist", "shortlist_from_scores", "theme_pool"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shortlist:
    entries: tuple[ShortlistEntry, ...]
    scores: PairScores  # over the whole pool; restrict() to the entries for scheduling
    threshold: float  # reciprocal score from which a pair counts as strong

    @property
    def ids(self) -> list[str]:
        return [e.org_id for e in self.entries]


def theme_pool(engine: MatchEngine, theme: Theme, required: Sequence[str] = ()) -> list[str]:
    """Organisations the theme admits that state needs or offers, plus the required ones."""
    tax = engine.taxonomy
    for field, given, known_ids in (
        ("chains", theme.chains, tax.chains),
        ("segments", theme.segments, tax.segments),
    ):
        unknown = [x for x in given if x not in known_ids]
        if unknown:
            raise InvalidInputError(
                f"theme.{field}: unknown {field[:-1]} {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known_ids)[:40])}"
            )
    known = {o.id for o in engine.orgs}
    missing = [r for r in required if r not in known]
    if missing:
        raise NotFoundError("organisation", ", ".join(missing))
    pool = [o.id for o in engine.orgs if theme.admits(o) and direction_for(o) is not None]
    return list(dict.fromkeys([*required, *pool]))


def shortlist(
    engine: MatchEngine,
    theme: Theme,
    n: int,
    *,
    required: Sequence[str] = (),
    strong_share: float = 0.2,
    progress: Callable[[int, int], None] | None = None,
) -> Shortlist:
    """The ``n`` organisations with the most strong mutual matches among themselves."""
    check_shortlist(n, required, strong_share)
    pool = theme_pool(engine, theme, required)
    if len(pool) < 2:
        raise InvalidInputError(
            f"theme: only {len(pool)} organisation(s) fit '{theme.describe()}'; "
            "widen the theme (chains, segments, regions)"
        )
    if len(pool) < n:
        log.warning("theme '%s' admits only %d organisations", theme.describe(), len(pool))
    scores = score_pairs(engine, pool, progress=progress)
    sl = shortlist_from_scores(scores, n, required=required, strong_share=strong_share)
    log.info(
        "shortlisted %d of %d organisations for '%s'", len(sl.entries), len(pool), theme.describe()
    )
    return sl


def check_shortlist(n: int, required: Sequence[str], strong_share: float = 0.2) -> None:
    """The shortlist's own limits, checked before any pair is scored."""
    if n < 2:
        raise InvalidInputError(f"participants: a shortlist needs at least 2, got {n}")
    if not 0 < strong_share <= 1:
        raise InvalidInputError(f"strong_share must be in (0, 1], got {strong_share}")
    if len(required) > n:
        raise InvalidInputError(
            f"participants: {len(required)} organisations are named in must-meet/meet pairs "
            f"({', '.join(required[:5])}…), more than the {n} asked for"
        )


def shortlist_from_scores(
    scores: PairScores,
    n: int,
    *,
    required: Sequence[str] = (),
    strong_share: float = 0.2,
    excluded: Set[tuple[str, str]] = frozenset(),
    favour: Mapping[str, tuple[float, str]] | None = None,
    waves: Waves | None = None,
) -> Shortlist:
    """The shortlist over a pool's pair scores (the pool is ``scores.ids``, in order).

    ``excluded`` pairs (history: they met recently) are never strong, so nobody is invited
    for a meeting that cannot happen. ``favour`` multiplies an organisation's gain by its
    factor (`unserved_factors`); ``waves`` fills leaders first, then their suppliers, then
    the rest.
    """
    check_shortlist(n, required, strong_share)
    pool = scores.ids
    positive = [p.score for p in scores if p.score > 0 and not p.exploratory]
    threshold = float(np.quantile(positive, 1 - strong_share)) if positive else 1.0
    strong: dict[str, list[PairScore]] = {
        i: [
            p
            for p in scores.partners(i)
            if p.score >= threshold and not p.exploratory and (p.a, p.b) not in excluded
        ]
        for i in pool
    }
    factor = {i: (favour or {}).get(i, (1.0, ""))[0] for i in pool}
    overall = {i: factor[i] * sum(p.score for p in strong[i]) for i in pool}
    gain = dict.fromkeys(pool, 0.0)
    chosen: list[str] = []

    def add(org_id: str) -> None:
        chosen.append(org_id)
        del gain[org_id]
        for p in strong[org_id]:
            other = p.b if p.a == org_id else p.a
            if other in gain:
                gain[other] += p.score

    def key(i: str) -> tuple[int, float, float]:
        tier = 0 if waves is None else waves.tier(i)
        return (-tier, factor[i] * gain[i], overall[i])

    for r in required:
        add(r)
    while len(chosen) < min(n, len(pool)):
        add(max(gain, key=key))  # first of equals: pool order
    entries = tuple(
        _entry(scores, org_id, chosen, threshold, excluded, favour, waves) for org_id in chosen
    )
    return Shortlist(entries, scores, threshold)


def _entry(
    scores: PairScores,
    org_id: str,
    chosen: list[str],
    threshold: float,
    excluded: Set[tuple[str, str]],
    favour: Mapping[str, tuple[float, str]] | None,
    waves: Waves | None,
) -> ShortlistEntry:
    inside = set(chosen) - {org_id}
    mine = [
        p
        for p in scores.partners(org_id)
        if (p.b if p.a == org_id else p.a) in inside and (p.a, p.b) not in excluded
    ]
    good = [p for p in mine if p.score >= threshold and not p.exploratory]
    names = scores.names
    shown = [f"{names[p.b if p.a == org_id else p.a]} ({p.score:.2f})" for p in (good or mine)[:3]]
    reason = (
        f"{len(good)} strong mutual match(es) among the invited: " if good else "best matches: "
    ) + "、".join(shown)
    example = next((p for p in mine if p.links), None)
    if example is not None:
        x = example.links[0]
        needer, offerer = names.get(x.needer, x.needer), names.get(x.offerer, x.offerer)
        reason += f"；例：{needer}需求「{x.need}」← {offerer}供给「{x.offer}」"
    factor, why = (favour or {}).get(org_id, (1.0, ""))
    if why:
        reason += f"；{why}"
    if waves is not None:
        reason = f"{waves.role(org_id, names)}：{reason}"
    return ShortlistEntry(
        org_id=org_id,
        name=names[org_id],
        strength=round(sum(p.score for p in good), 4),
        reason=reason,
        wave=None if waves is None else waves.wave(org_id),
        favour=round(factor, 4),
    )
