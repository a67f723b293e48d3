"""The challenge lifecycle: the review gate, who may move what, applications, the weighted
rubric (golden numbers by hand), the outcome figures and who sees which details."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from catalog.actors import Actor, Role
from catalog.challenge import (
    ChallengeMove,
    ChallengeState,
    ChallengeStore,
    NewApplication,
    rank_applications,
)
from catalog.challenge.stats import challenge_stats
from catalog.challenge.views import challenge_view, is_listed, visible_applications
from catalog.errors import ConflictError, InvalidInputError, PermissionDeniedError, TransitionError
from catalog.models import Organisation, OrgKind
from catalog.store import CatalogStore
from tests.test_challenge_store import spec

S = ChallengeState
T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
AUTHOR, REVIEWER, OTHER = Actor.staff("王敏"), Actor.staff("李想"), Actor.staff("赵一")
OWNER = Actor("co1-token", Role.COMPANY, "co-1")
INST = Actor("inst-token", Role.COMPANY, "inst-1")


@pytest.fixture
def store(tmp_path: Path) -> ChallengeStore:
    path = tmp_path / "park.sqlite"
    with CatalogStore(path) as cat:
        cat.upsert(
            [
                Organisation(id="co-1", name="甲电池"),
                Organisation(id="co-2", name="乙材料"),
                Organisation(id="co-3", name="丁装备"),
                Organisation(id="inst-1", name="丙大学", kind=OrgKind.INSTITUTE),
            ]
        )
    return ChallengeStore(path)


def _at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def _apply(store: ChallengeStore, cid: str, org: str, budget: float, hours: float = 1) -> None:
    app = NewApplication(
        org_id=org,
        proposal=f"{org} 的攻关方案：原位包覆",
        ip_declaration="joint",
        budget_wan=budget,
    )
    store.apply(cid, app, actor=AUTHOR, at=_at(hours))


def _publish(store: ChallengeStore, owner: str = "co-1", **over: object) -> str:
    ch = store.open(spec(org_id=owner, **over), actor=AUTHOR, at=T0)
    store.move(ch.id, ChallengeMove(S.IN_REVIEW), actor=AUTHOR, at=T0)
    store.move(ch.id, ChallengeMove(S.PUBLISHED), actor=REVIEWER, at=T0)
    return ch.id


def test_review_gate_needs_another_staff_reviewer(store: ChallengeStore) -> None:
    ch = store.open(spec(), actor=OWNER, at=T0)  # the company posts its own draft
    with pytest.raises(PermissionDeniedError, match="posts challenges for its own organisation"):
        store.open(spec(org_id="co-2"), actor=OWNER, at=T0)
    store.move(ch.id, ChallengeMove(S.IN_REVIEW), actor=AUTHOR, at=T0)
    with pytest.raises(PermissionDeniedError, match="'王敏' opened or submitted challenge"):
        store.move(ch.id, ChallengeMove(S.PUBLISHED), actor=AUTHOR, at=T0)
    with pytest.raises(PermissionDeniedError, match="moving to 'published' is staff's"):
        store.move(ch.id, ChallengeMove(S.PUBLISHED), actor=OWNER, at=T0)
    with pytest.raises(InvalidInputError, match="note: rejecting a challenge in review needs"):
        store.move(ch.id, ChallengeMove(S.DRAFT), actor=REVIEWER, at=T0)
    back = store.move(ch.id, ChallengeMove(S.DRAFT, note="指标单位不清"), actor=REVIEWER, at=T0)
    assert (back.state, back.last.note, back.last.from_state) == (
        S.DRAFT,
        "指标单位不清",
        S.IN_REVIEW,
    )
    store.move(ch.id, ChallengeMove(S.IN_REVIEW), actor=OWNER, at=_at(1))
    with pytest.raises(PermissionDeniedError, match="'co1-token' opened or submitted"):
        store.move(ch.id, ChallengeMove(S.PUBLISHED), actor=Actor.staff("co1-token"), at=_at(1))
    done = store.move(ch.id, ChallengeMove(S.PUBLISHED), actor=REVIEWER, at=_at(2))
    assert [(e.actor, e.to_state.value) for e in done.log] == [
        ("co1-token", "draft"),
        ("王敏", "in_review"),
        ("李想", "draft"),
        ("co1-token", "in_review"),
        ("李想", "published"),
    ]


def test_the_whole_way_to_closed_and_what_each_move_carries(store: ChallengeStore) -> None:
    cid = _publish(store)
    with pytest.raises(TransitionError) as info:
        store.move(cid, ChallengeMove(S.SIGNED, amount_wan=10), actor=OTHER, at=_at(1))
    assert str(info.value) == (
        f"challenge {cid!r} is 'published': it cannot move to 'signed'; allowed from "
        "'published': shortlisted, awarded, withdrawn, failed"
    )
    for org, budget in (("inst-1", 180), ("co-2", 150)):
        _apply(store, cid, org, budget)
    with pytest.raises(InvalidInputError, match="org_id: co-1 posted this challenge"):
        _apply(store, cid, "co-1", 10)
    with pytest.raises(PermissionDeniedError, match="applies for its own organisation only"):
        store.apply(
            cid,
            NewApplication(
                org_id="co-2", proposal="代别人申请的方案文本", ip_declaration="joint", budget_wan=1
            ),
            actor=INST,
            at=_at(1),
        )
    store.move(cid, ChallengeMove(S.SHORTLISTED, shortlist=("inst-1",)), actor=OTHER, at=_at(2))
    with pytest.raises(ConflictError, match="applications are accepted only while it is"):
        _apply(store, cid, "co-3", 10, hours=3)
    with pytest.raises(InvalidInputError, match=r"winners\[0\]: 'co-2' has not applied"):
        store.move(cid, ChallengeMove(S.AWARDED, winners=("co-2",)), actor=OTHER, at=_at(3))
    store.move(cid, ChallengeMove(S.AWARDED, winners=("inst-1",)), actor=OTHER, at=_at(3))
    with pytest.raises(InvalidInputError, match="amount_wan: the signed amount in 万元"):
        store.move(cid, ChallengeMove(S.SIGNED), actor=OTHER, at=_at(4))
    store.move(cid, ChallengeMove(S.SIGNED, amount_wan=175.5), actor=OTHER, at=_at(4))
    store.move(cid, ChallengeMove(S.IN_DELIVERY), actor=OTHER, at=_at(5))
    with pytest.raises(InvalidInputError, match="note: moving to 'accepted' needs"):
        store.move(cid, ChallengeMove(S.ACCEPTED), actor=OWNER, at=_at(6))
    store.move(cid, ChallengeMove(S.ACCEPTED, note="指标全部达成"), actor=OWNER, at=_at(6))
    ch = store.move(cid, ChallengeMove(S.CLOSED), actor=OTHER, at=_at(7))
    assert (ch.shortlist, ch.winners, ch.signed_amount, ch.matched) == (
        ("inst-1",),
        ("inst-1",),
        175.5,
        True,
    )
    with pytest.raises(TransitionError, match="allowed from 'closed': none"):
        store.move(cid, ChallengeMove(S.FAILED, note="x"), actor=OTHER, at=_at(8))


def test_applications_close_on_apply_by(store: ChallengeStore) -> None:
    cid = _publish(store, apply_by="2026-12-02")
    with pytest.raises(
        InvalidInputError, match="apply_by: applications to .* closed on 2026-12-02"
    ):
        _apply(store, cid, "inst-1", 10, hours=48)
    _apply(store, cid, "inst-1", 10, hours=24)
    assert [a.org_id for a in store.applications(cid)] == ["inst-1"]


def test_rubric_golden_weighted_totals_and_ranking(store: ChallengeStore) -> None:
    cid = _publish(store)
    for org, hours in (("inst-1", 1), ("co-2", 2), ("co-3", 3)):
        _apply(store, cid, org, 100, hours)
    r1, r2 = Actor.staff("评审甲"), Actor.staff("评审乙")
    keys = ("technical_fit", "team", "cost", "schedule", "ip")
    marks = [
        ("inst-1", r1, (5, 4, 3, 4, 5)),  # 0.4·5 + 0.25·4 + 0.15·3 + 0.1·4 + 0.1·5 = 4.35
        ("inst-1", r2, (4, 4, 4, 4, 4)),  # 4.0 → mean 4.175, 83.5 of 100
        ("co-2", r1, (3, 5, 5, 5, 3)),  # 1.2 + 1.25 + 0.75 + 0.5 + 0.3 = 4.0
    ]
    for org, who, values in marks:
        store.review(cid, org, dict(zip(keys, values, strict=True)), actor=who, at=_at(4))
    with pytest.raises(PermissionDeniedError, match="staff reviewers score applications"):
        store.review(cid, "co-2", dict.fromkeys(keys, 1), actor=INST, at=_at(4))
    ranked = rank_applications(spec().rubric, store.applications(cid), store.reviews(cid))
    got = [(r.rank, r.application.org_id, r.reviews, round(r.total, 6)) for r in ranked]
    assert got == [(1, "inst-1", 2, 4.175), (2, "co-2", 1, 4.0), (3, "co-3", 0, 0.0)]
    top = ranked[0].to_json()
    assert top["total_100"] == 83.5
    assert top["by_criterion"] == {
        "technical_fit": 4.5,
        "team": 4.0,
        "cost": 3.5,
        "schedule": 4.0,
        "ip": 4.5,
    }


def test_outcome_figures_golden(store: ChallengeStore) -> None:
    c1 = _publish(store)
    _apply(store, c1, "inst-1", 180)
    _apply(store, c1, "co-2", 150)
    steps = [
        ChallengeMove(S.SHORTLISTED, shortlist=("inst-1",)),
        ChallengeMove(S.AWARDED, winners=("inst-1",)),
        ChallengeMove(S.SIGNED, amount_wan=180),
        ChallengeMove(S.IN_DELIVERY),
        ChallengeMove(S.ACCEPTED, note="通过"),
    ]
    for i, move in enumerate(steps, 2):
        store.move(c1, move, actor=OTHER, at=_at(i))
    c2 = _publish(store)
    store.move(c2, ChallengeMove(S.FAILED, note="无合适揭榜方"), actor=OTHER, at=_at(2))
    store.open(spec(), actor=AUTHOR, at=T0)  # a draft: opened, not published
    c4 = _publish(store, owner="co-2")
    _apply(store, c4, "inst-1", 60)
    store.move(c4, ChallengeMove(S.AWARDED, winners=("inst-1",)), actor=OTHER, at=_at(2))
    store.move(c4, ChallengeMove(S.SIGNED, amount_wan=50), actor=OTHER, at=_at(3))
    chains = {"co-1": ["nev"], "co-2": ["nev", "newmat"]}
    doc = challenge_stats(
        store.challenges(), store.applications(), chains=chains, zone=ZoneInfo("Asia/Shanghai")
    )
    total = {k: doc[k] for k in ("opened", "published", "applications", "matched", "signed")}
    assert total == {"opened": 4, "published": 3, "applications": 3, "matched": 2, "signed": 2}
    assert (doc["amount_signed_wan"], doc["accepted"], doc["match_rate"], doc["sign_rate"]) == (
        230.0,
        1,
        0.6667,
        0.6667,
    )
    newmat = doc["by"]["chain"]["newmat"]
    assert (newmat["opened"], newmat["signed"], newmat["amount_signed_wan"]) == (1, 1, 50.0)
    assert doc["by"]["chain"]["nev"]["opened"] == 4
    assert doc["by"]["state"] == {"accepted": 1, "draft": 1, "failed": 1, "signed": 1}
    later = challenge_stats(
        store.challenges(),
        store.applications(),
        chains=chains,
        zone=ZoneInfo("Asia/Shanghai"),
        since=dt.date(2026, 12, 2),
    )
    assert (later["opened"], later["match_rate"]) == (0, None)


def test_confidential_details_only_for_staff_owner_and_applicants(store: ChallengeStore) -> None:
    cid = _publish(store, confidentiality="confidential")
    _apply(store, cid, "inst-1", 100)
    ch, apps = store.get(cid), store.applications(cid)
    applicants = {a.org_id for a in apps}
    outsider = Actor("co3-token", Role.COMPANY, "co-3")
    for who in (AUTHOR, OWNER, INST):
        doc = challenge_view(ch, who, applicants)
        assert doc["problem"].startswith("硫化物") and doc["redacted"] is None
    for who in (outsider, None):
        doc = challenge_view(ch, who, applicants)
        assert doc["redacted"] == "confidential" and "problem" not in doc
        assert doc["title"] == "保密榜单 confidential challenge" and "org_id" not in doc
        assert (doc["amount_wan"], doc["applications"]) == (200.0, 1)
    assert [a.org_id for a in visible_applications(ch, INST, apps)] == ["inst-1"]
    assert visible_applications(ch, outsider, apps) == []
    summary = _publish(store, confidentiality="summary_only", summary="界面包覆")
    doc = challenge_view(store.get(summary), outsider, set())
    assert doc["redacted"] == "summary_only" and doc["summary"] == "界面包覆"
    assert "indicators" not in doc and doc["title"] == "固态电池电解质界面阻抗降低"
    draft = store.open(spec(), actor=AUTHOR, at=T0)
    assert not is_listed(draft, outsider, set()) and is_listed(draft, OWNER, set())
