"""Challenge storage: an existing park file upgrades in place with nothing lost, history only
grows, and bad input is refused by field with nothing written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from catalog.actors import Actor
from catalog.challenge import (
    CHALLENGE,
    ChallengeMove,
    ChallengeState,
    ChallengeStore,
    DeliverableLevel,
    NewApplication,
    NewChallenge,
)
from catalog.desk import DeskStore, NewRequest
from catalog.errors import ChainMatchError, ConflictError, InvalidInputError
from catalog.models import Organisation, OrgKind
from catalog.store import CatalogStore
from tests.test_catalog_db import old_file

DATA = Path(__file__).parent / "data"
# `iterdump` of a park file written by main at 1944bbb (catalog v1, audit v1, desk v1 with one
# request, no challenges). Frozen: the live DDL may change.
MAIN_1944BBB = DATA / "catalog_1944bbb.sql"
T0 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Hangzhou
STAFF = Actor.staff("王敏")
REVIEWER = Actor.staff("李想")


def spec(**over: Any) -> NewChallenge:
    doc: dict[str, Any] = {
        "org_id": "co-1",
        "title": "固态电池电解质界面阻抗降低",
        "problem": "硫化物固态电解质与高镍正极界面阻抗高，循环衰减快，需要界面包覆方案",
        "indicators": [{"name": "界面阻抗", "target": "≤20", "unit": "Ω·cm²"}],
        "deliverable_level": "prototype",
        "amount_wan": 200,
        "deadline": "2027-06-30",
        "apply_by": "2027-01-31",
        "phases": [{"name": "方案", "due": "2027-02-28"}, {"name": "样品", "due": "2027-05-31"}],
    }
    doc.update(over)
    return NewChallenge.model_validate(doc)


def _dump(path: Path, skip: tuple[str, ...] = ("challenge",)) -> list[str]:
    """Every table's rows and schema except ``skip``'s and meta's, as SQL lines."""
    conn = sqlite3.connect(path)
    try:
        return [
            line
            for line in conn.iterdump()
            if not any(word in line for word in skip)
            and '"meta"' not in line
            and "TABLE meta" not in line
        ]
    finally:
        conn.close()


