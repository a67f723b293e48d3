"""Shared fixtures. The real model is built once per machine into the default model folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.paths import Paths
from eval.home import home_paths
from service.workspace import EncoderKind, Workspace

TODAY = dt.date(2026, 11, 21)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """Where the rebuilt e5 model lives: shared with the user's, so it is built only once."""
    return home_paths().models


@pytest.fixture(scope="session")
def demo_workspace(
    tmp_path_factory: pytest.TempPathFactory, model_dir: Path
) -> Iterator[Workspace]:
    """The demo park with the real model, indexed once for all end-to-end tests."""
    home = tmp_path_factory.mktemp("demo-home")
    ws = Workspace(
        Paths(home, model_dir), encoder_kind=EncoderKind.E5_SMALL, today=TODAY, progress=False
    )
    ws.load_demo()
    yield ws
    ws.close()
