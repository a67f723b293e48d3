"""The lifecycle of a challenge (揭榜挂帅): which moves each state allows, who may make
them, what each must carry, and when applications and reviews are accepted. The one place
these rules live.

Pure functions over a `Challenge` and its log: the store calls them inside its write
transaction and appends what they return, so no surface can skip them::

    draft ──► in_review ──► published ──► shortlisted ──► awarded ──► signed ──► in_delivery
      ▲           │  review gate: a staff    │  (applications open    │ winners    amount 万元
      └───────────┘  reviewer other than     │   until apply_by)      ▼
       rejected with  the author publishes   └──────────────────► awarded
       a reason (back to draft)                                   in_delivery ──► accepted (验收)
                                                                                  ──► closed
    withdrawn: from any state before awarded (a reason); failed: from published on (a reason)

Staff make every move; the owner's company token submits its draft for review, withdraws
it, and accepts the delivered work. Errors: a move the state does not allow is a
`TransitionError` (409, exit 4) naming the state and the allowed moves; a move the actor may
not make is a `PermissionDeniedError` (403); a missing reason, shortlist, winner or amount
is an `InvalidInputError` naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.challenge.model import (
    Action,
    Actor,
    Challenge,
    ChallengeState,
    Entry,
    Role,
)
from catalog.challenge.rubric import NewApplication
from catalog.errors import (
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
    TransitionError,
)

__all__ = [
    "COMPANY_MOVES",
    "TRANSITIONS",
    "ChallengeMove",
    "allowed_moves",
    "check_application",
    "check_move",
    "check_review",
]

S = ChallengeState
_BEFORE_AWARD_EXITS = frozenset({S.WITHDRAWN})
TRANSITIONS: Mapping[ChallengeState, frozenset[ChallengeState]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.PUBLISHED, S.DRAFT, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.SHORTLISTED, S.AWARDED, S.FAILED, S.WITHDRAWN}),
    S.SHORTLISTED: frozenset({S.AWARDED, S.FAILED, S.WITHDRAWN}),
    S.AWARDED: frozenset({S.SIGNED, S.FAILED}),
    S.SIGNED: frozenset({S.IN_DELIVERY, S.FAILED}),
    S.IN_DELIVERY: frozenset({S.ACCEPTED, S.FAILED}),
    S.ACCEPTED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.FAILED: frozenset(),
}
# The owner submits its draft, withdraws it, and accepts (验收) the delivered work.
COMPANY_MOVES = frozenset({S.IN_REVIEW, S.WITHDRAWN, S.ACCEPTED})
_NEEDS_NOTE = {
    S.WITHDRAWN: "a reason for withdrawing",
    S.FAILED: "why it failed (no suitable solver, contract or acceptance fell through)",
    S.ACCEPTED: "the acceptance conclusion (验收意见)",
}
_REVIEW_OPEN = frozenset({S.PUBLISHED, S.SHORTLISTED})
MAX_NOTE = 2000
MAX_MEMBERS = 20


@dataclass(frozen=True)
class ChallengeMove:
    """A requested move: ``shortlist`` (organisation ids) when shortlisting, ``winners``
    when awarding (several form a consortium), ``amount_wan`` when signing."""

    to: ChallengeState
    note: str | None = None
    shortlist: tuple[str, ...] = field(default=())
    winners: tuple[str, ...] = field(default=())
    amount_wan: float | None = None


def allowed_moves(state: ChallengeState, role: Role = Role.STAFF) -> list[ChallengeState]:
    """The states a challenge in ``state`` may move to, for an actor of ``role``, in order."""
    moves = TRANSITIONS[state]
    if role is Role.COMPANY:
        moves = moves & COMPANY_MOVES
    return sorted(moves, key=list(ChallengeState).index)


def _clean(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    if len(note) > MAX_NOTE:
        raise InvalidInputError(f"note: at most {MAX_NOTE} characters, got {len(note)}")
    return note.strip()


def _own(challenge: Challenge, actor: Actor) -> None:
    if not actor.name.strip():
        raise InvalidInputError("actor: who acts must be named")
    if not actor.may_act_for(challenge.org_id):
        raise PermissionDeniedError(
            f"challenge {challenge.id!r} belongs to {challenge.org_id}; "
            f"{actor.describe()} acts for its own organisation's challenges only"
        )


def _members(field_name: str, ids: Sequence[str], applicants: Collection[str]) -> list[str]:
    if not ids:
        raise InvalidInputError(f"{field_name}: name at least one applicant's organisation id")
    if len(ids) > MAX_MEMBERS:
        raise InvalidInputError(f"{field_name}: at most {MAX_MEMBERS} organisations")
    out: list[str] = []
    for i, org in enumerate(ids):
        if org not in applicants:
            known = ", ".join(sorted(applicants)) or "none yet"
            raise InvalidInputError(
                f"{field_name}[{i}]: {org!r} has not applied to this challenge "
                f"(applicants: {known})"
            )
        if org in out:
            raise InvalidInputError(f"{field_name}[{i}]: {org!r} is named twice")
        out.append(org)
    return out


def check_move(
    challenge: Challenge,
    move: ChallengeMove,
    actor: Actor,
    at: dt.datetime,
    *,
    applicants: Collection[str] = (),
    today: dt.date | None = None,
) -> Entry:
    """The log entry for ``move`` if the rules allow it; else the named error.

    ``applicants`` are the organisations that applied; ``today`` the park's local day (for
    publishing: applications must still be able to come in).
    """
    _own(challenge, actor)
    state, to = challenge.state, move.to
    if to not in TRANSITIONS[state]:
        names = [m.value for m in allowed_moves(state)]
        raise TransitionError(challenge.id, state.value, to.value, names, what="challenge")
    if actor.role is Role.COMPANY and to not in COMPANY_MOVES:
        moves = ", ".join(m.value for m in allowed_moves(state, Role.COMPANY)) or "none"
        raise PermissionDeniedError(
            f"the owner submits a draft for review, withdraws, or accepts the delivered work; "
            f"moving to {to.value!r} is staff's; its moves from {state.value!r}: {moves}"
        )
    note = _clean(move.note)
    if to in _NEEDS_NOTE and note is None:
        raise InvalidInputError(f"note: moving to {to.value!r} needs {_NEEDS_NOTE[to]}")
    if state is S.IN_REVIEW and to in (S.PUBLISHED, S.DRAFT):
        _review_gate(challenge, actor, to, note, today)
    data: dict[str, Any] = {}
    if move.shortlist and to is not S.SHORTLISTED:
        raise InvalidInputError("shortlist: a shortlist is named when shortlisting")
    if move.winners and to is not S.AWARDED:
        raise InvalidInputError("winners: the winners are named when awarding")
    if move.amount_wan is not None and to is not S.SIGNED:
        raise InvalidInputError("amount_wan: the amount is named when the contract is signed")
    if to is S.SHORTLISTED:
        data["shortlist"] = _members("shortlist", move.shortlist, applicants)
    if to is S.AWARDED:
        pool = challenge.shortlist if state is S.SHORTLISTED else tuple(applicants)
        data["winners"] = _members("winners", move.winners, pool)
    if to is S.SIGNED:
        amount = move.amount_wan
        if amount is None or not 0 < amount <= 1_000_000:
            raise InvalidInputError(
                f"amount_wan: the signed amount in 万元, more than 0, is required; got {amount}"
            )
        data["amount_wan"] = float(amount)
    return Entry(
        seq=challenge.last.seq + 1,
        at=at,
        actor=actor.name,
        role=actor.role,
        action=Action.MOVED,
        from_state=state,
        to_state=to,
        note=note,
        data=data,
    )


def _review_gate(
    challenge: Challenge,
    actor: Actor,
    to: ChallengeState,
    note: str | None,
    today: dt.date | None,
) -> None:
    """Publishing or rejecting is a staff reviewer's, not the author's or submitter's."""
    if actor.role is not Role.STAFF:
        raise PermissionDeniedError("a staff reviewer publishes or rejects a challenge")
    if actor.name in challenge.submitters:
        raise PermissionDeniedError(
            f"{actor.name!r} opened or submitted challenge {challenge.id!r}; another staff "
            "reviewer must publish or reject it"
        )
    if to is S.DRAFT and note is None:
        raise InvalidInputError("note: rejecting a challenge in review needs the reason")
    close = challenge.spec.apply_by or challenge.spec.deadline
    if to is S.PUBLISHED and today is not None and close < today:
        raise InvalidInputError(
            f"apply_by: applications would close on {close.isoformat()}, before today "
            f"({today.isoformat()}); send it back to draft with new dates"
        )


