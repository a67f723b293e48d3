"""What the challenges' CLI and HTTP routes share: parsing a posted challenge, the documents
they print, the evidence for ranking solvers and the stats.

Kept out of the routes and commands so both stay thin and cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from catalog.actors import Actor
from catalog.challenge import (
    Challenge,
    ChallengeStore,
    NewApplication,
    NewChallenge,
    rank_applications,
)
from catalog.challenge.stats import challenge_stats
from catalog.challenge.views import challenge_view, is_listed, visible_applications
from catalog.desk import DeskStore
from catalog.errors import InvalidInputError, PermissionDeniedError
from catalog.events import EventStore
from catalog.events.model import describe
from catalog.store import CatalogStore
from service.desk import catalog_chains

if TYPE_CHECKING:  # the engine (FAISS) is imported when solvers are ranked, not by --help
    from matcher.challenge import History
    from matcher.engine import MatchEngine

__all__ = [
    "application_of",
    "history_of",
    "challenge_doc",
    "list_doc",
    "ranking_doc",
    "solvers_doc",
    "spec_of",
    "stats_doc",
]


def spec_of(doc: Mapping[str, Any], store: ChallengeStore | None = None) -> NewChallenge:
    """A posted challenge, validated before anything is written; the message names the field.

    With ``from_request`` (a desk request id) the request's organisation and text fill
    ``org_id`` and ``problem`` when they are not given, and the link is kept.
    """
    body = {k: v for k, v in doc.items() if k != "from_request" and v is not None}
    request_id = doc.get("from_request")
    if request_id:
        if store is None:
            raise InvalidInputError("from_request: no desk to read the request from")
        with DeskStore(store.path) as desk:
            try:
                req = desk.get(str(request_id))
            except KeyError:
                raise InvalidInputError(f"from_request: no desk request {request_id!r}") from None
        body.setdefault("org_id", req.org_id)
        body.setdefault("problem", req.text)
        body["source_request_id"] = req.id
    try:
        return NewChallenge.model_validate(body)
    except ValidationError as exc:
        raise InvalidInputError(f"invalid challenge: {describe(exc)}") from None


def application_of(doc: Mapping[str, Any]) -> NewApplication:
    try:
        return NewApplication.model_validate({k: v for k, v in doc.items() if v is not None})
    except ValidationError as exc:
        raise InvalidInputError(f"invalid application: {describe(exc)}") from None


def _applicants(store: ChallengeStore, challenge_id: str) -> list[str]:
    return [a.org_id for a in store.applications(challenge_id)]


def challenge_doc(store: ChallengeStore, challenge_id: str, actor: Actor | None) -> dict[str, Any]:
    """One challenge as ``actor`` sees it, with the applications it may see and, for staff
    and the owner, the rubric ranking."""
    ch = store.get(challenge_id)
    apps = store.applications(challenge_id)
    applicants = [a.org_id for a in apps]
    if not is_listed(ch, actor, applicants):
        raise PermissionDeniedError(
            f"challenge {challenge_id!r} is {ch.state.value!r}: only staff and its owner see it "
            "before it is published"
        )
    doc = challenge_view(ch, actor, applicants)
    doc["application_list"] = [a.to_json() for a in visible_applications(ch, actor, apps)]
    if actor is not None and actor.may_act_for(ch.org_id):
        doc["ranking"] = _ranking(store, ch)
    return doc


def _ranking(store: ChallengeStore, ch: Challenge) -> list[dict[str, Any]]:
    ranked = rank_applications(ch.spec.rubric, store.applications(ch.id), store.reviews(ch.id))
    return [r.to_json() for r in ranked]


def ranking_doc(store: ChallengeStore, challenge_id: str, actor: Actor) -> dict[str, Any]:
    """The rubric and the applications best first (staff and the owner only)."""
    ch = store.get(challenge_id)
    if not actor.may_act_for(ch.org_id):
        raise PermissionDeniedError(
            f"challenge {challenge_id!r}: the ranking is for staff and the owner; "
            f"{actor.describe()} is neither"
        )
    return {
        "challenge_id": ch.id,
        "rubric": [c.model_dump() for c in ch.spec.rubric],
        "ranking": _ranking(store, ch),
        "reviews": [
            {"org_id": r.org_id, "reviewer": r.reviewer, "at": r.at.isoformat(), **r.scores}
            for r in store.reviews(ch.id)
        ],
    }


def list_doc(
    store: ChallengeStore, actor: Actor | None, *, state: str | None = None
) -> dict[str, Any]:
    """The challenges ``actor`` may see, newest first: ``{"challenges": [...], "count"}``."""
    apps = store.applications()
    by_challenge: dict[str, list[str]] = {}
    for a in apps:
        by_challenge.setdefault(a.challenge_id, []).append(a.org_id)
    rows = []
    for ch in reversed(store.challenges()):
        applicants = by_challenge.get(ch.id, [])
        if state is not None and ch.state.value != state:
            continue
        if is_listed(ch, actor, applicants):
            doc = challenge_view(ch, actor, applicants)
            doc.pop("log", None)
            rows.append(doc)
    return {"challenges": rows, "count": len(rows)}


def history_of(store: ChallengeStore) -> History:
    """Meetings at stored events with their outcomes, every challenge and application."""
    from matcher.challenge import History

    with EventStore(store.path) as events:
        meetings = events.past_meetings()
    return History(meetings, store.challenges(), store.applications())


def solvers_doc(
    engine: MatchEngine, store: ChallengeStore, challenge_id: str, actor: Actor, *, k: int = 10
) -> dict[str, Any]:
    """Solvers ranked from evidence (and a consortium), for staff and the owner."""
    ch = store.get(challenge_id)
    if not actor.may_act_for(ch.org_id):
        raise PermissionDeniedError(
            f"challenge {challenge_id!r}: suggested solvers are for staff and the owner"
        )
    from matcher.challenge import rank_solvers

    today = dt.datetime.now(store.zone).date()
    ranked = rank_solvers(engine, ch, history_of(store), k=k, today=today)
    return ranked.to_dict()


def stats_doc(
    store: ChallengeStore,
    catalog: CatalogStore,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    try:
        return challenge_stats(
            store.challenges(),
            store.applications(),
            chains=catalog_chains(catalog),
            zone=store.zone,
            since=since,
            until=until,
        )
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None
