"""/challenges: technical challenges (揭榜挂帅) — post, review, apply, score, award, sign,
accept; solvers, stats and the workbook.

The same library calls as `chainmatch challenge …` (service/cli_challenge.py,
service/challenge.py); this module only translates HTTP. Every write needs a bearer token:
a company token posts challenges for its own organisation, applies for its own
organisation, and moves its own challenges only as the owner may (submit, withdraw,
accept); staff do the rest, and a staff reviewer other than the author publishes. Reads are
open, cut by `catalog.challenge.views`: confidential details only for staff, the owner and
applicants; drafts only for staff and the owner. The log only grows: no PUT, PATCH or DELETE.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from catalog.actors import Actor
from catalog.challenge import ChallengeMove, ChallengeState, ChallengeStore
from service.api.challenge_schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ChallengeCreate,
    ChallengeListPublic,
    ChallengeMoveUpdate,
    ChallengePublic,
    ChallengeStatsPublic,
    RankingPublic,
    ReviewCreate,
    SolversPublic,
)
from service.api.deps import ActorDep, HolderDep, MaybeActorDep, StaffDep
from service.api.routes.desk import ERRORS as DESK_ERRORS
from service.challenge import (
    application_of,
    challenge_doc,
    list_doc,
    ranking_doc,
    solvers_doc,
    spec_of,
    stats_doc,
)

router = APIRouter(prefix="/challenges", tags=["challenges"])

ERRORS: dict[int | str, dict[str, Any]] = {
    **DESK_ERRORS,
    404: {"model": DESK_ERRORS[404]["model"], "description": "no challenge with that id"},
    409: {
        "model": DESK_ERRORS[409]["model"],
        "description": "a move, application or review the challenge's state does not allow",
    },
}
ChallengeId = Annotated[str, Path(min_length=1, max_length=100, description="e.g. ch-20260907-1")]
OrgPath = Annotated[str, Path(min_length=1, max_length=64, description="the applicant's id")]


def get_store(holder: HolderDep) -> Iterator[ChallengeStore]:
    """The challenge tables in the catalog's file, for one request."""
    with ChallengeStore(holder.workspace.paths.db) as store:
        yield store


StoreDep = Annotated[ChallengeStore, Depends(get_store)]


def _as(token: Actor, person: str | None) -> Actor:
    """The token's role and organisation, under the name of the person acting if given."""
    return Actor(person, token.role, token.org_id) if person else token


@router.post("", response_model=ChallengePublic, responses=ERRORS)
def post_challenge(body: ChallengeCreate, store: StoreDep, actor: ActorDep) -> dict[str, Any]:
    """Post a challenge (a draft; ``submit`` sends it to review)."""
    new = spec_of(body.spec_doc(), store)
    who = _as(actor, body.actor)
    ch = store.open(new, actor=who)
    if body.submit:
        store.move(ch.id, ChallengeMove(ChallengeState.IN_REVIEW), actor=who)
    return challenge_doc(store, ch.id, actor)


@router.get("", response_model=ChallengeListPublic, responses=ERRORS)
def list_challenges(
    store: StoreDep, actor: MaybeActorDep, state: ChallengeState | None = None
) -> dict[str, Any]:
    """The challenges the caller may see, newest first (details cut by confidentiality)."""
    return list_doc(store, actor, state=None if state is None else state.value)


@router.get("/stats", response_model=ChallengeStatsPublic, responses=ERRORS)
def stats(
    store: StoreDep,
    holder: HolderDep,
    _: StaffDep,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Opened, published, matched, signed, amount signed — in total and by chain (staff)."""
    return stats_doc(store, holder.store, since=since, until=until)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/vnd.ms-excel": {}}}},
)
def export_xlsx(store: StoreDep, holder: HolderDep, _: StaffDep) -> Response:
    """Challenges, ranked applications, reviews, stats and the log as one workbook (staff)."""
    from service.exports.challenge import write_challenges_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = FilePath(tmp) / "challenges.xlsx"
        write_challenges_xlsx(path, store, stats_doc(store, holder.store))
        body = path.read_bytes()
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="challenges.xlsx"'},
    )


@router.get("/{challenge_id}", response_model=ChallengePublic, responses=ERRORS)
def get_challenge(challenge_id: ChallengeId, store: StoreDep, actor: MaybeActorDep) -> Any:
    """One challenge as the caller may see it; staff and the owner also get the ranking."""
    return challenge_doc(store, challenge_id, actor)


@router.post("/{challenge_id}/moves", response_model=ChallengePublic, responses=ERRORS)
def move_challenge(
    challenge_id: ChallengeId, body: ChallengeMoveUpdate, store: StoreDep, actor: ActorDep
) -> dict[str, Any]:
    """Append one move; an illegal one is a 409 naming the state and the allowed moves."""
    move = ChallengeMove(
        body.to, body.note, tuple(body.shortlist), tuple(body.winners), body.amount_wan
    )
    store.move(challenge_id, move, actor=_as(actor, body.actor))
    return challenge_doc(store, challenge_id, actor)


@router.post("/{challenge_id}/applications", response_model=ApplicationPublic, responses=ERRORS)
def apply(
    challenge_id: ChallengeId, body: ApplicationCreate, store: StoreDep, actor: ActorDep
) -> dict[str, Any]:
    """Apply (揭榜) for an organisation — a company token for its own only."""
    new = application_of(body.model_dump(exclude={"actor"}))
    return store.apply(challenge_id, new, actor=_as(actor, body.actor)).to_json()


@router.post(
    "/{challenge_id}/applications/{org_id}/reviews",
    response_model=RankingPublic,
    responses=ERRORS,
)
def review(
    challenge_id: ChallengeId,
    org_id: OrgPath,
    body: ReviewCreate,
    store: StoreDep,
    actor: StaffDep,
) -> dict[str, Any]:
    """A staff reviewer scores one application 0–5 per criterion, once; returns the ranking."""
    who = _as(actor, body.actor)
    store.review(challenge_id, org_id, body.scores, actor=who, note=body.note)
    return ranking_doc(store, challenge_id, actor)


@router.get("/{challenge_id}/ranking", response_model=RankingPublic, responses=ERRORS)
def ranking(challenge_id: ChallengeId, store: StoreDep, actor: ActorDep) -> dict[str, Any]:
    """Applications best first by the weighted rubric (staff and the owner)."""
    return ranking_doc(store, challenge_id, actor)


@router.get("/{challenge_id}/solvers", response_model=SolversPublic, responses=ERRORS)
def solvers(
    challenge_id: ChallengeId,
    store: StoreDep,
    holder: HolderDep,
    actor: ActorDep,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """Solvers from evidence with reasons, institutes first; a consortium for several parts."""
    return solvers_doc(holder.engine, store, challenge_id, actor, k=k)
