"""Backups of one ChainMatch home, and restores that verify before they touch anything.

A backup folder holds ``catalog.sqlite`` (organisations, events, outcomes, audit log) and
``embeddings.sqlite`` (the cache: without it a restore re-encodes everything), both copied
with SQLite's online backup API — one consistent snapshot while the service runs; the
``index/`` files as they are (each written atomically by the engine; the copy is retried if
a save lands in the middle), so a restored service answers at once and as before;
``tokens.toml`` if the home has one; and ``manifest.json``, written last, with every file's
size and SHA-256 and each database's row count per table — a folder without it did not
finish.

`restore_home` copies every file into a staging folder inside the home while hashing it,
checks size, hash, ``PRAGMA integrity_check`` and row counts of the staged copies, and only
then moves them into place (the current files kept in ``replaced-<time>/``, the catalog
last). Any problem raises `BackupError` naming the file; the home is left as it was.

Example usage::

    manifest = backup_home(paths, Path("/backups/2026-12-01"))
    restore_home(Path("/backups/2026-12-01"), other_paths, force=False)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.db import Checkpoint
from catalog.errors import BackupError, ConflictError
from catalog.paths import Paths

__all__ = ["FORMAT", "Progress", "RestoreReport", "backup_home", "restore_home", "verify_backup"]

FORMAT = "chainmatch-backup"
VERSION = 1
MANIFEST = "manifest.json"
Progress = Callable[[str, int, int], None]
"""``(what, done, total)`` as a copy advances; units are pages or bytes, ``what`` says."""

_STEP_PAGES = 4096  # 16 MiB per backup step at SQLite's default 4 KiB page
_MAX_RESTARTS = 3
_CHUNK = 1 << 20


def _quiet(what: str, done: int, total: int) -> None:
    """No progress reporting."""


class _Restarted(Exception):
    """Writers keep restarting a stepwise backup."""


@dataclass(frozen=True)
class RestoreReport:
    files: dict[str, dict[str, Any]]
    replaced: Path | None  # where the previous files went, if there were any
    created_at: str


# ------------------------------------------------------------------------------ helpers


def _sha256(path: Path, progress: Progress, label: str) -> str:
    digest = hashlib.sha256()
    total, done = path.stat().st_size, 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            progress(label, done, total)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: int(conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        conn.close()


def _copy_database(src: Path, dst: Path, progress: Progress) -> None:
    """SQLite online backup of ``src`` into a new file ``dst``, in steps with progress; if
    writers keep restarting it, once more in a single step (one read snapshot)."""
    label = f"copy {src.name}"
    for pages in (_STEP_PAGES, -1):
        dst.unlink(missing_ok=True)
        source = sqlite3.connect(src)
        target = sqlite3.connect(dst)
        restarts, last = 0, -1

        def report(status: int, remaining: int, total: int) -> None:
            nonlocal restarts, last
            done = total - remaining
            if done < last:
                restarts += 1
                if restarts > _MAX_RESTARTS:
                    raise _Restarted
            last = done
            progress(label, done, total)

        try:
            source.backup(target, pages=pages, progress=report)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            return
        except _Restarted:
            continue
        finally:
            target.close()
            source.close()


def _index_state(folder: Path) -> dict[str, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    return {
        p.name: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def _copy_index(src: Path, dst: Path) -> list[str]:
    """Copy the index files; again if a save changed any of them meanwhile."""
    for _ in range(_MAX_RESTARTS + 1):
        before = _index_state(src)
        if dst.exists():
            shutil.rmtree(dst)
        dst.mkdir(parents=True)
        for name in before:
            shutil.copy2(src / name, dst / name)
        if _index_state(src) == before:
            return list(before)
    raise BackupError(f"{src}: the index kept changing while it was copied; try again")


def _write_json_atomic(path: Path, doc: object) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)
    _fsync(path.parent)


# ------------------------------------------------------------------------------ backup


def backup_home(
    paths: Paths,
    target: Path,
    *,
    progress: Progress = _quiet,
    checkpoint: Checkpoint | None = None,
) -> dict[str, Any]:
    """Back up the home of ``paths`` into the new (or empty) folder ``target``; returns the
    manifest, which is written last."""
    if not paths.db.exists():
        raise BackupError(f"{paths.db}: no catalog to back up")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target}: not empty; back up into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    reach = checkpoint or (lambda point: None)
    files: dict[str, dict[str, Any]] = {}
    for src in (paths.db, paths.cache):
        if not src.exists():
            continue
        part = target / f"{src.name}.part"
        _copy_database(src, part, progress)
        _fsync(part)
        final = target / src.name
        os.replace(part, final)
        files[src.name] = {"kind": "sqlite", "tables": _table_counts(final)}
        reach("backup.file_copied")
    for name in _copy_index(paths.index, target / "index"):
        files[f"index/{name}"] = {"kind": "file"}
    tokens = paths.home / "tokens.toml"
    if tokens.exists():
        shutil.copy2(tokens, target / tokens.name)
        files[tokens.name] = {"kind": "file"}
    for name, record in files.items():
        path = target / name
        record["bytes"] = path.stat().st_size
        record["sha256"] = _sha256(path, progress, f"hash {name}")
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "source": str(paths.home),
        "files": files,
    }
    reach("backup.before_manifest")
    _write_json_atomic(target / MANIFEST, manifest)
    return manifest


# ------------------------------------------------------------------------------ restore


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder}: no such backup folder")
    if not path.exists():
        raise BackupError(
            f"{path}: missing — not a complete backup (interrupted, or not made by "
            "'chainmatch backup'); nothing was restored"
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: unreadable ({exc}); nothing was restored") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError(f"{path}: not a ChainMatch backup manifest")
    if doc.get("version") != VERSION:
        raise BackupError(f"{path}: backup format {doc.get('version')!r}; expected {VERSION}")
    files = doc.get("files")
    if not isinstance(files, dict) or "catalog.sqlite" not in files:
        raise BackupError(f"{path}: lists no catalog.sqlite")
    for name in files:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise BackupError(f"{path}: file name {name!r} points outside the backup")
    return doc


def _stage_file(src: Path, dst: Path, record: dict[str, Any], progress: Progress) -> None:
    """Copy ``src`` to ``dst`` hashing as it goes; refuse a size or hash that differs."""
    if not src.is_file():
        raise BackupError(f"{src}: missing from the backup; nothing was restored")
    dst.parent.mkdir(parents=True, exist_ok=True)
    digest, total, done = hashlib.sha256(), src.stat().st_size, 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            done += len(chunk)
            progress(f"verify {src.name}", done, total)
        fout.flush()
        os.fsync(fout.fileno())
    if total != record.get("bytes"):
        raise BackupError(
            f"{src}: {total} bytes, the manifest says {record.get('bytes')} "
            "(partial or changed); nothing was restored"
        )
    if digest.hexdigest() != record.get("sha256"):
        raise BackupError(
            f"{src}: SHA-256 differs from the manifest (corrupt or changed); nothing was restored"
        )


def _check_database(staged: Path, shown: Path, record: dict[str, Any]) -> None:
    try:
        conn = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
        counts = _table_counts(staged)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{shown}: not a usable SQLite database: {exc}") from None
    if result != ["ok"]:
        raise BackupError(f"{shown}: integrity check failed: {'; '.join(result[:3])}")
    if counts != record.get("tables"):
        raise BackupError(f"{shown}: table row counts {counts} differ from the manifest")


def verify_backup(folder: Path, staging: Path, progress: Progress = _quiet) -> dict[str, Any]:
    """Copy every file of the backup into ``staging`` and check each copy: size, SHA-256,
    and for databases ``integrity_check`` and row counts. Returns the manifest."""
    manifest = read_manifest(folder)
    for name, record in manifest["files"].items():
        staged = staging / name
        _stage_file(folder / name, staged, record, progress)
        if record.get("kind") == "sqlite":
            _check_database(staged, folder / name, record)
    return manifest


def _catalog_holds_data(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'organisations'"
        ).fetchone()
        if not row[0]:
            return 0
        return int(conn.execute("SELECT count(*) FROM organisations").fetchone()[0])
    finally:
        conn.close()


def _sidecars(path: Path) -> Iterator[Path]:
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            yield side


def _settle(db: Path) -> None:
    """Fold the WAL into the database file, so that moving the files loses nothing and no
    stale WAL can ever meet the restored file."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def restore_home(
    folder: Path,
    paths: Paths,
    *,
    force: bool = False,
    progress: Progress = _quiet,
    checkpoint: Checkpoint | None = None,
) -> RestoreReport:
    """Verify the backup in ``folder`` completely, then swap it into the home of ``paths``.

    A home that already holds organisations needs ``force``; its files are then moved to
    ``<home>/replaced-<time>/``, never deleted. Stop the service first (a write landing
    before its restart stays only in the replaced files).
    """
    home = paths.home
    present = _catalog_holds_data(paths.db)
    if present and not force:
        raise ConflictError(
            f"{home} already holds a catalog ({present} organisations); restore --force "
            "replaces it (the current files are kept in replaced-<time>/)"
        )
    home.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    staging = home / f".restore-{stamp}-{os.getpid()}"
    try:
        manifest = verify_backup(folder, staging, progress)
        (checkpoint or (lambda point: None))("restore.verified")
        replaced = _swap(staging, home, list(manifest["files"]), home / f"replaced-{stamp}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreReport(manifest["files"], replaced, str(manifest.get("created_at", "")))


def _swap(staging: Path, home: Path, names: list[str], aside: Path) -> Path | None:
    """Put the staged files in place, keeping the current ones in ``aside``.

    Every step leaves a usable home: a database's WAL is folded in and its current file
    hard-linked into ``aside`` before the staged file replaces it by one atomic rename; the
    index folder is moved aside, then the staged one moved in (a home without an index
    rebuilds it from the catalog and the cache). The catalog goes last.
    """
    aside.mkdir(parents=True)
    kept = False
    files = sorted((n for n in names if not n.startswith("index/")), key=_catalog_last)
    if any(n.startswith("index/") for n in names) or (home / "index").exists():
        if (home / "index").exists():
            os.replace(home / "index", aside / "index")
            kept = True
        if (staging / "index").exists():
            os.replace(staging / "index", home / "index")
    for name in files:
        target = home / name
        if target.exists():
            if target.suffix == ".sqlite":
                _settle(target)
            os.link(target, aside / name)
            kept = True
            for side in _sidecars(target):
                side.unlink()
        os.replace(staging / name, target)
    _fsync(home)
    if not kept:
        aside.rmdir()
        return None
    return aside


def _catalog_last(name: str) -> bool:
    return name == "catalog.sqlite"
