"""Benchmark (not a test): a year of matchmaking events planned in order, with history.

Run: ``python -m eval.bench_series [--events 200] [--encoder e5-small|hashing] [--seed 0]``.

A park's year: ``--events`` events (default 200) on random days of 2026, each themed with
one chain of the demo park (an industrial chain joined by the service providers three
times in ten), 20–40 participants shortlisted from the theme, 6 slots, a table per three
participants, everybody at least one meeting. After each event every meeting gets an
outcome drawn at random with a fixed seed per (event, pair) — no-show 10 %, held 68 %,
follow-up 20 %, signed 2 % — recorded in a real event store, and the next event is planned
from it. Three planners run the same year, each with its own store:

- ``history-blind``: today's planner; it knows nothing of earlier events;
- ``history``: the default rules (180-day window, follow-ups become wishes);
- ``history + favour``: the same, with ``--favour-unserved`` (weight ``--favour``).

Printed per planner: repeated pairs outside follow-ups (within the window, the rule's
target 0; and at any earlier event of the year), follow-up repeats, the share of the park
ever served (a held meeting), companies that found partners, the mean pair score of the
meetings, and the total planning time (reading the history + shortlist + schedule). Pair
scores are computed once per theme pool for all three (the time is printed apart).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import random
import statistics
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from catalog.demo import load_demo_organisations
from catalog.events import (
    EventStore,
    Outcome,
    OutcomeStatus,
    Plan,
    Theme,
    pair_key,
    parse_event,
    series_stats,
)
from catalog.taxonomy import load_default_taxonomy
from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.choice import EncoderKind, open_encoder
from embeddings.hashing import HashingEncoder
from eval.home import home_paths
from matcher.engine import MatchEngine
from matcher.events import (
    History,
    HistoryRules,
    InfeasibleScheduleError,
    PairScores,
    plan_from_pool,
    score_pairs,
    theme_pool,
)

console = Console(highlight=False, soft_wrap=True, width=150)
log = logging.getLogger(__name__)

OUTCOMES = (
    (OutcomeStatus.NO_SHOW, 0.10),
    (OutcomeStatus.HELD, 0.68),
    (OutcomeStatus.FOLLOW_UP, 0.20),
    (OutcomeStatus.SIGNED, 0.02),
)
INDUSTRIAL = ("ic", "pv", "nev", "bio", "iot", "newmat")
SLOTS = ["09:00", "09:25", "09:50", "10:15", "10:40", "11:05"]


@dataclass(frozen=True)
class SimEvent:
    number: int
    date: dt.date
    chains: tuple[str, ...]
    participants: int


def year_of_events(n: int, seed: int) -> list[SimEvent]:
    """``n`` themed events on random days of 2026, in date order."""
    rng = random.Random(seed)
    days = sorted(rng.randrange(365) for _ in range(n))
    out = []
    for k, day in enumerate(days):
        chain = rng.choice([*INDUSTRIAL, "svc"])
        chains = (chain, "svc") if chain != "svc" and rng.random() < 0.3 else (chain,)
        date = dt.date(2026, 1, 1) + dt.timedelta(days=day)
        out.append(SimEvent(k + 1, date, chains, rng.randint(20, 40)))
    return out


def outcome_of(seed: int, number: int, a: str, b: str) -> OutcomeStatus:
    """The same meeting at the same event gets the same outcome under every planner."""
    u = random.Random(zlib.crc32(f"{seed}:{number}:{a}:{b}".encode())).random()
    for status, p in OUTCOMES:
        if u < p:
            return status
        u -= p
    return OUTCOMES[-1][0]


@dataclass
class Arm:
    name: str
    window_days: int
    favour: float
    store: EventStore
    seconds: float = 0.0
    relaxed: int = 0  # events re-planned without the minimum of one meeting (infeasible)
    plans: list[tuple[Plan, list[Outcome]]] = field(default_factory=list)


def plan_one(arm: Arm, ev: SimEvent, pool: PairScores, seed: int, time_limit: float) -> None:
    event = parse_event(
        {
            "id": f"sim-{ev.number:03d}",
            "name": f"{'+'.join(ev.chains)} 对接会 #{ev.number}",
            "date": ev.date.isoformat(),
            "theme": {"chains": list(ev.chains)},
            "slots": SLOTS,
            "tables": max(1, ev.participants // 3),
        }
    )
    start = time.perf_counter()
    history = None
    if arm.window_days:
        past = arm.store.past_meetings(org_ids=pool.ids)
        history = History(tuple(past), HistoryRules(window_days=arm.window_days))
    plan = None
    for least in (1, 0):  # a minimum history made impossible: plan once more without it
        try:
            plan = plan_from_pool(
                event,
                pool,
                participants=ev.participants,
                history=history,
                favour_unserved=arm.favour,
                min_meetings=least,
                time_limit=time_limit,
            )
            break
        except InfeasibleScheduleError:
            arm.relaxed += 1
    if plan is None:
        raise RuntimeError(f"event {ev.number}: no schedule even without minimums")
    arm.seconds += time.perf_counter() - start
    arm.store.save_plan(plan)
    outcomes = [
        Outcome(a=m.a, b=m.b, status=outcome_of(seed, ev.number, m.a, m.b), supplier=m.a)
        for m in plan.meetings
    ]
    if outcomes:
        arm.store.record_outcomes(event.id or "", outcomes)
    arm.plans.append((plan, outcomes))


def repeats(plans: list[tuple[Plan, list[Outcome]]], window: int | None) -> tuple[int, int]:
    """(repeats outside follow-ups, follow-up repeats): meetings whose pair met (not a
    no-show) at an earlier event — within ``window`` days, or ever with None."""
    met: dict[tuple[str, str], list[tuple[dt.date, OutcomeStatus]]] = {}
    plain = follow = 0
    for plan, outs in plans:
        day = plan.event.date
        status = {(o.a, o.b): o.status for o in outs}
        for m in plan.meetings:
            key = pair_key(m.a, m.b)
            before = [
                (d, s) for d, s in met.get(key, []) if window is None or (day - d).days <= window
            ]
            if before:
                if before[-1][1] is OutcomeStatus.FOLLOW_UP:
                    follow += 1
                else:
                    plain += 1
        for m in plan.meetings:
            s = status[(m.a, m.b)]
            if s is not OutcomeStatus.NO_SHOW:
                met.setdefault(pair_key(m.a, m.b), []).append((day, s))
    return plain, follow


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=200, help="events in the year")
    ap.add_argument("--seed", type=int, default=0, help="seed of the year and the outcomes")
    ap.add_argument("--encoder", choices=["e5-small", "hashing"], default="e5-small")
    ap.add_argument("--favour", type=float, default=1.0, help="weight of favour-unserved")
    ap.add_argument("--time-limit", type=float, default=10.0, help="solver limit per event, s")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    console.print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"encoder {args.encoder}; {args.events} events, seed {args.seed}"
    )
    orgs = load_demo_organisations()
    paths = home_paths()
    t0 = time.perf_counter()
    if args.encoder == "hashing":
        encoder = CachedEncoder(HashingEncoder(dim=256), EmbeddingCache(":memory:"))
    else:  # the warm embedding cache of ~/.chainmatch
        encoder = open_encoder(
            EncoderKind.E5_SMALL, models=paths.models, cache=paths.cache, progress=False
        )
    engine = MatchEngine(orgs, load_default_taxonomy(), encoder).build()
    t1 = time.perf_counter()
    year = year_of_events(args.events, args.seed)
    pools: dict[tuple[str, ...], PairScores] = {}
    for ev in year:
        if ev.chains not in pools:
            pools[ev.chains] = score_pairs(engine, theme_pool(engine, Theme(chains=ev.chains)))
    t2 = time.perf_counter()
    encoder.cache.close()
    console.print(
        f"demo park: {len(orgs)} organisations; index {t1 - t0:.1f} s; pair scores for "
        f"{len(pools)} theme pools ({min(len(p.ids) for p in pools.values())}–"
        f"{max(len(p.ids) for p in pools.values())} organisations) in {t2 - t1:.1f} s"
    )
    universe = {o.id: [p.chain for p in o.chains] for o in orgs}
    with tempfile.TemporaryDirectory() as tmp:
        arms = [
            Arm("history-blind", 0, 0.0, EventStore(Path(tmp) / "blind.sqlite")),
            Arm("history", 180, 0.0, EventStore(Path(tmp) / "history.sqlite")),
            Arm(
                f"history + favour {args.favour:g}",
                180,
                args.favour,
                EventStore(Path(tmp) / "favour.sqlite"),
            ),
        ]
        for ev in year:
            for arm in arms:
                plan_one(arm, ev, pools[ev.chains], args.seed, args.time_limit)
            if ev.number % 20 == 0:
                log.warning("planned %d/%d events", ev.number, len(year))
        for arm in arms:
            arm.store.close()
    table = Table(title=f"a year of {len(year)} events, planned in order")
    for col in ("figure", *(a.name for a in arms)):
        table.add_column(col)
    rows: dict[str, list[str]] = {}
    for arm in arms:
        s = series_stats(arm.plans, universe)
        inside, fu_inside = repeats(arm.plans, 180)
        ever, fu_ever = repeats(arm.plans, None)
        meetings = [m for p, _ in arm.plans for m in p.meetings]
        figures = {
            "meetings": f"{s.meetings}",
            "repeat pairs within 180 days (outside follow-ups)": f"{inside}",
            "repeat pairs in the year (outside follow-ups)": f"{ever} ({s.repeat_pair_rate:.2%})"
            if s.repeat_pair_rate is not None
            else "0",
            "follow-up repeats (within 180 days / year)": f"{fu_inside} / {fu_ever}",
            "park ever served": f"{s.park - s.never_served} / {s.park} "
            f"({(s.park - s.never_served) / s.park:.1%})",
            "served once / several times": f"{s.served_once} / {s.served_several}",
            "companies that found partners": f"{s.partner_found} of {s.companies} "
            f"({(s.partner_found_rate or 0):.1%}; reference 5.0%)",
            "mean pair score of the meetings": f"{statistics.fmean(m.score for m in meetings):.4f}",
            "exploratory meetings": f"{sum(m.exploratory for m in meetings)}",
            "events re-planned without the minimum": f"{arm.relaxed}",
            "total planning time": f"{arm.seconds:.1f} s ({arm.seconds / len(year):.2f} s/event)",
        }
        for k, v in figures.items():
            rows.setdefault(k, []).append(v)
    for k, vals in rows.items():
        table.add_row(k, *vals)
    console.print(table)


if __name__ == "__main__":
    main()
