"""One call from an event definition to a stored-ready plan: shortlist, score, schedule.

Example usage::

    event = parse_event({...})                      # see catalog.events.model
    plan = plan_event(engine, event, participants=40, time_limit=10)
    plan.to_json()["gap"]
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from catalog.errors import InvalidInputError, NotFoundError
from catalog.events.model import Event, pair_key
from catalog.events.note import HistoryNote
from catalog.events.results import Meeting, Plan, ShortlistEntry, SolveStatus
from matcher.engine import MatchEngine
from matcher.events.history import History, Verdicts, apply_history, unserved_factors
from matcher.events.pairs import PairScores, score_pairs
from matcher.events.problem import SCALE, build_instance
from matcher.events.progress import PlanPhase, PlanProgress, ProgressFn, SolveReport
from matcher.events.scheduler import Schedule, Strategy, schedule
from matcher.events.shortlist import check_shortlist, shortlist_from_scores, theme_pool
from matcher.events.waves import Waves, chain_waves
from matcher.evidence import basis_labels

__all__ = ["plan_event", "plan_from_pool", "plan_from_scores"]

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
    history: History | None = None,
    favour_unserved: float = 0.0,
    waves: bool = False,
    leaders: Sequence[str] = (),
    on_progress: ProgressFn | None = None,
) -> Plan:
    """Shortlist (when the event lists nobody and ``participants`` is given), then schedule.

    ``min_meetings``/``max_meetings`` are the limits of shortlisted participants: with a
    minimum of 1 nobody is invited only to sit without a meeting. With ``history`` the plan
    leaves out pairs that met within its window and turns follow-ups into wishes
    (`matcher.events.history`); the shortlist then also skips those pairs, can favour the
    unserved (``favour_unserved``: the weight) and fill in ``waves`` (chain leaders and
    their suppliers first; ``leaders`` names them, else large buyers of the chain).
    ``on_progress`` hears each step (`matcher.events.progress`).
    """
    progress = _scoring(progress, on_progress)
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
        return plan_from_scores(
            event,
            scores,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            strategy=strategy,
            top_k=top_k,
            wish_bonus=wish_bonus,
            history=history,
            on_progress=on_progress,
        )
    if participants is None:
        raise InvalidInputError(
            "participants: the event lists no participants; list them or give a "
            "shortlist size (--participants N)"
        )
    required = event.requested_ids()
    check_shortlist(participants, required)
    pool = theme_pool(engine, event.theme, required)
    if len(pool) < 2:
        raise InvalidInputError(
            f"theme: only {len(pool)} organisation(s) fit '{event.theme.describe()}'; "
            "widen the theme (chains, segments, regions)"
        )
    scores = score_pairs(engine, pool, progress=progress)
    roles = None
    if waves or leaders:
        roles = chain_waves(engine.orgs, engine.taxonomy, pool, event.theme.chains, leaders=leaders)
    return plan_from_pool(
        event,
        scores,
        participants=participants,
        history=history,
        favour_unserved=favour_unserved,
        waves=roles,
        min_meetings=min_meetings,
        max_meetings=max_meetings,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        strategy=strategy,
        top_k=top_k,
        wish_bonus=wish_bonus,
        on_progress=on_progress,
    )


def plan_from_pool(
    event: Event,
    scores: PairScores,
    *,
    participants: int,
    history: History | None = None,
    favour_unserved: float = 0.0,
    waves: Waves | None = None,
    min_meetings: int = 0,
    max_meetings: int | None = None,
    time_limit: float = 20.0,
    workers: int | None = None,
    seed: int = 0,
    strategy: Strategy = Strategy.AUTO,
    top_k: int | None = None,
    wish_bonus: float = 0.5,
    on_progress: ProgressFn | None = None,
) -> Plan:
    """Shortlist ``participants`` from a theme pool's pair scores, then schedule (a series
    of events over the same pools scores each pool once: `eval.bench_series`)."""
    verdicts = Verdicts() if history is None else history.verdicts(event.date)
    favour = None
    if favour_unserved > 0:
        service = {} if history is None else history.service(event.date)
        favour = unserved_factors(service, scores.ids, favour_unserved)
    if len(scores.ids) < participants:
        log.warning(
            "theme '%s' admits only %d organisations", event.theme.describe(), len(scores.ids)
        )
    sl = shortlist_from_scores(
        scores,
        participants,
        required=event.requested_ids(),
        excluded=verdicts.excluded_pairs(),
        favour=favour,
        waves=waves,
    )
    log.info(
        "shortlisted %d of %d organisations for '%s'",
        len(sl.entries),
        len(scores.ids),
        event.theme.describe(),
    )
    event = event.with_participants(sl.ids, min_meetings=min_meetings, max_meetings=max_meetings)
    return plan_from_scores(
        event,
        sl.scores.restrict(sl.ids),
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        strategy=strategy,
        top_k=top_k,
        wish_bonus=wish_bonus,
        shortlist=sl.entries,
        history=history,
        verdicts=verdicts,
        on_progress=on_progress,
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
    history: History | None = None,
    verdicts: Verdicts | None = None,
    on_progress: ProgressFn | None = None,
) -> Plan:
    """Schedule an event whose participants all have pair scores (tests, benchmarks);
    with ``history``, its pairs that met recently are left out first."""
    note = None
    if history is not None:
        got = verdicts if verdicts is not None else history.verdicts(event.date)
        event, note = apply_history(event, got, history.rules)
        log.info("%s", note.note())
    inst = build_instance(event, scores, top_k=top_k, wish_bonus=wish_bonus)
    result = schedule(
        inst,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        strategy=strategy,
        on_report=None if on_progress is None else _solving(on_progress),
    )
    plan = _plan(event, scores, result, len(inst.weights), shortlist, note)
    if on_progress is not None:
        on_progress(PlanProgress(PlanPhase.DONE, 1.0, plan.objective, plan.bound))
    return plan


def _scoring(
    progress: Callable[[int, int], None] | None, on_progress: ProgressFn | None
) -> Callable[[int, int], None] | None:
    """Pair scoring's count, passed on as the first half of the plan's progress."""
    if on_progress is None:
        return progress

    def both(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total)
        on_progress(PlanProgress(PlanPhase.SCORING, 0.5 * done / max(1, total)))

    return both


def _solving(on_progress: ProgressFn) -> Callable[[SolveReport], None]:
    """The scheduler's reports in pair-score units; time used is the second half."""
    best: list[float] = []

    def relay(r: SolveReport) -> None:
        objective = None if r.objective is None else r.objective / SCALE
        if objective is not None:
            best.append(objective)
        done = 0.5 + 0.5 * min(1.0, r.elapsed / max(r.time_limit, 1e-9))
        bound = None if r.bound is None else r.bound / SCALE
        on_progress(
            PlanProgress(PlanPhase.SOLVING, done, max(best, default=None), bound, r.solutions)
        )

    return relay


def _plan(
    event: Event,
    scores: PairScores,
    result: Schedule,
    candidates: int,
    entries: tuple[ShortlistEntry, ...],
    note: HistoryNote | None = None,
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
                follow_up=_follow_up(note, x, y),
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
        history=note,
    )


def _follow_up(note: HistoryNote | None, a: str, b: str) -> str:
    wish = None if note is None else note.follow_up_of(a, b)
    return "" if wish is None else wish.event_id
