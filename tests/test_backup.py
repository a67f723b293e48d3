"""Backups and restores: a restore into an empty home gives back every table row for row and
the same answers; a partial, corrupt or inconsistent backup is refused, naming the file,
before anything in the home changes (hashing encoder: no model)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from catalog.actors import Role
from catalog.audit import Who
from catalog.backup import backup_home, restore_home
from catalog.errors import BackupError, ConflictError
from catalog.events import Outcome, OutcomeStatus
from catalog.paths import Paths
from service.cli import app as cli_app
from service.tokens import add_token
from service.workspace import EncoderKind, Workspace
from tests.conftest import TODAY
from tests.test_events_store import make_plan

QUERY = "demo-nev-0019"


def _workspace(home: Path) -> Workspace:
    return Workspace(Paths(home), encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False)


def _answers(ws: Workspace) -> list[tuple[str, float]]:
    res = ws.engine().find_partners(QUERY, k=10)
    return [(m.org_id, round(m.score, 6)) for m in res.matches]


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of ``db``, every row, in a fixed order."""
    conn = sqlite3.connect(db)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def _digest(folder: Path) -> dict[str, str]:
    """Every file's hash; SQLite's -wal/-shm sidecars left out (opening a file to read it
    may create empty ones, which changes nothing)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Any]]]:
    """A home with the demo park, an edit, a deletion, an event with an outcome, a token
    file and a built index; and the answers to one query in it."""
    home = tmp_path_factory.mktemp("source-home")
    with _workspace(home) as ws:
        ws.load_demo()
        org = ws.store.get("demo-nev-0020")
        ws.store.upsert([org.model_copy(update={"offers": (*org.offers, "800V电驱总成")})])
        ws.store.delete(["demo-nev-0021"], who=Who("alice", "cli"))
        with ws.events() as events:
            plan = events.save_plan(make_plan())
            outcome = Outcome(a="a", b="b", status=OutcomeStatus.SIGNED, note="签约")
            events.record_outcomes(plan.event.id or "", [outcome])
        add_token(home / "tokens.toml", "office", Role.STAFF)
        answers = _answers(ws)
    yield home, answers


@pytest.fixture(scope="module")
def backup(source: tuple[Path, list[Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("backups") / "b1"
    backup_home(Paths(source[0]), folder)
    return folder


def test_manifest_lists_every_file_with_hash_and_counts(backup: Path, source: Any) -> None:
    doc = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert doc["format"] == "chainmatch-backup" and doc["version"] == 1
    files = doc["files"]
    assert {"catalog.sqlite", "embeddings.sqlite", "tokens.toml", "index/manifest.json"} <= set(
        files
    )
    for name, record in files.items():
        data = (backup / name).read_bytes()
        assert record["bytes"] == len(data)
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
    tables = files["catalog.sqlite"]["tables"]
    assert tables["organisations"] == 356 and tables["events"] == 1
    assert tables["event_outcomes"] == 1 and tables["audit"] == 357 + 1 + 1 + 1 + 1
    assert {k: len(v) for k, v in _rows(source[0] / "catalog.sqlite").items()} == tables


def test_restore_into_an_empty_home_gives_every_row_and_the_same_answers(
    backup: Path, source: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    home = tmp_path / "restored"
    report = restore_home(backup, Paths(home))
    assert report.replaced is None
    for db in ("catalog.sqlite", "embeddings.sqlite"):
        assert _rows(home / db) == _rows(source[0] / db), db
    assert (home / "tokens.toml").read_bytes() == (source[0] / "tokens.toml").read_bytes()
    with _workspace(home) as ws:
        engine = ws.engine()
        assert engine.load(ws.paths.index) == {"added": 0, "removed": 0, "sparse_encoded": 0}
        assert _answers(ws) == source[1]
    assert not list(home.glob(".restore-*"))  # the staging folder is gone


def test_restore_over_a_catalog_needs_force_and_keeps_the_old_files(
    backup: Path, tmp_path: Path
) -> None:
    home = tmp_path / "busy"
    with _workspace(home) as ws:
        ws.load_demo()
    before = _digest(home)
    with pytest.raises(ConflictError, match=r"already holds a catalog \(357 organisations\)"):
        restore_home(backup, Paths(home))
    assert _digest(home) == before
    report = restore_home(backup, Paths(home), force=True)
    assert report.replaced is not None and report.replaced.parent == home
    assert _rows(report.replaced / "catalog.sqlite")["organisations"][0][0] == "demo-bio-0001"
    with _workspace(home) as ws:
        assert ws.store.count() == 356


def _damaged(backup: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "damaged"
    shutil.copytree(backup, copy)
    return copy


def _manifest(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return doc


def _refused(folder: Path, tmp_path: Path, message: str) -> None:
    home = tmp_path / "target"
    with _workspace(home) as ws:  # a home with something in it, to see that nothing changes
        ws.store.upsert([])
    before = _digest(home)
    with pytest.raises(BackupError) as info:
        restore_home(folder, Paths(home), force=True)
    assert message in str(info.value)
    assert _digest(home) == before
    assert not list(home.glob(".restore-*")) and not list(home.glob("replaced-*"))


def test_a_backup_without_manifest_is_partial(backup: Path, tmp_path: Path) -> None:
    bad = _damaged(backup, tmp_path)
    (bad / "manifest.json").unlink()
    _refused(bad, tmp_path, f"{bad / 'manifest.json'}: missing — not a complete backup")


def test_a_changed_byte_is_refused_naming_the_file(backup: Path, tmp_path: Path) -> None:
    bad = _damaged(backup, tmp_path)
    data = bytearray((bad / "embeddings.sqlite").read_bytes())
    data[-100] ^= 0xFF
    (bad / "embeddings.sqlite").write_bytes(bytes(data))
    _refused(bad, tmp_path, f"{bad / 'embeddings.sqlite'}: SHA-256 differs from the manifest")


def test_a_missing_file_is_refused(backup: Path, tmp_path: Path) -> None:
    bad = _damaged(backup, tmp_path)
    (bad / "index" / "offers.index").unlink()
    _refused(bad, tmp_path, f"{bad / 'index' / 'offers.index'}: missing from the backup")


def test_a_corrupt_database_with_matching_hash_fails_the_integrity_check(
    backup: Path, tmp_path: Path
) -> None:
    bad = _damaged(backup, tmp_path)
    db = bad / "catalog.sqlite"
    data = bytearray(db.read_bytes())
    page = 4096
    for i in range(2 * page + 16, 3 * page, 7):  # scribble over a b-tree page
        data[i] = 0x5A
    db.write_bytes(bytes(data))
    doc = _manifest(bad)
    doc["files"]["catalog.sqlite"]["sha256"] = hashlib.sha256(data).hexdigest()
    (bad / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    home = tmp_path / "target"
    with pytest.raises(BackupError) as info:
        restore_home(bad, Paths(home))
    text = str(info.value)
    assert text.startswith(f"{db}: ")
    assert "integrity check failed" in text or "not a usable SQLite database" in text


def test_row_counts_that_differ_from_the_manifest_are_refused(backup: Path, tmp_path: Path) -> None:
    bad = _damaged(backup, tmp_path)
    doc = _manifest(bad)
    doc["files"]["catalog.sqlite"]["tables"]["organisations"] = 999
    (bad / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    _refused(bad, tmp_path, f"{bad / 'catalog.sqlite'}: table row counts")


def test_backup_refuses_a_folder_with_files(source: Any, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BackupError, match="not empty; back up into a new folder"):
        backup_home(Paths(source[0]), tmp_path)


def test_cli_backup_and_restore(
    source: tuple[Path, list[Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINMATCH_ENCODER", "hashing")
    runner = CliRunner()
    folder = tmp_path / "b"
    res = runner.invoke(cli_app, ["--home", str(source[0]), "backup", str(folder)])
    assert res.exit_code == 0, res.output
    assert "backed up" in res.stdout and "catalog.sqlite" in res.stdout
    target = tmp_path / "home"
    res = runner.invoke(cli_app, ["--home", str(target), "restore", str(folder)])
    assert res.exit_code == 0, res.output
    assert "356 organisations, 1 events, 361 audit entries" in res.stdout
    (folder / "manifest.json").unlink()
    res = runner.invoke(cli_app, ["--home", str(target), "restore", str(folder), "--force"])
    assert res.exit_code == 7
    assert "manifest.json: missing — not a complete backup" in res.stderr
