"""Series stats: what a park's events did over months — who was served, who found partners.

The park's own yearly figure is the reference: 217 events, 5,478 participating companies,
274 of which found partners (≈ 5 %). Definitions, all over the events of the series (from
``since``, themed with ``chain`` when given), in the order they were held:

- a company is *served* at an event when it had a meeting there that was held (recorded
  ``held``, ``signed`` or ``follow_up``); *served once / several times* counts those events;
  *never served* counts the park's organisations (of the chain) with none;
- a *repeat pair* is a meeting whose two companies met at an earlier event of the series
  (any meeting not recorded as a no-show); it is a *follow-up* repeat when that earlier
  meeting's outcome was ``follow_up`` — the pair asked to meet again;
- the *partner-found rate* is companies with a signed cooperation ÷ participating companies,
  overall, per chain (the companies' own chains, from the catalog) and per month.

Example usage::

    with EventStore(paths.db) as store:
        stats = series_stats(store.series(since=dt.date(2026, 1, 1)), universe)
    stats.partner_found_rate, stats.reference_rate
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from catalog.errors import InvalidInputError
from catalog.events.model import pair_key
from catalog.events.outcomes import Outcome, OutcomeStatus
from catalog.events.results import Plan
from catalog.events.store import EventStore
from catalog.store import CatalogStore

__all__ = [
    "REFERENCE_RATE",
    "ChainRow",
    "MonthRow",
    "SeriesStats",
    "in_series",
    "series_stats",
    "stored_series_stats",
]

# Binjiang's year (the seeds): 274 of 5,478 participating companies found partners
REFERENCE_COMPANIES, REFERENCE_PARTNERED = 5478, 274
REFERENCE_RATE = round(REFERENCE_PARTNERED / REFERENCE_COMPANIES, 4)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ChainRow(_Model):
    chain: str
    name: str
    events: int  # events themed with this chain
    park: int  # the park's organisations in this chain
    companies: int  # of them, participants of the series
    served: int
    never_served: int
    partner_found: int
    partner_found_rate: float | None


class MonthRow(_Model):
    month: str  # "2026-03"
    events: int
    companies: int
    partner_found: int
    partner_found_rate: float | None


class SeriesStats(_Model):
    since: dt.date | None
    chain: str | None
    events: int
    meetings: int
    held: int
    park: int  # organisations the series could serve (the catalog, or the chain's part)
    companies: int  # distinct participating companies
    served_once: int
    served_several: int
    never_served: int
    repeat_pairs: int  # outside follow-ups
    follow_up_repeats: int
    repeat_pair_rate: float | None  # repeat_pairs ÷ meetings
    partner_found: int
    partner_found_rate: float | None  # partner_found ÷ companies
    reference_rate: float = REFERENCE_RATE
    chains: tuple[ChainRow, ...] = ()
    months: tuple[MonthRow, ...] = ()


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def in_series(plan: Plan, *, since: dt.date | None = None, chain: str | None = None) -> bool:
    """Whether an event belongs to the series: on or after ``since``, themed with ``chain``
    (one of its chains, or a segment of it)."""
    ev = plan.event
    if since is not None and ev.date < since:
        return False
    if chain is None:
        return True
    return chain in ev.theme.chains or any(s.startswith(f"{chain}.") for s in ev.theme.segments)


def series_stats(
    series: Sequence[tuple[Plan, Sequence[Outcome]]],
    universe: Mapping[str, Sequence[str]],
    *,
    since: dt.date | None = None,
    chain: str | None = None,
    chain_names: Mapping[str, str] | None = None,
) -> SeriesStats:
    """The series' figures; ``universe`` maps the park's organisations to their chains."""
    events = sorted(
        (p for p in series if in_series(p[0], since=since, chain=chain)),
        key=lambda p: (p[0].event.date, p[0].event.id or ""),
    )
    park = {o for o, chains in universe.items() if chain is None or chain in chains}
    served: Counter[str] = Counter()  # org → events where it was served
    companies: set[str] = set()
    partnered: set[str] = set()
    last: dict[tuple[str, str], OutcomeStatus | None] = {}  # pair → last counting outcome
    meetings = held = repeats = follow_ups = 0
    month_people: dict[str, set[str]] = defaultdict(set)
    month_partnered: dict[str, set[str]] = defaultdict(set)
    month_events: Counter[str] = Counter()
    for plan, outs in events:
        by_pair = {(o.a, o.b): o.status for o in outs}
        month = f"{plan.event.date:%Y-%m}"
        month_events[month] += 1
        month_people[month].update(plan.event.participant_ids)
        companies.update(plan.event.participant_ids)
        here: set[str] = set()
        seen: dict[tuple[str, str], OutcomeStatus | None] = {}
        for m in plan.meetings:
            key = pair_key(m.a, m.b)
            status = by_pair.get(key)
            meetings += 1
            if key in last:
                if last[key] is OutcomeStatus.FOLLOW_UP:
                    follow_ups += 1
                else:
                    repeats += 1
            if status is not OutcomeStatus.NO_SHOW:
                seen[key] = status
            if status is not None and status.held:
                held += 1
                here.update(key)
            if status is OutcomeStatus.SIGNED:
                partnered.update(key)
                month_partnered[month].update(key)
        last.update(seen)
        served.update(here)
    ever = {o for o, n in served.items() if n > 0}
    return SeriesStats(
        since=since,
        chain=chain,
        events=len(events),
        meetings=meetings,
        held=held,
        park=len(park),
        companies=len(companies),
        served_once=sum(n == 1 for n in served.values()),
        served_several=sum(n > 1 for n in served.values()),
        never_served=len((park | companies) - ever),
        repeat_pairs=repeats,
        follow_up_repeats=follow_ups,
        repeat_pair_rate=_rate(repeats, meetings),
        partner_found=len(partnered),
        partner_found_rate=_rate(len(partnered), len(companies)),
        chains=_chains(events, universe, companies, ever, partnered, chain, chain_names or {}),
        months=tuple(
            MonthRow(
                month=mo,
                events=month_events[mo],
                companies=len(month_people[mo]),
                partner_found=len(month_partnered[mo]),
                partner_found_rate=_rate(len(month_partnered[mo]), len(month_people[mo])),
            )
            for mo in sorted(month_events)
        ),
    )


def stored_series_stats(
    events: EventStore,
    catalog: CatalogStore,
    chain_names: Mapping[str, str],
    *,
    since: dt.date | None = None,
    chain: str | None = None,
) -> SeriesStats:
    """`series_stats` over the stored events, the catalog being the park; ``chain_names``
    (the taxonomy's chains) checks ``chain``."""
    if chain is not None and chain not in chain_names:
        raise InvalidInputError(
            f"theme_chain: unknown chain {chain!r}; known: {', '.join(sorted(chain_names))}"
        )
    return series_stats(
        events.series(since=since),
        catalog.chains_by_org(),
        since=since,
        chain=chain,
        chain_names=chain_names,
    )


def _chains(
    events: Sequence[tuple[Plan, Sequence[Outcome]]],
    universe: Mapping[str, Sequence[str]],
    companies: set[str],
    ever: set[str],
    partnered: set[str],
    only: str | None,
    names: Mapping[str, str],
) -> tuple[ChainRow, ...]:
    members: dict[str, set[str]] = defaultdict(set)
    for org, chains in universe.items():
        for c in chains:
            members[c].add(org)
    rows = []
    for c in sorted(members):
        if only is not None and c != only:
            continue
        park = members[c]
        came = park & companies
        rows.append(
            ChainRow(
                chain=c,
                name=names.get(c, c),
                events=sum(in_series(p, chain=c) for p, _ in events),
                park=len(park),
                companies=len(came),
                served=len(park & ever),
                never_served=len(park - ever),
                partner_found=len(came & partnered),
                partner_found_rate=_rate(len(came & partnered), len(came)),
            )
        )
    return tuple(rows)
