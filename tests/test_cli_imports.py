"""``chainmatch --help`` and every ``chainmatch <command> --help`` load no heavy library.

A behaviour test, not a timing test: each check runs in a fresh interpreter and reads its
``sys.modules`` afterwards. The libraries load inside the commands that use them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "pandas",
    "ortools",
    "torch",
    "transformers",
    "sentence_transformers",
    "openvino",
    "faiss",
    "openpyxl",
    "matplotlib",
    "bm25s",
    "jieba",
)
_REPORT = f"""
import json as _json, sys as _sys
print(_json.dumps(sorted(m for m in {HEAVY!r} if m in _sys.modules)))
"""


def _heavy_after(code: str, tmp_path: Path) -> tuple[list[str], str]:
    """The heavy modules loaded once ``code`` has run, and what it printed before."""
    env = {"CHAINMATCH_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-c", code + _REPORT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    *printed, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(printed)


def test_importing_the_cli(tmp_path: Path) -> None:
    loaded, _ = _heavy_after("import service.cli", tmp_path)
    assert loaded == []


def test_python_m_service_help(tmp_path: Path) -> None:
    code = """
import runpy, sys
sys.argv = ["chainmatch", "--help"]
try:
    runpy.run_module("service", run_name="__main__")
except SystemExit as exc:
    assert exc.code == 0, exc.code
"""
    loaded, printed = _heavy_after(code, tmp_path)
    assert "partners" in printed and "event" in printed
    assert loaded == []


@pytest.mark.parametrize("encoder", ["e5-small", "hashing"])
def test_every_command_help(tmp_path: Path, encoder: str) -> None:
    code = f"""
from typer.main import get_command
from typer.testing import CliRunner
from service.cli import app

def paths(cmd, path):
    yield path
    for name, sub in sorted(getattr(cmd, "commands", {{}}).items()):
        yield from paths(sub, [*path, name])

runner = CliRunner()
for path in paths(get_command(app), ["--encoder", "{encoder}"]):
    res = runner.invoke(app, [*path, "--help"])
    assert res.exit_code == 0 and "Usage" in res.stdout, (path, res.output)
    print(" ".join(path[2:]) or "(root)")
"""
    loaded, printed = _heavy_after(code, tmp_path)
    helped = printed.splitlines()
    assert {"(root)", "demo", "serve", "index rebuild", "eval ashare", "event plan"} <= set(helped)
    assert loaded == []
