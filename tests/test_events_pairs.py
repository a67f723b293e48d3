"""Pair scores, the shortlist and the whole planner on the checkerboard (known answers)."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.errors import InvalidInputError, NotFoundError
from catalog.events import Theme, parse_event
from catalog.models import Organisation
from matcher.engine import MatchEngine
from matcher.events import plan_event, score_pairs, shortlist
from matcher.events.pairs import direction_for
from matcher.types import Direction
from tests.synthetic import WORDS, _org, checkerboard, fake_encoder, tiny_taxonomy
from tests.test_events_checker import Slotted, violations

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(scope="module")
def engine() -> MatchEngine:
    orgs = [*checkerboard(), _org("n0", "t.down", [], ["need wafer checks"], "A")]
    return MatchEngine(orgs, tiny_taxonomy(), fake_encoder(), today=TODAY).build()


def test_pair_scores_are_symmetric_and_reciprocal(engine: MatchEngine) -> None:
    ids = [o.id for o in engine.orgs]
    scores = score_pairs(engine, ids)
    assert scores.get("s0", "b0") is scores.get("b0", "s0")
    for p in scores:
        assert p.a < p.b
        low, high = sorted((p.forward, p.backward))
        assert low - 1e-6 <= p.score <= high + 1e-6  # a harmonic mean lies between the two
    for g in range(len(WORDS)):
        best = {p.a if p.b == f"b{g}" else p.b for p in scores.partners(f"b{g}")[:2]}
        assert best == {f"s{g}", f"t{g}"}, g


def test_links_say_which_need_meets_which_offer(engine: MatchEngine) -> None:
    pair = score_pairs(engine, ["b0", "s0", "s1"]).get("b0", "s0")
    assert pair is not None
    top = pair.links[0]
    assert (top.needer, top.need, top.offerer) == ("b0", "looking for wafer", "s0")
    assert top.offer == "we supply wafer in volume"
    assert "upstream supplier" in pair.relation
    assert all(x.score > 0.75 * top.score for x in pair.links)


def test_one_sided_organisations_still_score(engine: MatchEngine) -> None:
    n0 = engine.org("n0")
    assert direction_for(n0) is Direction.SUPPLIERS
    assert direction_for(Organisation(id="x", name="空")) is None
    scores = score_pairs(engine, ["n0", "s0", "b1"])
    assert scores.score("n0", "s0") > 0  # n0 needs wafer checks, s0 supplies wafer
    with pytest.raises(NotFoundError, match="nobody"):
        score_pairs(engine, ["s0", "nobody"])
    sub = scores.restrict(["s0", "n0"])
    assert len(sub) == 1 and sub.ids == ["s0", "n0"]


def test_shortlist_invites_the_required_and_their_best_partners(engine: MatchEngine) -> None:
    sl = shortlist(engine, Theme(), 5, required=["b2"])
    assert len(sl.entries) == 5 and sl.ids[0] == "b2"
    assert {"s2", "t2"} <= set(sl.ids)  # b2's makers of resin come with it
    first = sl.entries[0]
    assert "strong mutual match" in first.reason and "示例s2" in first.reason
    assert "looking for resin" in first.reason and first.strength > 0


def test_shortlist_follows_the_theme(engine: MatchEngine) -> None:
    sl = shortlist(engine, Theme(segments=("t.mid",)), 3)
    assert all(i.startswith("b") for i in sl.ids)
    with pytest.raises(InvalidInputError, match="theme.chains: unknown chain zz"):
        shortlist(engine, Theme(chains=("zz",)), 3)
    with pytest.raises(InvalidInputError, match="only 0 organisation"):
        shortlist(engine, Theme(regions=("火星",)), 3)
    with pytest.raises(InvalidInputError, match="at least 2"):
        shortlist(engine, Theme(), 1)


def test_plan_event_shortlists_then_schedules(engine: MatchEngine) -> None:
    event = parse_event(
        {
            "name": "测试对接会",
            "date": "2026-12-01",
            "theme": {"chains": ["t"]},
            "slots": ["09:00", "09:20", "09:40"],
            "tables": 3,
            "pairs": [{"a": "b1", "b": "s1", "preference": "must_meet"}],
        }
    )
    plan = plan_event(engine, event, participants=8, time_limit=5, workers=1)
    assert len(plan.event.participants) == 8 and len(plan.shortlist) == 8
    assert {"b1", "s1"} <= set(plan.event.participant_ids)
    meetings = [Slotted(m.slot, m.table, m.a, m.b) for m in plan.meetings]
    assert violations(plan.event, meetings) == []
    must = plan.meeting("s1", "b1")
    assert must is not None and "must-meet" in must.why(plan.names)
    assert "示例b1需求「looking for glass」← 示例s1供给「we supply glass in volume」" in must.why(
        plan.names
    )
    with pytest.raises(InvalidInputError, match="lists no participants"):
        plan_event(engine, event)
    with pytest.raises(InvalidInputError, match="pairs: b1 \\(must_meet\\) is not a participant"):
        event.with_participants(["b0", "s0"])
    listed = event.model_copy(update={"pairs": ()}).with_participants(["b0", "s0", "nobody"])
    with pytest.raises(NotFoundError, match="nobody"):
        plan_event(engine, listed)
