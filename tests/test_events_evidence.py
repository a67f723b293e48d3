"""Meetings without evidence: the planner leaves a table empty rather than hold one, unless a
participant's minimum needs it, and every output says which meetings are exploratory."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from catalog.events import Event, EventStore, Link, Plan, parse_event, why_for
from matcher.engine import MatchEngine
from matcher.events import PairScore, PairScores, plan_from_scores, score_pairs
from service.cli_event_plan import show_plan
from service.exports import agendas, grid, render_html
from service.exports.agenda import meeting_rows
from tests.synthetic import checkerboard, fake_encoder, tiny_taxonomy

LINK = Link(needer="b", need="需要晶圆", offerer="a", offer="供应晶圆", score=0.9)
EXPLORATORY_WHY = (
    "探索性 exploratory：无达到阈值的需求→供给证据，依据 推断需求 inferred needs、"
    "同类企业的供应商 peers' suppliers"
)


def scores() -> PairScores:
    """a–b meet on a cited need → offer pair; c–d score well but have no such pair."""
    ab = PairScore("a", "b", 0.8, 0.8, 0.8, (LINK,), "材料 → 制造（上游供应 upstream supplier）")
    cd = PairScore(
        "c",
        "d",
        0.6,
        0.6,
        0.6,
        (),
        "",
        exploratory=True,
        rests_on=("inferred_needs", "peer_suppliers"),
    )
    return PairScores([ab, cd], {i: f"名称{i}" for i in "abcd"})


def event(min_c: int = 0) -> Event:
    return parse_event(
        {
            "id": "ev-e",
            "name": "证据测试",
            "date": "2026-12-01",
            "slots": ["09:00"],
            "tables": 2,
            "participants": ["a", "b", {"org_id": "c", "min_meetings": min_c}, "d"],
        }
    )


def plan(min_c: int = 0) -> Plan:
    return plan_from_scores(event(min_c), scores(), time_limit=5, workers=1)


def test_a_table_stays_empty_rather_than_hold_a_meeting_without_evidence() -> None:
    p = plan()
    assert [(m.a, m.b, m.table, m.exploratory) for m in p.meetings] == [("a", "b", 1, False)]
    assert (p.objective, p.bound, p.declined_exploratory) == (0.8, 0.8, 1)
    assert p.evidence_counts() == {
        "exploratory_meetings": 0,
        "exploratory_requested": 0,
        "empty_table_slots": 1,
        "declined_exploratory": 1,
    }
    assert p.evidence_note().endswith(
        "1 table slot(s) empty, 1 of them left empty rather than filled with a meeting that "
        "has no evidence"
    )
    doc = p.to_json()
    assert (doc["declined_exploratory"], doc["empty_table_slots"]) == (1, 1)
    assert doc["meetings"][0]["exploratory"] is False and doc["meetings"][0]["rests_on"] == []
    assert grid(p)[1] == ["1", "09:00–09:20", "名称a × 名称b", ""]


def test_a_minimum_forces_an_exploratory_meeting_and_every_output_says_so() -> None:
    p = plan(min_c=1)
    cd = p.meeting("c", "d")
    assert cd is not None and cd.exploratory and cd.links == () and cd.score == 0.6
    assert cd.rests_on == ("推断需求 inferred needs", "同类企业的供应商 peers' suppliers")
    assert p.objective == 0.8  # a meeting without evidence adds nothing to the objective
    assert p.evidence_counts() == {
        "exploratory_meetings": 1,
        "exploratory_requested": 0,
        "empty_table_slots": 0,
        "declined_exploratory": 0,
    }
    assert p.evidence_note().startswith(
        "1 exploratory (探索性) meeting(s) without a need → offer pair above the evidence "
        "threshold (0 requested, 1 held only because a participant's minimum needs them)"
    )
    assert why_for(cd, "c") == why_for(cd, "d") == EXPLORATORY_WHY
    assert cd.why(p.names) == EXPLORATORY_WHY
    # agendas, the organiser's grid, the spreadsheet rows, the printable page
    [item] = agendas(p)["c"]
    assert (item.counterpart, item.exploratory, item.why) == ("d", True, EXPLORATORY_WHY)
    assert grid(p)[1] == ["1", "09:00–09:20", "名称a × 名称b", "名称c × 名称d（探索性）"]
    rows = meeting_rows(p)
    assert rows[0][-1] == "exploratory" and [r[-1] for r in rows[1:]] == ["", "yes"]
    page = render_html(p)
    assert "名称c × 名称d（探索性）" in page and "1 exploratory (探索性) meeting(s)" in page
    # the plan JSON and the stored plan keep it
    doc = p.to_json()
    assert [(m["a"], m["exploratory"]) for m in doc["meetings"]] == [("a", False), ("c", True)]
    assert doc["meetings"][1]["rests_on"] == list(cd.rests_on)
    assert doc["meetings"][1]["why"] == EXPLORATORY_WHY and doc["exploratory_meetings"] == 1
    with EventStore(":memory:") as store:
        store.save_plan(p.model_copy(update={"declined_exploratory": 3}))
        back = store.get_plan("ev-e")
    assert back.meeting("c", "d") == cd and back.declined_exploratory == 3
    assert back.meeting("a", "b") == p.meeting("a", "b")
    # the CLI's plan output
    console = Console(record=True, width=400)
    show_plan(console, p)
    text = console.export_text()
    assert "table   2  名称c × 名称d  0.600  探索性 exploratory" in text
    assert "table   1  名称a × 名称b  0.800\n" in text and p.evidence_note() in text


def test_pair_scores_mark_pairs_no_need_of_either_side_is_met_in() -> None:
    engine = MatchEngine(
        checkerboard(),
        tiny_taxonomy(),
        fake_encoder(),
        today=dt.date(2026, 11, 21),
        evidence_threshold=0.3,
    ).build()
    pairs = score_pairs(engine, ["b0", "s0", "s1"])
    good, weak = pairs.get("b0", "s0"), pairs.get("b0", "s1")
    assert good is not None and not good.exploratory and good.rests_on == ()
    assert good.links[0].need == "looking for wafer" and good.links[0].offerer == "s0"
    # b0 needs wafer, s1 makes glass: a score from the chain and weak text (margins 0.159
    # for s1's need of tools against b0's goods, -0.335 for wafer ← glass), nothing to cite
    assert weak is not None and weak.exploratory and weak.links == () and weak.score > 0
    assert weak.rests_on == ("weak_statements",)
    assert "upstream supplier" in weak.relation
