"""Planning an event as a job: the console's wizard polls it to show the solver's progress.

`plan_request` is what `POST /events/plan` does (history, pool cap, plan, save); `PlanJobs`
runs it on one background thread (planning is CPU-bound: one at a time, in order; at most
four wait) and keeps each job's last `PlanProgress`, its result or its error body for
polling. Jobs live in the
process that ran them: with ``--workers`` > 1 a poll must reach the same worker, so the
console's wizard is meant for a single-worker service (the default).
"""

from __future__ import annotations

import enum
import itertools
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from catalog.actors import Actor
from catalog.errors import ConflictError, InvalidInputError, NotFoundError
from catalog.events import EventStore
from matcher.events import (
    HistoryRules,
    PlanPhase,
    PlanProgress,
    ProgressFn,
    load_history,
    plan_event,
    theme_pool,
)
from service.api.errors import error_body
from service.api.event_schemas import MAX_API_ORGS, PlanOut, PlanRequest
from service.api.schemas import ErrorBody
from service.api.state import EngineHolder
from service.errors import MAPPED, http_status

__all__ = ["JobState", "PlanJob", "PlanJobs", "plan_request"]

log = logging.getLogger(__name__)
KEEP = 50  # jobs kept for polling, oldest dropped first
MAX_WAITING = 4  # queued jobs beyond the running one; more is a 409


def _check_pool(holder: EngineHolder, req: PlanRequest) -> None:
    """An open endpoint shortlists from at most MAX_API_ORGS organisations: refuse a wider
    theme at once instead of scoring pairs for a minute (listed participants are capped by
    the schema)."""
    if req.participants is None or req.event.participants:
        return
    theme = req.event.theme
    pool = theme_pool(holder.engine, theme, req.event.requested_ids())
    if len(pool) > MAX_API_ORGS:
        raise InvalidInputError(
            f"theme: '{theme.describe()}' admits {len(pool)} organisations, but the API "
            f"shortlists from at most {MAX_API_ORGS}; narrow the theme (chains, segments, "
            "regions) or plan with 'chainmatch event plan'"
        )


def plan_request(
    holder: EngineHolder,
    req: PlanRequest,
    staff: Actor | None,
    on_progress: ProgressFn | None = None,
) -> PlanOut:
    """Shortlist and schedule as the request says; store it when ``staff`` saves it."""
    _check_pool(holder, req)
    event = req.event.to_event()
    rules = HistoryRules(window_days=req.not_again_within_days, follow_ups=req.follow_ups)
    with EventStore(holder.workspace.paths.db) as store:
        history = load_history(store, event, rules, replace=req.replace)
    result = plan_event(
        holder.engine,
        event,
        participants=req.participants,
        time_limit=req.time_limit,
        min_meetings=req.min_meetings,
        max_meetings=req.max_meetings,
        history=history,
        favour_unserved=req.favour_unserved,
        waves=req.waves,
        leaders=tuple(req.leaders),
        on_progress=on_progress,
    )
    if staff is not None:
        with EventStore(holder.workspace.paths.db) as store:
            result = store.save_plan(result, replace=req.replace, who=staff.who())
    return PlanOut.from_plan(result, saved=req.save, history_detail=req.history_detail)


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class PlanJob:
    """One planning job as a poll sees it."""

    id: str
    state: JobState = JobState.QUEUED
    progress: PlanProgress | None = None
    result: PlanOut | None = None
    error: ErrorBody | None = None
    status_code: int | None = None  # the HTTP status the same error gets from POST /plan


class PlanJobs:
    """Plan jobs run one after the other on a background (daemon) thread; at most
    ``max_waiting`` wait, so an open endpoint cannot be flooded with work."""

    def __init__(self, keep: int = KEEP, max_waiting: int = MAX_WAITING) -> None:
        self._queue: queue.Queue[tuple[PlanJob, Callable[[ProgressFn], PlanOut]]] = queue.Queue()
        self._jobs: OrderedDict[str, PlanJob] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._keep = keep
        self._max_waiting = max_waiting
        self._worker: threading.Thread | None = None

    def submit(self, run: Callable[[ProgressFn], PlanOut]) -> PlanJob:
        """Queue ``run`` (given a progress callback); the job's id answers polls."""
        with self._lock:
            busy = sum(j.state in (JobState.QUEUED, JobState.RUNNING) for j in self._jobs.values())
            if busy > self._max_waiting:  # one runs, max_waiting wait
                raise ConflictError(
                    f"the planner is busy: {busy} plan job(s) are running or waiting; "
                    "try again when one has finished"
                )
            job = PlanJob(id=f"job-{next(self._ids)}")
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
            if self._worker is None:
                self._worker = threading.Thread(target=self._serve, name="plan-jobs", daemon=True)
                self._worker.start()
        self._queue.put((job, run))
        return job

    def get(self, job_id: str) -> PlanJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("job", job_id)
        return job

    def _serve(self) -> None:
        while True:
            job, run = self._queue.get()
            self._run(job, run)

    def _run(self, job: PlanJob, run: Callable[[ProgressFn], PlanOut]) -> None:
        job.progress = PlanProgress(PlanPhase.SCORING, 0.0)
        job.state = JobState.RUNNING

        def seen(p: PlanProgress) -> None:
            job.progress = p

        try:
            job.result = run(seen)
            job.state = JobState.DONE
        except MAPPED as exc:
            job.error, job.status_code = error_body(exc), http_status(exc)
            job.state = JobState.FAILED
        except Exception:  # a job must end, and say so, whatever happened
            log.exception("plan %s failed", job.id)
            job.error, job.status_code = ErrorBody(detail="internal error"), 500
            job.state = JobState.FAILED
