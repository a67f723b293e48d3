"""Shared fixtures. The real model is built once per machine into the default model folder."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog.paths import Paths
from eval.home import home_paths
from service.workspace import EncoderKind, Workspace

TODAY = dt.date(2026, 11, 21)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """Where the rebuilt e5 model lives: shared with the user's, so it is built only once."""
    return home_paths().models


@pytest.fixture(scope="session")
def demo_workspace(
    tmp_path_factory: pytest.TempPathFactory, model_dir: Path
) -> Iterator[Workspace]:
    """The demo park with the real model, indexed once for all end-to-end tests."""
    base = tmp_path_factory.getbasetemp()
    # parallel test workers (pytest -n) share one home: the first to need the engine encodes
    # the park and saves the index, the others wait for it (Workspace.lock) and load it
    home = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo-home"
    ws = Workspace(
        Paths(home, model_dir), encoder_kind=EncoderKind.E5_SMALL, today=TODAY, progress=False
    )
    with ws.lock:
        ws.load_demo()
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian chromium (never a downloaded browser) with a fresh profile, shared by every
    browser test. CSP is bypassed only so the tests can inject axe-core."""
    from playwright.sync_api import sync_playwright

    from tests.web_support import CHROMIUM

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1440, "height": 900},
            accept_downloads=True,
            bypass_csp=True,
        )
        try:
            yield context
        finally:
            context.close()
