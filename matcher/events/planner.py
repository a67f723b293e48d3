"""One call from an event definition to a stored-ready plan: shortlist, score, schedule.

Example usage::

    event = parse_event({...})                      # see catalog.events.model
    plan = plan_event(engine, event, participants=40, time_limit=10)
    plan.to_json()["gap"]
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from catalog.errors import InvalidInputError, NotFoundError
from catalog.events.model import Event, pair_key
from catalog.events.results import Meeting, Plan, ShortlistEntry, SolveStatus
from matcher.engine import MatchEngine
from matcher.events.pairs import PairScores, score_pairs
from matcher.events.problem import SCALE, build_instance
from matcher.events.scheduler import Schedule, Strategy, schedule
from matcher.events.shortlist import shortlist
from matcher.evidence import basis_labels

__all__ = ["plan_event", "plan_from_scores"]

log = logging.getLogger(__name__)


def plan_event(
    engine: MatchEngine,
    event: Event,
    *,
    participants: int | None = None,
    time_limit: float = 20.0,
    workers: int | None = None,
    seed: int = 0,
    strategy: Strategy = Strategy.AUTO,
    top_k: int | None = None,
    wish_bonus: float = 0.5,
    min_meetings: int = 0,
    max_meetings: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Shortlist (when the event lists nobody and ``participants`` is given), then schedule.

    ``min_meetings``/``max_meetings`` are the limits of shortlisted participants: with a
    minimum of 1 nobody is invited only to sit without a meeting.
    """
    entries: tuple[ShortlistEntry, ...] = ()
    if event.participants:
        if participants is not None:
            raise InvalidInputError(
                "participants: the event already lists its participants; "
                "leave out the shortlist size"
            )
        known = {o.id for o in engine.orgs}
        missing = [i for i in event.participant_ids if i not in known]
        if missing:
            raise NotFoundError("organisation", ", ".join(missing[:10]))
        scores = score_pairs(engine, event.participant_ids, progress=progress)
    else:
        if participants is None:
            raise InvalidInputError(
                "participants: the event lists no participants; list them or give a "
                "shortlist size (--participants N)"
            )
        sl = shortlist(
            engine, event.theme, participants, required=event.requested_ids(), progress=progress
        )
        event = event.with_participants(
            sl.ids, min_meetings=min_meetings, max_meetings=max_meetings
        )
        scores = sl.scores.restrict(sl.ids)
        entries = sl.entries
    return plan_from_scores(
        event,
        scores,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        strategy=strategy,
        top_k=top_k,
        wish_bonus=wish_bonus,
        shortlist=entries,
    )


def plan_from_scores(
    event: Event,
    scores: PairScores,
    *,
    time_limit: float = 20.0,
    workers: int | None = None,
    seed: int = 0,
    strategy: Strategy = Strategy.AUTO,
    top_k: int | None = None,
    wish_bonus: float = 0.5,
    shortlist: tuple[ShortlistEntry, ...] = (),
) -> Plan:
    """Schedule an event whose participants all have pair scores (tests, benchmarks)."""
    inst = build_instance(event, scores, top_k=top_k, wish_bonus=wish_bonus)
    result = schedule(inst, time_limit=time_limit, workers=workers, seed=seed, strategy=strategy)
    return _plan(event, scores, result, len(inst.weights), shortlist)


def _plan(
    event: Event,
    scores: PairScores,
    result: Schedule,
    candidates: int,
    entries: tuple[ShortlistEntry, ...],
) -> Plan:
    ids = event.participant_ids
    prefs = event.preferences()
    meetings = []
    for a in result.assignments:
        x, y = pair_key(ids[a.i], ids[a.j])
        pair = scores.get(x, y)
        meetings.append(
            Meeting(
                slot=a.slot + 1,
                table=a.table + 1,
                a=x,
                b=y,
                score=0.0 if pair is None else round(pair.score, 6),
                links=() if pair is None else pair.links,
                relation="" if pair is None else pair.relation,
                requested=prefs.get((x, y)),
                exploratory=pair is None or pair.exploratory,
                rests_on=() if pair is None else tuple(basis_labels(pair.rests_on)),
            )
        )
    explore = sum(m.exploratory for m in meetings)
    log.info(
        "planned %d meetings for %d participants: objective %.3f, bound %.3f, gap %.2f%% (%s)",
        len(meetings),
        len(ids),
        result.objective / SCALE,
        result.bound / SCALE,
        100 * result.gap,
        "; ".join(result.steps),
    )
    if explore or result.declined:
        log.info(
            "%d exploratory meeting(s) held for a request or a minimum; %d table slot(s) left "
            "empty rather than hold a meeting without evidence",
            explore,
            result.declined,
        )
    return Plan(
        event=event,
        names={i: scores.names.get(i, i) for i in ids},
        meetings=tuple(meetings),
        objective=result.objective / SCALE,
        bound=result.bound / SCALE,
        gap=result.gap,
        status=SolveStatus.OPTIMAL if result.optimal else SolveStatus.FEASIBLE,
        solve_seconds=round(result.seconds, 3),
        candidate_pairs=candidates,
        shortlist=entries,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        declined_exploratory=result.declined,
    )
