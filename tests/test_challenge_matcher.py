"""Solvers for a challenge on a synthetic catalog with a known answer (keyword encoder):
the institutes-first rule, evidence parts and reasons, and the greedy consortium."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from catalog.actors import Role
from catalog.challenge import Action, Challenge, ChallengeState, Entry, NewChallenge
from catalog.challenge.rubric import Application, NewApplication
from catalog.events.history import PastMeeting
from catalog.events.outcomes import OutcomeStatus
from catalog.models import ChainPosition, Organisation, OrgKind, Qualification, Region
from embeddings.fake import FakeEncoder
from matcher.challenge import History, Solver, greedy_cover, institutes_first, rank_solvers
from matcher.engine import MatchEngine
from tests.synthetic import tiny_taxonomy

TODAY = dt.date(2026, 12, 1)
T0 = dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC)
E, INST, S = OrgKind.ENTERPRISE, OrgKind.INSTITUTE, OrgKind.SERVICE
PARTS = ("electrolyte coating", "thermal management", "vision inspection")


def _org(oid: str, kind: OrgKind, offers: Sequence[str], quals: Sequence[str] = ()) -> Organisation:
    return Organisation(
        id=oid,
        name=f"示例{oid}",
        kind=kind,
        region=Region(park="A"),
        chains=(ChainPosition(chain="t", segment="t.mid"),),
        offers=tuple(offers),
        needs=("need power",),
        qualifications=tuple(Qualification(name=q, valid_until=dt.date(2028, 1, 1)) for q in quals),
    )


@pytest.fixture(scope="module")
def engine() -> MatchEngine:
    """Who offers what: electrolyte (ent-b twice, inst-a, inst-t), thermal (inst-t, ent-c,
    ent-v), vision (ent-v, inst-v); ent-x makes steel pipes; own posts the challenges."""
    orgs = [
        _org("own", E, ["battery packs for buses"]),
        _org("ent-b", E, ["electrolyte coating service", "electrolyte samples in volume"]),
        _org("inst-a", INST, ["electrolyte research lab"], ["CNAS"]),
        _org("inst-t", INST, ["thermal simulation", "electrolyte testing"]),
        _org("ent-c", E, ["thermal modules"]),
        _org("ent-v", E, ["vision inspection systems", "thermal interface pads"]),
        _org("inst-v", INST, ["vision algorithms"]),
        _org("ent-x", E, ["steel pipes"]),
    ]
    enc = FakeEncoder(keywords=("electrolyte", "thermal", "vision", "battery", "steel"), dim=48)
    return MatchEngine(orgs, tiny_taxonomy(), enc, today=TODAY).build()


def _challenge(cid: str = "ch-1", **over: object) -> Challenge:
    doc: dict[str, object] = {
        "org_id": "own",
        "title": "electrolyte coating",
        "problem": "electrolyte interface resistance too high",
        "deliverable_level": "prototype",
        "amount_wan": 100,
        "deadline": "2027-06-01",
        "qualifications": ["CNAS"],
    }
    doc.update(over)
    opened = Entry(1, T0, "王敏", Role.STAFF, Action.OPENED, None, ChallengeState.DRAFT)
    return Challenge(cid, NewChallenge.model_validate(doc), "王敏", T0, (opened,))


def _solver(org: str, kind: OrgKind, score: float) -> Solver:
    return Solver(org, org, kind, score, {"offers": score}, ())


def test_institutes_first_is_the_ordering_rule() -> None:
    solvers = [_solver("ent", E, 0.2), _solver("inst", INST, 0.1), _solver("svc", S, 0.3)]
    solvers += [_solver("inst2", INST, 0.15), _solver("inst0", INST, 0.15)]
    got = [s.org_id for s in institutes_first(solvers)]
    assert got == ["inst0", "inst2", "inst", "svc", "ent"]  # institutes by score, ties by id


def test_solvers_rank_by_offers_then_institutes_lead(engine: MatchEngine) -> None:
    ranked = rank_solvers(engine, _challenge(), k=4, today=TODAY)
    got = [(s.org_id, s.kind.value, round(s.score, 6)) for s in ranked.solvers]
    # ask ranks ent-b 1, inst-t 2, inst-a 3, ent-v 4: 1/11, 1/12, 1/13 + CNAS 0.02, 1/14
    assert got == [
        ("inst-a", "institute", 0.096923),
        ("inst-t", "institute", 0.083333),
        ("ent-b", "enterprise", 0.090909),
        ("ent-v", "enterprise", 0.071429),
    ]
    inst_a = ranked.solvers[0]
    assert inst_a.parts == pytest.approx({"offers": 1 / 13, "qualification": 0.02})
    assert inst_a.reasons[0].startswith("一问即答 ask #3 — 问题 ← 供给「electrolyte research lab」")
    assert inst_a.reasons[1] == "holds CNAS (wanted: CNAS, valid until 2028-01-01)"
    assert ranked.consortium is None  # no parts, no consortium
    assert "own" not in {s.org_id for s in ranked.solvers}


def test_evidence_from_events_track_record_and_applications(engine: MatchEngine) -> None:
    day = dt.date(2026, 5, 12)
    meetings = [
        PastMeeting("ev-1", day, "ent-c", "own", OutcomeStatus.SIGNED),
        PastMeeting("ev-2", day, "ent-c", "own", None),  # scheduled, outcome not recorded
        PastMeeting("ev-3", day, "ent-c", "own", OutcomeStatus.NO_SHOW),  # not a meeting
        PastMeeting("ev-1", day, "ent-b", "ent-c", OutcomeStatus.SIGNED),  # not with the owner
    ]
    won = _challenge("ch-0")
    won = Challenge(
        won.id,
        won.spec,
        won.opened_by,
        won.opened_at,
        (
            *won.log,
            Entry(2, T0, "x", Role.STAFF, Action.MOVED, ChallengeState.PUBLISHED,
                  ChallengeState.AWARDED, data={"winners": ["ent-x"]}),
            Entry(3, T0, "x", Role.STAFF, Action.MOVED, ChallengeState.AWARDED,
                  ChallengeState.SIGNED, data={"amount_wan": 80}),
        ),
    )  # fmt: skip
    app = NewApplication(
        org_id="ent-x", proposal="steel pipe cooling loop", ip_declaration="joint", budget_wan=90
    )
    history = History(meetings, [won], [Application("ch-1", app, "x", T0)])
    ranked = rank_solvers(engine, _challenge(), history, k=8, today=TODAY)
    by_id = {s.org_id: s for s in ranked.solvers}
    ent_c = by_id["ent-c"]
    assert {k: v for k, v in ent_c.parts.items() if k != "offers"} == pytest.approx(
        {"cooperation": 0.05, "met": 0.01}
    )
    assert ent_c.reasons[1:] == (
        "signed a cooperation with the owner at ev-1 (2026-05-12)",
        "met the owner at 1 event(s): ev-2",
    )
    ent_x = by_id["ent-x"]
    assert ent_x.parts["track_record"] == pytest.approx(0.03)
    assert ent_x.parts["applied"] == pytest.approx(0.03)
    assert ent_x.reasons[1:] == (
        "won challenge ch-0 (electrolyte coating), signed 80 万元",
        "applied: budget 90 万元, IP joint",
    )
    assert ent_c.score == pytest.approx(sum(ent_c.parts.values()))


def test_greedy_cover_by_hand() -> None:
    coverage = {
        "a": {0: 0.9, 1: 0.8},
        "b": {1: 0.9, 2: 0.9},
        "i": {2: 0.5},
        "c": {3: 0.7},
    }
    # a and b each open 2 parts, neither an institute: b's sum 1.8 beats a's 1.7; then a (0)
    # and c (3) open one each: a's 0.9 beats c's 0.7; part 4 is no one's
    members, left = greedy_cover(coverage, {"i"}, 5)
    assert members == [("b", [1, 2]), ("a", [0]), ("c", [3])] and left == [4]
    members, _ = greedy_cover({"e": {0: 0.9}, "i": {0: 0.1}}, {"i"}, 1)
    assert members == [("i", [0])]  # at equal cover the institute is taken


def test_consortium_for_a_three_part_problem(engine: MatchEngine) -> None:
    ranked = rank_solvers(engine, _challenge(parts=list(PARTS)), k=3, today=TODAY)
    assert ranked.consortium is not None
    doc = ranked.consortium.to_dict()
    assert [(p["part"], p["org_id"]) for p in doc["parts"]] == [
        ("electrolyte coating", "ent-b"),
        ("thermal management", "inst-t"),
        ("vision inspection", "ent-v"),
    ]
    # inst-t (electrolyte, thermal) and ent-v (thermal, vision) each cover two parts: the
    # institute is taken; vision is then left to ent-v or inst-v: the institute again
    assert [(m["org_id"], m["covers"]) for m in doc["members"]] == [
        ("inst-t", ["electrolyte coating", "thermal management"]),
        ("inst-v", ["vision inspection"]),
    ]
    assert doc["uncovered"] == []
    assert doc["members"][1]["reasons"] == [
        "part 3 (vision inspection): in the top 3, score 0.8778"
    ]