def check_application(
    challenge: Challenge, new: NewApplication, actor: Actor, today: dt.date
) -> None:
    """Applications come while the challenge is published and before it closes, from an
    organisation other than the owner; a company applies for itself only."""
    if not actor.name.strip():
        raise InvalidInputError("actor: who acts must be named")
    if not actor.may_act_for(new.org_id):
        raise PermissionDeniedError(
            f"org_id: {actor.describe()} applies for its own organisation only, not {new.org_id}"
        )
    if challenge.state is not S.PUBLISHED:
        raise ConflictError(
            f"challenge {challenge.id!r} is {challenge.state.value!r}: applications are "
            "accepted only while it is 'published'"
        )
    if new.org_id == challenge.org_id:
        raise InvalidInputError(f"org_id: {new.org_id} posted this challenge and cannot apply")
    close = challenge.spec.apply_by or challenge.spec.deadline
    if today > close:
        raise InvalidInputError(
            f"apply_by: applications to {challenge.id!r} closed on {close.isoformat()}"
        )


def check_review(challenge: Challenge, actor: Actor, applicants: Collection[str], org: str) -> None:
    """Staff score applications while the challenge is published or shortlisted."""
    if actor.role is not Role.STAFF:
        raise PermissionDeniedError("staff reviewers score applications; a company cannot")
    if challenge.state not in _REVIEW_OPEN:
        raise ConflictError(
            f"challenge {challenge.id!r} is {challenge.state.value!r}: applications are "
            "scored only while it is 'published' or 'shortlisted'"
        )
    if org not in applicants:
        raise InvalidInputError(f"org_id: {org!r} has not applied to challenge {challenge.id!r}")
