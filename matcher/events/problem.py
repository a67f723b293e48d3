"""The scheduling problem in integers: participants, slots, tables and candidate pairs.

The solver never sees org ids or floats. Scores become integer weights (score × 1000) and
only *candidate* pairs become variables: each participant's ``top_k`` best partners plus
every requested pair. 500 participants × 12 slots would otherwise be 1.5 million variables
for pairs that nobody would choose; the bound the solver reports is over the candidates.

A pair without evidence (`PairScore.exploratory`: no need of either side met by an offer of
the other above the evidence threshold) weighs 0 whatever its score, so a table stays empty
rather than hold it — unless a request or a participant's minimum needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.events.model import Event, Preference, pair_key
from matcher.events.pairs import PairScores

__all__ = ["SCALE", "Instance", "build_instance"]

SCALE = 1000  # weights are score × SCALE, rounded: three decimals are plenty for a ranking


@dataclass(frozen=True)
class Instance:
    """One event as the solver sees it; participants and slots are 0-based indices."""

    ids: tuple[str, ...]
    n_slots: int
    tables: int
    available: tuple[frozenset[int], ...]
    min_meetings: tuple[int, ...]
    max_meetings: tuple[int, ...]
    weights: dict[tuple[int, int], int]  # candidate pair (i < j) → weight
    must: frozenset[tuple[int, int]] = frozenset()
    eligible: tuple[tuple[int, ...], ...] = ()  # per participant: who it may meet at all
    # exploratory pairs among each participant's ``top_k`` by score → their score weight:
    # the meetings a plan that ignored evidence would have filled free tables with
    exploratory: dict[tuple[int, int], int] = field(default_factory=dict)
    _common: dict[tuple[int, int], tuple[int, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def n(self) -> int:
        return len(self.ids)

    def cap(self, i: int) -> int:
        """Most meetings participant ``i`` can have: its maximum and its free slots."""
        return min(self.max_meetings[i], len(self.available[i]))

    def common(self, i: int, j: int) -> tuple[int, ...]:
        key = (i, j) if i < j else (j, i)
        got = self._common.get(key)
        if got is None:
            got = tuple(sorted(self.available[i] & self.available[j]))
            self._common[key] = got
        return got

    def seats(self) -> int:
        """Meetings the room can hold: per slot, tables or half the people present."""
        present = [0] * self.n_slots
        for free in self.available:
            for s in free:
                present[s] += 1
        return sum(min(self.tables, p // 2) for p in present)


def build_instance(
    event: Event,
    scores: PairScores,
    *,
    top_k: int | None = None,
    wish_bonus: float = 0.5,
) -> Instance:
    """Integer instance of an event; pairs that may never meet are left out.

    ``top_k`` (default: twice the number of slots, at least 10) is how many best partners of
    each participant become candidates. Requested pairs (must-meet, meet) are candidates
    whatever their score; a "meet" wish adds ``wish_bonus`` to the pair's weight. Pairs with
    no value are candidates (up to ``top_k`` more) only for participants with a
    ``min_meetings``, in case their valued partners are busy.
    """
    n_slots = len(event.slots)
    k = top_k if top_k is not None else max(10, 2 * n_slots)
    ids = event.participant_ids
    index = {org: i for i, org in enumerate(ids)}
    available = tuple(
        frozenset(range(n_slots)) - {u - 1 for u in p.unavailable} for p in event.participants
    )
    prefs = event.preferences()
    weight: dict[tuple[int, int], int] = {}
    must: set[tuple[int, int]] = set()
    eligible: list[list[tuple[int, int, int]]] = [[] for _ in ids]  # (weight, value, partner)
    for i, a in enumerate(ids):
        for j in range(i + 1, len(ids)):
            pref = prefs.get(pair_key(a, ids[j]))
            if pref is Preference.NO_THANKS or not (available[i] & available[j]):
                continue
            w, value = _weight(scores, a, ids[j])
            if pref is Preference.MEET:
                w += round(wish_bonus * SCALE)
            if pref is not None:
                weight[(i, j)] = w
                if pref is Preference.MUST_MEET:
                    must.add((i, j))
            eligible[i].append((w, value, j))
            eligible[j].append((w, value, i))
    # must-meet pairs the participants cannot share a slot for stay visible to the checks
    for r in event.pairs:
        if r.preference is Preference.MUST_MEET and r.a in index and r.b in index:
            i, j = sorted((index[r.a], index[r.b]))
            must.add((i, j))
            weight.setdefault((i, j), _weight(scores, r.a, r.b)[0])
    exploratory: dict[tuple[int, int], int] = {}
    for i, options in enumerate(eligible):
        options.sort(key=lambda o: (-o[0], -o[1], ids[o[2]]))
        valued = [j for w, _, j in options if w > 0][:k]
        # worthless pairs only for those with a minimum, in case the valued ones clash;
        # of those, the best scored (exploratory) first
        filler = (
            [j for w, _, j in options if w <= 0][:k] if event.participants[i].min_meetings else []
        )
        by_partner = {j: w for w, _, j in options}
        for j in valued + filler:
            weight.setdefault((min(i, j), max(i, j)), by_partner[j])
        for _, value, j in [o for o in options if o[0] <= 0 < o[1]][:k]:
            exploratory.setdefault((min(i, j), max(i, j)), value)
    return Instance(
        ids=ids,
        n_slots=n_slots,
        tables=event.tables,
        available=available,
        min_meetings=tuple(p.min_meetings for p in event.participants),
        max_meetings=tuple(
            n_slots if p.max_meetings is None else p.max_meetings for p in event.participants
        ),
        weights=weight,
        must=frozenset(must),
        eligible=tuple(tuple(sorted(j for _, _, j in options)) for options in eligible),
        exploratory=exploratory,
    )


def _weight(scores: PairScores, a: str, b: str) -> tuple[int, int]:
    """(weight in the plan, score weight) of a pair: an exploratory pair weighs 0."""
    value = round(max(0.0, scores.score(a, b)) * SCALE)
    pair = scores.get(a, b)
    return (0 if pair is not None and pair.exploratory else value), value
