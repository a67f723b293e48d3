"""Shared fixtures. The real model is built once per machine into the default model folder."""

from __future__ import annotations

import datetime as dt
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
    home = tmp_path_factory.mktemp("demo-home")
    ws = Workspace(
        Paths(home, model_dir), encoder_kind=EncoderKind.E5_SMALL, today=TODAY, progress=False
    )
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for ``pytest -n N --dist loadgroup`` (the test command): a module stays on one
    worker, so its module fixtures are built once; every module that uses the real-model
    demo park (`demo_workspace`) shares one worker, so the park is encoded once."""
    demo_modules = {
        item.module.__name__
        for item in items
        if isinstance(item, pytest.Function) and "demo_workspace" in item.fixturenames
    }
    for item in items:
        module = item.module.__name__ if isinstance(item, pytest.Function) else item.nodeid
        group = "demo_workspace" if module in demo_modules else module
        item.add_marker(pytest.mark.xdist_group(group))
