"""What the browser tests share: the real app on a free loopback port, Debian chromium
through Playwright (the `browser` fixture lives in conftest.py), a watch on console errors
and on requests leaving 127.0.0.1, the axe-core accessibility check, and screenshots under
``test-artifacts/``.

A module starts its own server (one per module, its own CHAINMATCH_HOME) with
``running_server``; the browser is shared by the whole session.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from filelock import FileLock
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Route

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "service" / "web"
CHROMIUM = Path("/usr/bin/chromium")
ECHARTS = WEB / "node_modules" / "echarts" / "dist" / "echarts.min.js"
AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
STARTUP_S = 90.0
MODEL_STARTUP_S = 900.0  # the real model's first start encodes the demo park
SERIOUS = ("serious", "critical")

# Installed by the test command; a bare checkout skips, saying what to install.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
)
needs_echarts = pytest.mark.skipif(
    not ECHARTS.exists(), reason="ECharts is not installed: run 'npm --prefix service/web install'"
)
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: run 'npm --prefix service/web ci'"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], log: Path, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    pytest.fail(f"the server did not start in {limit_s:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_server(home: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """The real app (uvicorn, hashing encoder, demo park loaded on start) on 127.0.0.1,
    with ``home`` as CHAINMATCH_HOME; yields its base URL and stops it afterwards.
    ``CHAINMATCH_WEB_ENCODER=e5-small`` runs it on the real model instead, to time the
    pages as a park would see them (the first start then encodes the demo park)."""
    encoder = os.environ.get("CHAINMATCH_WEB_ENCODER", "hashing")
    full = {**os.environ, "CHAINMATCH_HOME": str(home), "CHAINMATCH_ENCODER": encoder}
    full.pop("CHAINMATCH_TOKEN", None)
    full.pop("CHAINMATCH_TOKENS", None)
    full.update(env or {})
    port = free_port()
    log = home / "server.log"
    cmd = [sys.executable, "-m", "uvicorn", "service.api.app:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    # uvicorn closes an idle keep-alive connection after 5 s; a test's next request may go out
    # on it just then (ECONNRESET), so idle connections are kept longer than any test pause
    cmd += ["--timeout-keep-alive", "300"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc, log, STARTUP_S if encoder == "hashing" else MODEL_STARTUP_S)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class PageWatch:
    """What went wrong while a page ran: console errors, uncaught errors, external requests.

    ``expected`` console errors (e.g. a 401 the page handles) can be listed by substring.
    """

    def __init__(self, page: Page, expected: tuple[str, ...] = ()) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        self._expected = expected
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.route("**/*", self._route)

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error" and not any(e in msg.text for e in self._expected):
            self.errors.append(f"console: {msg.text} at {msg.location}")

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.external == [], f"the page tried to reach the internet: {self.external}"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core (from npm, injected into the page) on the page as it is now: the serious
    and critical violations of WCAG 2.x A/AA rules, each with its rule id and targets."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in found if v["impact"] in SERIOUS]


def assert_accessible(page: Page, what: str) -> None:
    bad = axe_violations(page)
    assert bad == [], f"{what}: axe found serious/critical violations:\n" + json.dumps(
        bad, ensure_ascii=False, indent=1
    )


def signed_in_page(
    browser: BrowserContext, base: str, token: str, *, timeout_ms: float = 30_000
) -> Page:
    """A new page of a browser with no cookies, signed in with ``token`` (the session cookie
    ``POST /session`` sets, as the sign-in page does)."""
    browser.clear_cookies()
    page = browser.new_page()
    page.set_default_timeout(timeout_ms)
    res = page.request.post(f"{base}/session", data={"token": token})
    assert res.ok, res.text()
    return page


def ready(page: Page, selector: str = "") -> None:
    """Wait until the console's page has rendered (``#main[data-state=ready]``)."""
    page.wait_for_selector(f"#main[data-state=ready] {selector}".strip())


def screenshot(page: Page, name: str) -> Path:
    """Save the full page as ``test-artifacts/<name>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def record_timing(name: str, values: dict[str, float]) -> None:
    """Append measured browser timings to ``test-artifacts/timings.json`` (reported, not
    asserted: CI machines differ)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "timings.json"
    with FileLock(str(path) + ".lock"):  # parallel test workers write the same file
        doc: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        doc[name] = values
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
