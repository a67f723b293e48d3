"""The demand desk (诉求闭环): companies' requests, their append-only logs, the lifecycle
rules, working-time clocks and the figures the park reports.

Storage is `catalog.desk.store` (the ``desk`` table family in the catalog's SQLite file);
the rules are `catalog.desk.flow`; clocks run on a working-time calendar
(`catalog.desk.calendar`) under a park's policy (`catalog.desk.policy`, the "135" standard
by default); `catalog.desk.stats` computes closure and on-time rates. Suggesting who can
solve a request is matching, so it lives in `matcher.desk`.

Example usage::

    from catalog.desk import Actor, DeskStore, Move, NewRequest, State

    with DeskStore(paths.db) as desk:
        req = desk.file(NewRequest(org_id="demo-nev-0001", text="找碳化硅功率模块供应商",
                                   kind="supply"), actor=Actor.staff("王敏"))
        req = desk.move(req.id, Move(State.ACCEPTED), actor=Actor.staff("王敏"))
"""

from __future__ import annotations

from catalog.desk.flow import (
    COMPANY_MOVES,
    TRANSITIONS,
    Extension,
    Move,
    allowed_moves,
    check_decision,
    check_extension,
    check_move,
)
from catalog.desk.model import (
    CLOCK_RUNS,
    TERMINAL,
    Action,
    Actor,
    Clock,
    Entry,
    NewRequest,
    Request,
    RequestKind,
    Role,
    State,
    Urgency,
)
from catalog.desk.store import DESK, DeskStore

__all__ = [
    "CLOCK_RUNS",
    "COMPANY_MOVES",
    "DESK",
    "TERMINAL",
    "TRANSITIONS",
    "Action",
    "Actor",
    "Clock",
    "DeskStore",
    "Entry",
    "Extension",
    "Move",
    "NewRequest",
    "Request",
    "RequestKind",
    "Role",
    "State",
    "Urgency",
    "allowed_moves",
    "check_decision",
    "check_extension",
    "check_move",
]
