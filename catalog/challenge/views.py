"""Who sees what of a challenge: the one place the confidentiality rules live.

Staff, the owner and the organisations that applied see everything. Everyone else (another
company's token, or no token at all on an open read) sees a challenge only once it is
published, and then according to its confidentiality:

* ``public`` — everything but the log;
* ``summary_only`` — the title, the summary, the level, the money, the dates and the IP
  terms; not the problem, indicators, phases, parts or IP text;
* ``confidential`` — only that a challenge exists: its id, state, level, money and dates.

Applications: staff and the owner see them all with their scores; an applicant sees its own.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from catalog.challenge.flow import allowed_moves
from catalog.challenge.model import Actor, Challenge, ChallengeState, Confidentiality, Role
from catalog.challenge.rubric import Application

__all__ = ["challenge_view", "is_insider", "is_listed", "visible_applications"]

_UNPUBLISHED = frozenset({ChallengeState.DRAFT, ChallengeState.IN_REVIEW})
_SUMMARY = (
    "id",
    "org_id",
    "title",
    "summary",
    "deliverable_level",
    "award_kind",
    "amount_wan",
    "deadline",
    "apply_by",
    "confidentiality",
    "ip_terms",
    "state",
    "opened_at",
)
_CONFIDENTIAL = (
    "id",
    "deliverable_level",
    "award_kind",
    "amount_wan",
    "deadline",
    "apply_by",
    "confidentiality",
    "state",
)


def is_insider(ch: Challenge, actor: Actor | None, applicants: Collection[str]) -> bool:
    """Staff, the owner or an applicant: sees every detail."""
    if actor is None:
        return False
    return actor.is_staff or actor.org_id == ch.org_id or actor.org_id in applicants


def is_listed(ch: Challenge, actor: Actor | None, applicants: Collection[str]) -> bool:
    """Whether ``actor`` sees the challenge at all: drafts and challenges in review are the
    owner's and staff's only."""
    return is_insider(ch, actor, applicants) or ch.state not in _UNPUBLISHED


def challenge_view(
    ch: Challenge, actor: Actor | None, applicants: Collection[str]
) -> dict[str, Any]:
    """The challenge as ``actor`` may see it; ``redacted`` says what was left out."""
    doc = ch.to_json()
    doc["applications"] = len(applicants)
    if is_insider(ch, actor, applicants):
        owner_side = actor is not None and actor.may_act_for(ch.org_id)
        doc["redacted"] = None
        doc["allowed_moves"] = {
            "staff": [m.value for m in allowed_moves(ch.state, Role.STAFF)],
            "company": [m.value for m in allowed_moves(ch.state, Role.COMPANY)]
            if owner_side
            else [],
        }
        return doc
    level = ch.spec.confidentiality
    if level is Confidentiality.PUBLIC:
        doc.pop("log")
        doc["redacted"] = None
        return doc
    keys = _SUMMARY if level is Confidentiality.SUMMARY_ONLY else _CONFIDENTIAL
    out = {k: doc[k] for k in keys}
    out["applications"] = len(applicants)
    out["redacted"] = level.value
    if level is Confidentiality.CONFIDENTIAL:
        out["title"] = "保密榜单 confidential challenge"
    return out


def visible_applications(
    ch: Challenge, actor: Actor | None, applications: Collection[Application]
) -> list[Application]:
    """Staff and the owner see every application; an applicant its own; others none."""
    if actor is None:
        return []
    if actor.is_staff or actor.org_id == ch.org_id:
        return list(applications)
    return [a for a in applications if a.org_id == actor.org_id]
