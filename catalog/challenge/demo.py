"""The demo challenges: fictional 揭榜挂帅 of demo-park companies, replayed through the store.

Every step goes through the same rules as a real one (`ChallengeStore.move`, ``apply``,
``review``) with the times the file gives (`catalog/demo/challenges.json`), so the demo's
history is as append-only and rule-abiding as any other. Three of them come from demo desk
requests (``source_request_ref``: the desk demo's ``ref``), found by their organisation and
text in the desk.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from catalog.actors import Actor, Role
from catalog.challenge.flow import ChallengeMove
from catalog.challenge.model import ChallengeState, NewChallenge
from catalog.challenge.rubric import NewApplication
from catalog.challenge.store import ChallengeStore
from catalog.desk.demo import demo_requests
from catalog.desk.store import DeskStore

__all__ = ["demo_challenges", "load_demo_challenges"]


def demo_challenges() -> list[dict[str, Any]]:
    """The demo challenges as written in the file (``ref``, ``spec``, ``steps``)."""
    text = (resources.files("catalog.demo") / "challenges.json").read_text("utf-8")
    found: list[dict[str, Any]] = json.loads(text)["challenges"]
    return found


def _actor(name: str, owner: str) -> Actor:
    """``company`` is the owner's contact, ``company:<org>`` another organisation's."""
    if name == "company":
        return Actor(f"{owner} 企业联系人", Role.COMPANY, owner)
    if name.startswith("company:"):
        org = name.split(":", 1)[1]
        return Actor(f"{org} 企业联系人", Role.COMPANY, org)
    return Actor.staff(name)


def _request_ids(store: ChallengeStore) -> dict[str, str]:
    """Desk demo ref → the id the desk gave that request in this file."""
    with DeskStore(store.path, zone=str(store.zone)) as desk:
        stored = {(r.org_id, r.text): r.id for r in desk.requests()}
    return {
        d["ref"]: stored[(d["org_id"], d["text"])]
        for d in demo_requests()
        if (d["org_id"], d["text"]) in stored
    }


def load_demo_challenges(store: ChallengeStore) -> dict[str, str]:
    """Replay the demo challenges into an empty store; returns demo ref → challenge id.

    Does nothing (returns ``{}``) when challenges exist already: never mixes the demo into
    a park's own. A source request missing from the desk is left out of the link.
    """
    if store.count():
        return {}
    requests = _request_ids(store)
    ids: dict[str, str] = {}
    for doc in demo_challenges():
        spec = dict(doc["spec"])
        source = requests.get(doc.get("source_request_ref", ""))
        if source is not None:
            spec["source_request_id"] = source
        new = NewChallenge.model_validate(spec)
        owner = new.org_id
        at = dt.datetime.fromisoformat(doc["opened_at"])
        ch = store.open(new, actor=_actor(doc["opened_by"], owner), at=at)
        ids[doc["ref"]] = ch.id
        for step in doc["steps"]:
            actor, at = _actor(step["actor"], owner), dt.datetime.fromisoformat(step["at"])
            if "apply" in step:
                app = NewApplication.model_validate(step["apply"])
                store.apply(ch.id, app, actor=actor, at=at)
            elif "review" in step:
                r = step["review"]
                store.review(ch.id, r["org_id"], r["scores"], actor=actor, at=at)
            else:
                move = ChallengeMove(
                    ChallengeState(step["to"]),
                    note=step.get("note"),
                    shortlist=tuple(step.get("shortlist", ())),
                    winners=tuple(step.get("winners", ())),
                    amount_wan=step.get("amount_wan"),
                )
                store.move(ch.id, move, actor=actor, at=at)
    return ids