def _main_file(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(MAIN_1944BBB.read_text("utf-8"))
    conn.close()
    return path


def test_a_file_from_main_with_the_desk_upgrades_in_place(tmp_path: Path) -> None:
    path = _main_file(tmp_path / "park.sqlite")
    before = _dump(path)
    with ChallengeStore(path) as store:
        assert store.count() == 0
        ch = store.open(
            spec(org_id="old-0001", apply_by=None, source_request_id="dr-20261102-1"),
            actor=STAFF,
            at=T0,
        )
    assert (ch.id, ch.state, ch.spec.source_request_id) == (
        "ch-20261201-1",
        ChallengeState.DRAFT,
        "dr-20261102-1",
    )
    assert _dump(path) == before  # every catalog, audit and desk row and table as it was
    conn = sqlite3.connect(path)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    conn.close()
    assert meta["schema_version.challenge"] == str(CHALLENGE.version) == "1"
    assert meta["schema_version.desk"] == "1" and meta["source"] == "old park"
    with DeskStore(path) as desk:
        assert [r.text[:6] for r in desk.requests()] == ["固态电池界面"]
    with ChallengeStore(path) as store:  # opening again migrates nothing
        assert [c.id for c in store.challenges()] == [ch.id]


def test_a_file_from_before_schema_versions_upgrades_too(tmp_path: Path) -> None:
    """The catalog as ef28b04 left it (no versions, no desk): it gains the desk too."""
    path = old_file(tmp_path / "old.sqlite")
    before = _dump(path, ("challenge", "desk"))
    with ChallengeStore(path) as store:
        ch = store.open(spec(org_id="o1"), actor=STAFF, at=T0)
    assert ch.org_id == "o1" and ch.state is ChallengeState.DRAFT
    assert _dump(path, ("challenge", "desk")) == before


def test_a_newer_challenge_schema_is_refused(tmp_path: Path) -> None:
    path = _main_file(tmp_path / "park.sqlite")
    ChallengeStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version.challenge'")
    conn.commit()
    conn.close()
    with pytest.raises(ChainMatchError, match="challenge schema version 7 is newer"):
        ChallengeStore(path)


@pytest.fixture
def store(tmp_path: Path) -> ChallengeStore:
    path = tmp_path / "park.sqlite"
    with CatalogStore(path) as cat:
        cat.upsert(
            [
                Organisation(id="co-1", name="甲电池"),
                Organisation(id="co-2", name="乙公司"),
                Organisation(id="inst-1", name="丙大学", kind=OrgKind.INSTITUTE),
            ]
        )
    with DeskStore(path) as desk:
        desk.file(NewRequest(org_id="co-2", text="找检测", kind="technology"), actor=STAFF, at=T0)
    return ChallengeStore(path)


def _published(store: ChallengeStore) -> str:
    ch = store.open(spec(), actor=STAFF, at=T0)
    store.move(ch.id, ChallengeMove(ChallengeState.IN_REVIEW), actor=STAFF, at=T0)
    store.move(ch.id, ChallengeMove(ChallengeState.PUBLISHED), actor=REVIEWER, at=T0)
    return ch.id


def test_sql_cannot_change_or_delete_history(store: ChallengeStore) -> None:
    cid = _published(store)
    app = NewApplication(
        org_id="inst-1",
        proposal="原位聚合包覆层降低界面阻抗",
        ip_declaration="joint",
        budget_wan=180,
    )
    store.apply(cid, app, actor=STAFF, at=T0)
    store.review(cid, "inst-1", dict.fromkeys(spec().criteria(), 4.0), actor=REVIEWER, at=T0)
    for sql in (
        "UPDATE challenge_log SET to_state = 'signed'",
        "DELETE FROM challenge_log WHERE seq = 3",
        "UPDATE challenges SET spec = '{}'",
        "DELETE FROM challenges",
        "UPDATE challenge_applications SET spec = '{}'",
        "DELETE FROM challenge_applications",
        "UPDATE challenge_reviews SET scores = '{}'",
        "DELETE FROM challenge_reviews",
        "INSERT OR REPLACE INTO challenge_log (challenge_id, seq, at, actor, role, action, "
        f"from_state, to_state) VALUES ('{cid}', 2, 'x', 'x', 'staff', 'moved', 'draft', "
        "'published')",
        "INSERT OR REPLACE INTO challenge_reviews (challenge_id, org_id, reviewer, at, scores) "
        f"VALUES ('{cid}', 'inst-1', '李想', 'x', '{{}}')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="challenge history is append-only"):
            store._conn.execute(sql)
    again = store.get(cid)
    assert [e.to_state.value for e in again.log] == ["draft", "in_review", "published"]
    assert [r.scores["technical_fit"] for r in store.reviews(cid)] == [4.0]


def _counts(store: ChallengeStore) -> tuple[int, ...]:
    tables = ("challenges", "challenge_log", "challenge_applications", "challenge_reviews")
    return tuple(store._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)


def test_bad_input_names_the_field_and_writes_nothing(store: ChallengeStore) -> None:
    cid = _published(store)
    before = _counts(store)
    cases: list[tuple[Any, str]] = [
        (lambda: store.open(spec(org_id="nobody"), actor=STAFF, at=T0), "org_id: no organisation"),
        (
            lambda: store.open(spec(deadline="2026-11-30", apply_by=None, phases=[]), actor=STAFF),
            "deadline: 2026-11-30 is in the past",
        ),
        (
            lambda: store.open(spec(apply_by="2026-11-01"), actor=STAFF, at=T0),
            "apply_by: 2026-11-01 is in the past",
        ),
        (
            lambda: store.open(spec(source_request_id="dr-20261201-1"), actor=STAFF, at=T0),
            "source_request_id: request 'dr-20261201-1' was filed by co-2, not by co-1",
        ),
        (
            lambda: store.open(spec(source_request_id="dr-x"), actor=STAFF, at=T0),
            "source_request_id: no desk request 'dr-x'",
        ),
        (
            lambda: store.move(
                cid, ChallengeMove(ChallengeState.SHORTLISTED, shortlist=("co-2",)), actor=STAFF
            ),
            r"shortlist\[0\]: 'co-2' has not applied to this challenge \(applicants: none yet\)",
        ),
        (
            lambda: store.move(cid, ChallengeMove(ChallengeState.FAILED), actor=STAFF),
            "note: moving to 'failed' needs why it failed",
        ),
        (
            lambda: store.review(cid, "inst-1", {"technical_fit": 3}, actor=REVIEWER),
            "org_id: 'inst-1' has not applied",
        ),
    ]
    for call, message in cases:
        with pytest.raises(InvalidInputError, match=message):
            call()
    assert _counts(store) == before


def test_model_errors_name_the_field() -> None:
    from pydantic import ValidationError

    from catalog.events.model import describe

    cases = [
        (
            {"phases": [{"name": "验收", "due": "2027-07-01"}]},
            "phases[0].due: phase '验收' is due 2027-07-01, after the deadline 2027-06-30",
        ),
        (
            {"rubric": [{"name": "technical_fit", "weight": 0.5}, {"name": "cost", "weight": 0.3}]},
            "rubric: weights sum to 0.8, expected 1 (technical_fit 0.5, cost 0.3)",
        ),
        ({"apply_by": "2027-07-01"}, "apply_by: 2027-07-01 is after the deadline 2027-06-30"),
        ({"deliverable_level": "magic"}, "deliverable_level: Input should be"),
        ({"amount_wan": 0}, "amount_wan: Input should be greater than 0"),
    ]
    for over, message in cases:
        with pytest.raises(ValidationError) as info:
            spec(**over)
        assert message in describe(info.value)
    assert spec().deliverable_level is DeliverableLevel.PROTOTYPE


def test_one_application_per_organisation_and_one_review_per_reviewer(
    store: ChallengeStore,
) -> None:
    cid = _published(store)
    app = NewApplication(
        org_id="inst-1",
        proposal="原位聚合包覆层降低界面阻抗",
        ip_declaration="joint",
        budget_wan=180,
    )
    store.apply(cid, app, actor=STAFF, at=T0)
    with pytest.raises(ConflictError, match="org_id: inst-1 already applied"):
        store.apply(cid, app, actor=STAFF, at=T0)
    scores = dict.fromkeys(spec().criteria(), 3.0)
    store.review(cid, "inst-1", scores, actor=REVIEWER, at=T0)
    with pytest.raises(ConflictError, match="reviewer: '李想' already scored inst-1"):
        store.review(cid, "inst-1", scores, actor=REVIEWER, at=T0)
    with pytest.raises(InvalidInputError, match=r"scores.ip: expected 0 to 5, got 6"):
        store.review(cid, "inst-1", {**scores, "ip": 6}, actor=STAFF, at=T0)
    with pytest.raises(InvalidInputError, match="scores.team: missing"):
        store.review(cid, "inst-1", {"technical_fit": 1}, actor=STAFF, at=T0)
    assert [(a.org_id, a.spec.budget_wan) for a in store.applications(cid)] == [("inst-1", 180.0)]
    assert len(store.reviews(cid)) == 1
