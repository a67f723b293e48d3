"""``chainmatch serve`` as the soak benchmark runs it (`eval.bench_soak`): started on a free
loopback port over a home, its CPU time and memory read from /proc across its processes
(uvicorn's supervisor and its workers), its log kept in a file and scanned for errors.

`prepare_home` builds a home's demo park and index first in one process (``chainmatch
demo``), so a run's start is not the first index build (minutes on the real model); workers
starting together on a fresh home take turns on it (``Workspace.lock``) and are correct, only
slower to start.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from eval.bench_service import _free_port
from eval.home import home_paths

__all__ = ["SOAK_ACTOR", "Server", "prepare_home"]

ROOT = Path(__file__).resolve().parents[1]
SOAK_ACTOR = "default"  # the audit log's name for the single staff token CHAINMATCH_TOKEN
START_TIMEOUT_S = 900.0  # the real model's first index of a fresh home takes minutes


def _env(token: str, encoder: str) -> dict[str, str]:
    """This environment, the server's settings, and this checkout first on the path (the
    server runs the code the benchmark was started from)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "CHAINMATCH_TOKEN": token,
        "CHAINMATCH_MODELS": str(home_paths().models),
        "CHAINMATCH_ENCODER": encoder,
    }


def prepare_home(home: Path, encoder: str, token: str, *, logs: Path) -> None:
    """The demo park and its index in ``home``, built by one process (its log in ``logs``)."""
    with open(logs / f"{home.name}-prepare.log", "wb") as log:
        cmd = [sys.executable, "-m", "service", "--home", str(home), "demo"]
        done = subprocess.run(cmd, env=_env(token, encoder), stdout=log, stderr=log, check=False)
    if done.returncode:
        raise SystemExit(f"chainmatch demo failed ({done.returncode}): see {log.name}")


class Server:
    """A running ``chainmatch serve`` (a context manager: stopped on exit)."""

    def __init__(self, home: Path, *, workers: int, encoder: str, token: str, logs: Path) -> None:
        self.home, self.workers = home, workers
        self.base = f"http://127.0.0.1:{_free_port()}"
        self.log = logs / f"{home.name}-serve-{workers}w.log"
        port = self.base.rsplit(":", 1)[1]
        cmd = [sys.executable, "-m", "service", "--home", str(home), "serve", "--port", port]
        cmd += ["--workers", str(workers)]
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                cmd, env=_env(token, encoder), stdout=subprocess.DEVNULL, stderr=out
            )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {self._tail()}")
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"server not ready in {START_TIMEOUT_S:.0f} s: {self._tail()}")

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    # -------------------------------------------------------------- measures
    def pids(self) -> list[int]:
        """The server's process and its descendants (uvicorn's workers)."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo += children.get(pid, [])
        return out

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server's processes so far (None: no /proc)."""
        tick = os.sysconf("SC_CLK_TCK")
        total, seen = 0.0, False
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
            seen = True
        return total if seen else None

    def memory_mb(self) -> float | None:
        """Proportional set size of the server's processes (shared pages split between
        them, so the sum is what the server holds), MB; None without /proc."""
        total_kb, seen = 0, False
        for pid in self.pids():
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
                    seen = True
        return round(total_kb / 1024, 1) if seen else None

    def log_errors(self) -> list[str]:
        """The lines of the server's log that report an error or a traceback."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [ln for ln in lines if ln.startswith(("ERROR", "Traceback"))]

    def quiesce(self, timeout_s: float = 60.0) -> float:
        """Wait until the server's processes use under a tenth of a core (requests the
        client gave up on may still run there); returns the seconds waited."""
        start = time.monotonic()
        last = self.cpu_seconds()
        while last is not None and time.monotonic() - start < timeout_s:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now is None or now - last < 0.025:
                break
            last = now
        return time.monotonic() - start
