"""Desk suggestions: fusion and handler learning on hand-made data; the demo smoke test with
the real model (the handler's solver in the top 5 for ≥ 80 % of resolved demo requests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from catalog.desk import Action, Entry, Request, RequestKind, Role, State, Urgency
from catalog.taxonomy import ChainRelation
from eval.desk_routing import demo_desk, routing_rows, summary
from matcher.desk import fuse, suggest_handlers
from matcher.types import Match
from service.workspace import Workspace

T0 = dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC)


def _m(org: str) -> Match:
    return Match(org, org.upper(), 0.5, {}, (), ChainRelation.NONE, (None, None), f"why {org}")


def test_fusion_sums_weighted_reciprocal_ranks_and_drops_the_requester() -> None:
    lists = {"ask": [_m("a"), _m("me"), _m("b")], "partner": [_m("b"), _m("c")]}
    got = fuse(lists, {"ask": 1.0, "partner": 2.0}, exclude="me", k=10, rrf_k=10)
    # b: 1/13 + 2/11 = 0.2587; c: 2/12 = 0.1667; a: 1/11 = 0.0909
    assert [(o, round(s, 4)) for o, s, _, _ in got] == [("b", 0.2587), ("c", 0.1667), ("a", 0.0909)]
    assert got[0][3] == [(1, "partner"), (3, "ask")] and got[0][2].explanation == "why b"
    assert fuse(lists, {"ask": 1.0}, exclude="me", k=1, rrf_k=10)[0][0] == "a"


def _req(rid: str, kind: RequestKind, day: int, handlers: list[str], end: State) -> Request:
    at = T0 + dt.timedelta(days=day)
    log = [Entry(1, at, "x", Role.STAFF, Action.FILED, None, State.NEW)]
    for h in handlers:
        log.append(
            Entry(
                len(log) + 1,
                at,
                "x",
                Role.STAFF,
                Action.MOVED,
                log[-1].to_state,
                State.ASSIGNED,
                handler=h,
            )
        )
    log.append(Entry(len(log) + 1, at, "x", Role.STAFF, Action.MOVED, log[-1].to_state, end))
    return Request(rid, "co", "t", kind, Urgency.NORMAL, "x", at, None, (), tuple(log))


def test_handlers_are_learned_from_earlier_assignments_of_the_same_kind() -> None:
    fin = RequestKind.FINANCE
    history = [
        _req("r1", fin, 1, ["金融办 李想"], State.CLOSED),
        _req("r2", fin, 2, ["金融办 李想"], State.IN_PROGRESS),
        _req("r3", fin, 3, ["科技局 周敏", "金融办 钱多"], State.CLOSED),
        _req("r4", RequestKind.SUPPLY, 4, ["经信局 陈立"], State.CLOSED),
        _req("r9", fin, 9, ["金融办 未来"], State.CLOSED),  # filed after the query: unseen
    ]
    query = _req("q", fin, 5, [], State.NEW)
    got = suggest_handlers(query, history)
    assert [(h.handler, h.taken, h.closed, round(h.score, 4)) for h in got] == [
        ("金融办 李想", 2, 1, 0.4),
        ("科技局 周敏", 1, 1, 0.2),
        ("金融办 钱多", 1, 1, 0.2),
    ]
    assert got[0].explanation == "took 2 of 3 earlier finance request(s), 1 closed"


@pytest.mark.model
def test_the_handlers_solver_is_in_the_top_5_for_most_demo_requests(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    """Our own fictional demo requests, written before the weights were tuned on the odd
    half: measured 29 of 35 (tune 16/18, held-out 13/17)."""
    requests, refs = demo_desk(tmp_path)
    rows = routing_rows(demo_workspace.engine(), requests, refs)
    got = summary(rows, 5)
    hits, n = got["all"]
    assert n == 35 and hits / n >= 0.8, got
