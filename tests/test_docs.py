"""The README is part of the product: its set-up commands and command list stay true."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command

from service.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_second() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    assert commands[0].endswith("chainmatch demo")
    assert commands[1].endswith("python -m pytest -n 2")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci == commands[1]


def test_every_cli_command_is_documented() -> None:
    group = get_command(app)
    names = sorted(group.commands)  # type: ignore[attr-defined]
    assert {"demo", "partners", "substitutes", "ask", "import", "export", "info", "serve"} <= set(
        names
    )
    for name in names:
        assert f"chainmatch {name}" in README, f"README does not show 'chainmatch {name}'"
