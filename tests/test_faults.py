"""kill -9 mid-operation: a `chainmatch` subprocess is stopped at a named point inside a write
(`service.faults`: it writes its pid to a file and waits), killed with SIGKILL there, and the
home is checked — it opens, everything committed before is still there, nothing of the
killed write is visible. Deterministic: the kill lands at the point, never by timing.
Hashing encoder, a few seconds each."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from catalog.audit import AuditLog
from catalog.backup import backup_home, restore_home
from catalog.errors import BackupError
from catalog.events import EventStore
from catalog.importer import import_organisations
from catalog.paths import Paths
from service.workspace import EncoderKind, Workspace
from tests.conftest import TODAY
from tests.test_events_store import make_plan

ROOT = Path(__file__).resolve().parents[1]
PAUSE_TIMEOUT_S = 60.0
CSV_HEAD = "id,name,kind,park,chains,offers,needs\n"


def _workspace(home: Path) -> Workspace:
    return Workspace(Paths(home), encoder_kind=EncoderKind.HASHING, today=TODAY, progress=False)


def _kill_at(home: Path, point: str, *args: str, tmp: Path) -> None:
    """Run ``chainmatch --home HOME ARGS`` until it reaches ``point``, then SIGKILL it."""
    marker = tmp / f"paused-{point}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHAINMATCH_ENCODER": "hashing",
        "CHAINMATCH_PAUSE_AT": point,
        "CHAINMATCH_PAUSE_FILE": str(marker),
    }
    log = tmp / f"{point}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service", "--home", str(home), *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + PAUSE_TIMEOUT_S
        try:
            while not marker.exists():
                if proc.poll() is not None:
                    pytest.fail(f"exited ({proc.returncode}) before {point}:\n{log.read_text()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"did not reach {point} in {PAUSE_TIMEOUT_S:.0f} s")
                time.sleep(0.02)
            assert int(marker.read_text()) == proc.pid
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The demo park with one committed import and one committed event, index built."""
    path = tmp_path / "home"
    with _workspace(path) as ws:
        ws.load_demo()
        committed = tmp_path / "committed.csv"
        committed.write_text(
            CSV_HEAD + "ok-1,先导入企业,enterprise,滨江园区,ic:ic.design,芯片设计服务,晶圆代工\n",
            encoding="utf-8",
        )
        import_organisations(ws.store, committed, taxonomy=ws.taxonomy)
        with ws.events() as events:
            events.save_plan(make_plan())
        ws.engine()
    return path


def test_kill_during_import_keeps_the_committed_and_shows_none_of_it(
    home: Path, tmp_path: Path
) -> None:
    before = _rows(home / "catalog.sqlite")
    rows = [
        f"kill-{i},中途企业{i},enterprise,滨江园区,ic:ic.design,测试服务{i},需求{i}"
        for i in range(50)
    ]
    rows.append(
        "demo-nev-0019,被改名的企业,enterprise,滨江园区,nev:nev.motor,改过的供给,改过的需求"
    )
    big = tmp_path / "big.csv"
    big.write_text(CSV_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    _kill_at(
        home, "catalog.before_commit", "import", str(big), "--on-conflict", "update", tmp=tmp_path
    )

    assert _rows(home / "catalog.sqlite") == before  # every table, row for row
    with _workspace(home) as ws:
        assert ws.store.get("ok-1").name == "先导入企业"
        assert ws.store.get("demo-nev-0019").name == "岚渊动力有限公司"
        assert not [i for i in ws.store.ids() if i.startswith("kill-")]
        with AuditLog(ws.paths.db) as log:
            assert all(not e.entity.startswith("kill-") for e in log.entries(limit=10_000))
        assert ws.store.count() == 357 + 1  # the demo park and the committed import


def test_kill_during_event_plan_saving_leaves_the_earlier_plan_only(
    home: Path, tmp_path: Path
) -> None:
    before = _rows(home / "catalog.sqlite")
    args = (
        "event", "plan", "--theme-chain", "nev", "--participants", "6", "--slots", "2",
        "--tables", "2", "--start", "2026-12-02T09:00", "--time-limit", "5",
    )  # fmt: skip
    _kill_at(home, "events.before_commit", *args, tmp=tmp_path)

    assert _rows(home / "catalog.sqlite") == before
    with EventStore(home / "catalog.sqlite") as events:
        assert [p.event.name for p in events.list_plans()] == ["测试对接会"]
        assert len(events.get_plan(events.list_plans()[0].event.id or "").meetings) == 4


@pytest.mark.parametrize("point", ["backup.file_copied", "backup.before_manifest"])
def test_kill_during_backup_leaves_the_home_and_a_refused_partial_backup(
    home: Path, tmp_path: Path, point: str
) -> None:
    before = _rows(home / "catalog.sqlite")
    folder = tmp_path / "partial"
    _kill_at(home, point, "backup", str(folder), tmp=tmp_path)

    assert _rows(home / "catalog.sqlite") == before
    assert not (folder / "manifest.json").exists()
    target = tmp_path / "restored"
    with pytest.raises(BackupError, match="manifest.json: missing — not a complete backup"):
        restore_home(folder, Paths(target))
    assert not target.exists() or not (target / "catalog.sqlite").exists()
    # a new backup of the same home, finished, restores to the same rows
    backup_home(Paths(home), tmp_path / "whole")
    restore_home(tmp_path / "whole", Paths(target))
    assert _rows(target / "catalog.sqlite") == before


def test_kill_during_a_write_that_re_indexes_leaves_what_an_uninterrupted_run_leaves(
    home: Path, tmp_path: Path
) -> None:
    """Organisations committed to the catalog are indexed by the next command that opens
    the engine; killed after the new index files are written but before the manifest, the
    home still opens, nothing is lost, and it matches exactly as the same home does when
    that command was not interrupted (a copy taken before the kill)."""
    new = tmp_path / "new.csv"
    new.write_text(
        CSV_HEAD
        + "".join(
            f"reidx-{i},重建企业{i},enterprise,滨江园区,ic:ic.design,晶圆代工服务{i},芯片设计{i}\n"
            for i in range(20)
        ),
        encoding="utf-8",
    )
    with _workspace(home) as ws:
        import_organisations(ws.store, new, taxonomy=ws.taxonomy)  # committed, not indexed
    twin = tmp_path / "twin"
    shutil.copytree(home, twin)
    manifest = (home / "index" / "manifest.json").read_text(encoding="utf-8")
    _kill_at(home, "index.files_written", "partners", "reidx-3", "--json", tmp=tmp_path)
    assert (home / "index" / "manifest.json").read_text(encoding="utf-8") == manifest

    def partners(path: Path) -> list[tuple[str, float]]:
        with _workspace(path) as ws:
            engine = ws.engine()  # the killed home: opens the half-saved folder, syncs it
            assert sum(o.id.startswith("reidx-") for o in engine.orgs) == 20
            return [(m.org_id, m.score) for m in engine.find_partners("reidx-3", k=10).matches]

    got, expected = partners(home), partners(twin)
    assert [i for i, _ in got] == [i for i, _ in expected] and len(got) == 10
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-6)
