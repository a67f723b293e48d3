"""``chainmatch serve`` hands the app explicit settings and never writes ``os.environ``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from embeddings.choice import EncoderKind
from service import serve
from service.cli import app


def _ours() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("CHAINMATCH_")}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No ``CHAINMATCH_*`` variable around before serving."""
    for name in _ours():
        monkeypatch.delenv(name)
    return _ours()


def test_one_worker_runs_the_app_built_on_the_command_line_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]
) -> None:
    seen: dict[str, Any] = {}

    def run(app: Any, **options: Any) -> None:
        seen.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    args = ["--home", str(tmp_path), "--encoder", "hashing", "serve", "--port", "8123"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    settings = seen["app"].state.settings
    assert (settings.home, settings.encoder) == (tmp_path, EncoderKind.HASHING)
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert _ours() == environ == {}


def test_several_workers_get_the_settings_in_their_own_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]
) -> None:
    started: list[tuple[str, list[str], dict[str, str]]] = []

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.append((path, argv, env))  # the real one replaces this process by uvicorn

    monkeypatch.setattr(serve.os, "execve", execve)
    args = ["--home", str(tmp_path), "--encoder", "hashing", "serve", "--workers", "2"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    [(path, argv, env)] = started
    assert argv[1:5] == ["-m", "uvicorn", serve.APP_FACTORY, "--factory"]
    assert argv[-2:] == ["--workers", "2"]
    assert env["CHAINMATCH_HOME"] == str(tmp_path)
    assert env["CHAINMATCH_ENCODER"] == "hashing"
    assert env["PATH"] == os.environ["PATH"]  # the rest of the environment is passed on
    assert _ours() == environ == {}  # built for uvicorn, not written here
