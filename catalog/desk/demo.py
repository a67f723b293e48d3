"""The demo desk: fictional requests of demo-park companies, replayed through the store.

Every line goes through the same rules as a real one (`DeskStore.move`), with the times the
file gives, so the demo's log is as append-only and rule-abiding as any other. The file
(`catalog/demo/desk_requests.json`) was written before the suggestions existed; the
solver of each resolved request is the first catalog organisation whose offer fits it, as
a handler scanning the list would pick. Odd-numbered requests (D01, D03 …) may tune the
suggestions, even-numbered ones are held out (`eval.desk_routing`).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from catalog.desk.flow import Extension, Move
from catalog.desk.model import Actor, Clock, NewRequest, Role, State
from catalog.desk.store import DeskStore

__all__ = ["demo_requests", "load_demo_requests"]


def demo_requests() -> list[dict[str, Any]]:
    """The demo requests as written in the file (``ref``, fields, ``steps``)."""
    text = (resources.files("catalog.demo") / "desk_requests.json").read_text("utf-8")
    requests: list[dict[str, Any]] = json.loads(text)["requests"]
    return requests


def _actor(name: str, org_id: str) -> Actor:
    if name == "company":
        return Actor(f"{org_id} 企业联系人", Role.COMPANY, org_id=org_id)
    return Actor.staff(name)


def load_demo_requests(store: DeskStore) -> dict[str, str]:
    """Replay the demo requests into an empty desk; returns demo ref → request id.

    Does nothing (returns ``{}``) when the desk already holds requests: never mixes the
    demo into a park's own.
    """
    if store.count():
        return {}
    ids: dict[str, str] = {}
    for doc in demo_requests():
        org = doc["org_id"]
        new = NewRequest(
            org_id=org, text=doc["text"], kind=doc["kind"], urgency=doc.get("urgency", "normal")
        )
        at = dt.datetime.fromisoformat(doc["filed_at"])
        req = store.file(new, actor=_actor(doc["filed_by"], org), at=at)
        ids[doc["ref"]] = req.id
        for step in doc["steps"]:
            actor, at = _actor(step["actor"], org), dt.datetime.fromisoformat(step["at"])
            if "extend" in step:
                ext = step["extend"]
                ask = Extension(Clock(ext["clock"]), float(ext["hours"]), ext["reason"])
                req = store.request_extension(req.id, ask, actor=actor, at=at)
                continue
            if "approve" in step:
                ref = req.last.seq
                req = store.decide_extension(
                    req.id, ref, approve=bool(step["approve"]), actor=actor, at=at
                )
                continue
            move = Move(
                State(step["to"]),
                note=step.get("note"),
                handler=step.get("handler"),
                into=ids[step["into"]] if "into" in step else None,
                solver=step.get("solver"),
                rating=step.get("rating"),
                callback=bool(step.get("callback", False)),
            )
            req = store.move(req.id, move, actor=actor, at=at)
    return ids
