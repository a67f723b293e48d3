"""Challenges, their logs, applications and reviews in SQLite — the catalog's own file.

The tables are the ``challenge`` family (`CHALLENGE`), created or upgraded on open by
`catalog.db`: a catalog file made by an older ChainMatch gains them and keeps everything
else. All four tables are append-only, twice over: the store has no method that changes or
deletes a row, and triggers make SQLite refuse an UPDATE, DELETE or replacing INSERT from
anyone else with "challenge history is append-only".

Every write is one transaction that reads the challenge, checks the write with
`catalog.challenge.flow` (the one place the rules live) and appends; bad input raises
before anything is written.

Example usage::

    with ChallengeStore(paths.db) as store:
        ch = store.open(new_challenge, actor=Actor.staff("王敏"))
        store.move(ch.id, ChallengeMove(ChallengeState.IN_REVIEW), actor=Actor.staff("王敏"))
        store.move(ch.id, ChallengeMove(ChallengeState.PUBLISHED), actor=Actor.staff("李想"))
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from catalog.challenge.flow import ChallengeMove, check_application, check_move, check_review
from catalog.challenge.model import (
    Action,
    Actor,
    Challenge,
    ChallengeState,
    Entry,
    NewChallenge,
    Role,
)
from catalog.challenge.rubric import Application, NewApplication, Review, check_scores
from catalog.db import Family, SQLiteStore, append_only, next_day_id, sql_values
from catalog.desk.store import DESK
from catalog.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from catalog.rows import CATALOG

__all__ = ["CHALLENGE", "ChallengeStore"]


_CREATE = (
    """CREATE TABLE IF NOT EXISTS challenges (
        id TEXT PRIMARY KEY, org_id TEXT NOT NULL, spec TEXT NOT NULL,
        opened_by TEXT NOT NULL, opened_at TEXT NOT NULL, source_request_id TEXT)""",
    f"""CREATE TABLE IF NOT EXISTS challenge_log (
        challenge_id TEXT NOT NULL REFERENCES challenges(id),
        seq INTEGER NOT NULL CHECK (seq >= 1), at TEXT NOT NULL,
        actor TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ({sql_values(Role)})),
        action TEXT NOT NULL CHECK (action IN ({sql_values(Action)})),
        from_state TEXT CHECK (from_state IS NULL OR from_state IN ({sql_values(ChallengeState)})),
        to_state TEXT NOT NULL CHECK (to_state IN ({sql_values(ChallengeState)})),
        note TEXT, data TEXT NOT NULL DEFAULT '{{}}',
        PRIMARY KEY (challenge_id, seq))""",
    """CREATE TABLE IF NOT EXISTS challenge_applications (
        challenge_id TEXT NOT NULL REFERENCES challenges(id), org_id TEXT NOT NULL,
        spec TEXT NOT NULL, applied_by TEXT NOT NULL, applied_at TEXT NOT NULL,
        PRIMARY KEY (challenge_id, org_id))""",
    """CREATE TABLE IF NOT EXISTS challenge_reviews (
        challenge_id TEXT NOT NULL, org_id TEXT NOT NULL, reviewer TEXT NOT NULL,
        at TEXT NOT NULL, scores TEXT NOT NULL, note TEXT,
        PRIMARY KEY (challenge_id, org_id, reviewer),
        FOREIGN KEY (challenge_id, org_id)
            REFERENCES challenge_applications(challenge_id, org_id))""",
    "CREATE INDEX IF NOT EXISTS challenges_org ON challenges (org_id)",
    "CREATE INDEX IF NOT EXISTS challenge_applications_org ON challenge_applications (org_id)",
    *append_only("challenges", "EXISTS (SELECT 1 FROM challenges WHERE id = NEW.id)", "challenge"),
    *append_only(
        "challenge_log",
        "NEW.seq <> (SELECT coalesce(max(seq), 0) + 1 FROM challenge_log "
        "WHERE challenge_id = NEW.challenge_id)",
        "challenge",
    ),
    *append_only(
        "challenge_applications",
        "EXISTS (SELECT 1 FROM challenge_applications "
        "WHERE challenge_id = NEW.challenge_id AND org_id = NEW.org_id)",
        "challenge",
    ),
    *append_only(
        "challenge_reviews",
        "EXISTS (SELECT 1 FROM challenge_reviews WHERE challenge_id = NEW.challenge_id "
        "AND org_id = NEW.org_id AND reviewer = NEW.reviewer)",
        "challenge",
    ),
)
# The challenges' table family. Append a migration (never edit a shipped one) to change it.
CHALLENGE = Family("challenge", "schema_version.challenge", migrations=(_CREATE,))

_LOG_COLUMNS = "challenge_id, seq, at, actor, role, action, from_state, to_state, note, data"


class ChallengeStore(SQLiteStore):
    """Challenges with their logs, applications and reviews; ``zone`` is the park's time
    zone (its days decide deadlines and ids). The catalog and desk families are opened too
    (never changed here): an organisation and a source request must exist in the file."""

    families = (CATALOG, DESK, CHALLENGE)

    def __init__(self, path: str | os.PathLike[str], *, zone: str = "Asia/Shanghai") -> None:
        super().__init__(path)
        self.zone = ZoneInfo(zone)

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.zone).date()

    # ------------------------------------------------------------------ writes
    def open(self, new: NewChallenge, *, actor: Actor, at: dt.datetime | None = None) -> Challenge:
        """Store a new challenge as a draft; the owner must be in the catalog, its dates
        ahead, its source request (if any) the same organisation's."""
        when = _instant(at)
        if not actor.name.strip():
            raise InvalidInputError("actor: who acts must be named")
        if not actor.may_act_for(new.org_id):
            raise PermissionDeniedError(
                f"org_id: {actor.describe()} posts challenges for its own organisation only, "
                f"not {new.org_id}"
            )
        today = self.local_day(when)
        for name, day in (("deadline", new.deadline), ("apply_by", new.apply_by)):
            if day is not None and day < today:
                raise InvalidInputError(
                    f"{name}: {day.isoformat()} is in the past (opened on {today.isoformat()})"
                )
        with self._transaction() as conn:
            _require_org(conn, "org_id", new.org_id)
            if new.source_request_id is not None:
                _check_source(conn, new)
            cid = next_day_id(conn, "challenges", "ch", today)
            conn.execute(
                "INSERT INTO challenges (id, org_id, spec, opened_by, opened_at, "
                "source_request_id) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    cid,
                    new.org_id,
                    new.model_dump_json(),
                    actor.name,
                    when.isoformat(),
                    new.source_request_id,
                ),
            )
            first = Entry(
                1, when, actor.name, actor.role, Action.OPENED, None, ChallengeState.DRAFT
            )
            _insert(conn, cid, first)
        return self.get(cid)

    def move(
        self,
        challenge_id: str,
        move: ChallengeMove,
        *,
        actor: Actor,
        at: dt.datetime | None = None,
    ) -> Challenge:
        """Check ``move`` against the lifecycle rules and append it; returns the challenge."""
        with self._transaction() as conn:
            ch = self._read(conn, challenge_id)
            when = _after(ch, at)
            applicants = {a.org_id for a in self._applications(conn, challenge_id)}
            entry = check_move(
                ch, move, actor, when, applicants=applicants, today=self.local_day(when)
            )
            _insert(conn, challenge_id, entry)
        return self.get(challenge_id)

    def apply(
        self,
        challenge_id: str,
        new: NewApplication,
        *,
        actor: Actor,
        at: dt.datetime | None = None,
    ) -> Application:
        """Store one organisation's application (one per organisation, never edited)."""
        when = _instant(at)
        with self._transaction() as conn:
            ch = self._read(conn, challenge_id)
            check_application(ch, new, actor, self.local_day(when))
            _require_org(conn, "org_id", new.org_id)
            if any(a.org_id == new.org_id for a in self._applications(conn, challenge_id)):
                raise ConflictError(
                    f"org_id: {new.org_id} already applied to {challenge_id!r}; an application "
                    "is never replaced"
                )
            conn.execute(
                "INSERT INTO challenge_applications (challenge_id, org_id, spec, applied_by, "
                "applied_at) VALUES (?, ?, ?, ?, ?)",
                (challenge_id, new.org_id, new.model_dump_json(), actor.name, when.isoformat()),
            )
        return Application(challenge_id, new, actor.name, when)

    def review(
        self,
        challenge_id: str,
        org_id: str,
        scores: Mapping[str, float],
        *,
        actor: Actor,
        note: str | None = None,
        at: dt.datetime | None = None,
    ) -> Review:
        """One staff reviewer's 0–5 scores of one application, once."""
        when = _instant(at)
        if note is not None and len(note) > 2000:
            raise InvalidInputError(f"note: at most 2000 characters, got {len(note)}")
        with self._transaction() as conn:
            ch = self._read(conn, challenge_id)
            applicants = {a.org_id for a in self._applications(conn, challenge_id)}
            check_review(ch, actor, applicants, org_id)
            clean = check_scores(ch.spec.rubric, scores)
            seen = conn.execute(
                "SELECT 1 FROM challenge_reviews WHERE challenge_id = ? AND org_id = ? "
                "AND reviewer = ?",
                (challenge_id, org_id, actor.name),
            ).fetchone()
            if seen is not None:
                raise ConflictError(
                    f"reviewer: {actor.name!r} already scored {org_id}'s application to "
                    f"{challenge_id!r}; a review is never replaced"
                )
            conn.execute(
                "INSERT INTO challenge_reviews (challenge_id, org_id, reviewer, at, scores, note) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (challenge_id, org_id, actor.name, when.isoformat(), json.dumps(clean), note),
            )
        return Review(challenge_id, org_id, actor.name, when, clean, note)

    # ------------------------------------------------------------------- reads
    def get(self, challenge_id: str) -> Challenge:
        with self._lock:
            return self._read(self._conn, challenge_id)

    def _read(self, conn: sqlite3.Connection, challenge_id: str) -> Challenge:
        row = conn.execute(
            "SELECT id, spec, opened_by, opened_at FROM challenges WHERE id = ?", (challenge_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError("challenge", challenge_id)
        log = conn.execute(
            f"SELECT {_LOG_COLUMNS} FROM challenge_log WHERE challenge_id = ? ORDER BY seq",
            (challenge_id,),
        ).fetchall()
        return _challenge(row, log)

    def challenges(self, *, org_id: str | None = None) -> list[Challenge]:
        """Every challenge (of one owner), oldest first, with its log; two queries."""
        clause, args = ("WHERE org_id = ?", [org_id]) if org_id is not None else ("", [])
        with self._lock:
            rows = self._conn.execute(
                f"SELECT id, spec, opened_by, opened_at FROM challenges {clause} "
                "ORDER BY opened_at, id",
                args,
            ).fetchall()
            logs: dict[str, list[tuple[Any, ...]]] = {r[0]: [] for r in rows}
            for line in self._conn.execute(
                f"SELECT {_LOG_COLUMNS} FROM challenge_log ORDER BY challenge_id, seq"
            ):
                if line[0] in logs:
                    logs[line[0]].append(line)
        return [_challenge(r, logs[r[0]]) for r in rows]

    def applications(self, challenge_id: str | None = None) -> list[Application]:
        """Applications (to one challenge, or all), in the order they came."""
        with self._lock:
            return self._applications(self._conn, challenge_id)

    @staticmethod
    def _applications(conn: sqlite3.Connection, challenge_id: str | None) -> list[Application]:
        sql = "SELECT challenge_id, spec, applied_by, applied_at FROM challenge_applications"
        args: list[str] = []
        if challenge_id is not None:
            sql += " WHERE challenge_id = ?"
            args.append(challenge_id)
        rows = conn.execute(sql + " ORDER BY applied_at, org_id", args).fetchall()
        return [
            Application(cid, NewApplication.model_validate_json(spec), by, _time(at))
            for cid, spec, by, at in rows
        ]

    def reviews(self, challenge_id: str) -> list[Review]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT challenge_id, org_id, reviewer, at, scores, note FROM challenge_reviews "
                "WHERE challenge_id = ? ORDER BY at, org_id, reviewer",
                (challenge_id,),
            ).fetchall()
        return [Review(c, o, r, _time(at), json.loads(s), n) for c, o, r, at, s, n in rows]

    def count(self) -> int:
        with self._lock:
            (n,) = self._conn.execute("SELECT count(*) FROM challenges").fetchone()
        return int(n)


# ---------------------------------------------------------------------- rows
def _instant(at: dt.datetime | None) -> dt.datetime:
    """An aware instant in UTC, to the second; naive times are refused (which zone?)."""
    if at is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    if at.tzinfo is None:
        raise InvalidInputError(f"at: {at.isoformat()} has no time zone")
    return at.astimezone(dt.UTC)


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _after(ch: Challenge, at: dt.datetime | None) -> dt.datetime:
    when = _instant(at)
    if when < ch.last.at:
        raise InvalidInputError(
            f"at: {when.isoformat()} is before the challenge's last entry "
            f"({ch.last.at.isoformat()}); the log only grows forward"
        )
    return when


def _require_org(conn: sqlite3.Connection, field: str, org_id: str) -> None:
    if conn.execute("SELECT 1 FROM organisations WHERE id = ?", (org_id,)).fetchone() is None:
        raise InvalidInputError(f"{field}: no organisation {org_id!r} in the catalog")


def _check_source(conn: sqlite3.Connection, new: NewChallenge) -> None:
    row = conn.execute(
        "SELECT org_id FROM desk_requests WHERE id = ?", (new.source_request_id,)
    ).fetchone()
    if row is None:
        raise InvalidInputError(f"source_request_id: no desk request {new.source_request_id!r}")
    if row[0] != new.org_id:
        raise InvalidInputError(
            f"source_request_id: request {new.source_request_id!r} was filed by {row[0]}, "
            f"not by {new.org_id}"
        )


def _insert(conn: sqlite3.Connection, challenge_id: str, e: Entry) -> None:
    conn.execute(
        f"INSERT INTO challenge_log ({_LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            challenge_id,
            e.seq,
            e.at.isoformat(),
            e.actor,
            e.role.value,
            e.action.value,
            None if e.from_state is None else e.from_state.value,
            e.to_state.value,
            e.note,
            json.dumps(dict(e.data), ensure_ascii=False, sort_keys=True),
        ),
    )


def _challenge(row: tuple[Any, ...], log: list[tuple[Any, ...]]) -> Challenge:
    cid, spec, opened_by, opened_at = row
    return Challenge(
        id=cid,
        spec=NewChallenge.model_validate_json(spec),
        opened_by=opened_by,
        opened_at=_time(opened_at),
        log=tuple(
            Entry(
                seq=seq,
                at=_time(at),
                actor=who,
                role=Role(role),
                action=Action(action),
                from_state=None if src is None else ChallengeState(src),
                to_state=ChallengeState(dst),
                note=note,
                data=json.loads(data),
            )
            for _, seq, at, who, role, action, src, dst, note, data in log
        ),
    )
