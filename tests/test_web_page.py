"""The cooperation map page (合作机会图谱) end to end, in headless Chromium.

Starts the real app (uvicorn, hashing encoder, a fresh CHAINMATCH_HOME with the demo park) on
a free loopback port, drives Debian's /usr/bin/chromium through Playwright (never a
downloaded browser), clicks an organisation on the graph with the mouse, and checks the side
panel against the HTTP API. Every request the page makes to anything but 127.0.0.1 is
blocked and reported: the page must work with no internet. The last screenshot is saved to
``test-artifacts/map.png``.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext

from tests.web_support import (
    ARTIFACTS,
    WEB,
    PageWatch,
    assert_accessible,
    needs_axe,
    needs_chromium,
    needs_echarts,
    running_server,
)

CHAIN = "nev"  # the chain the test switches to (the page opens on the first chain)
K = 10  # results per list, as the page asks for them
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
EDGE_IN = "#ea580c"  # app.js: colour of a selected organisation's supplier edges


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on 127.0.0.1: hashing encoder, demo park loaded on start, read-only."""
    with running_server(tmp_path_factory.mktemp("web-home")) as base:
        yield base


def _post(base: str, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    res = httpx.post(f"{base}{path}", json=body, timeout=30.0)
    res.raise_for_status()
    results: list[dict[str, Any]] = res.json()["results"]
    return results


def _busiest_buyer(cmap: dict[str, Any]) -> str:
    """A buyer on the map with the most edges either way: drawn as one of the biggest nodes."""
    degree = Counter(str(e[end]) for e in cmap["edges"] for end in ("source", "target"))
    buyers = {str(e["target"]) for e in cmap["edges"]}
    assert buyers, "the map has no edges"
    return min(buyers, key=lambda org: (-degree[org], org))


def _png(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    assert data[:8] == PNG_MAGIC, "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@needs_chromium
@needs_echarts
@needs_axe
def test_map_page_click_partners_substitutes_export(server: str, browser: BrowserContext) -> None:
    page = browser.new_page()
    watch = PageWatch(page)
    page.set_default_timeout(30_000)
    page.goto(f"{server}/")

    # The page opens on the first chain of the taxonomy, filters filled from the API.
    chains = httpx.get(f"{server}/chains").json()["chains"]
    page.wait_for_selector("body[data-map-state=ready]")
    assert page.get_attribute("#map", "data-chain") == chains[0]["id"]
    options = page.locator("#chain-select option").all_text_contents()
    assert any(chains[0]["name"] in o and chains[0]["name_en"] in o for o in options)
    assert page.locator("#region-select option").count() > 1  # parks seen on the map
    kinds = page.locator("#kind-select option").evaluate_all("os => os.map(o => o.value)")
    assert kinds == ["", "enterprise", "institute", "service"]

    # Switch chain; the map redraws with exactly the API's organisations.
    page.select_option("#chain-select", CHAIN)
    page.wait_for_selector(f"#map[data-chain={CHAIN}][data-state=ready][data-rendered=true]")
    assert_accessible(page, "the map page")  # axe-core: no serious or critical violation
    cmap = httpx.get(f"{server}/map", params={"chain": CHAIN}, timeout=30.0).json()
    assert page.get_attribute("#map", "data-nodes") == str(len(cmap["nodes"]))
    assert page.get_attribute("#map", "data-edges") == str(len(cmap["edges"]))
    exploratory = sum(1 for e in cmap["edges"] if e["exploratory"])
    assert page.get_attribute("#map", "data-exploratory") == str(exploratory)
    dashed = page.evaluate(
        """() => window.chainmatch.chart.getOption().series[0].links
            .filter(l => l.lineStyle.type === "dashed").length"""
    )
    assert dashed == exploratory  # an edge without statement evidence is drawn dashed

    org = _busiest_buyer(cmap)
    partners = _post(server, "/match/partners", {"org_id": org, "direction": "suppliers", "k": K})
    substitutes = _post(server, "/match/substitutes", {"org_id": org, "k": K})
    assert partners and substitutes

    # A real mouse click on the node, at the pixel ECharts draws it.
    xy = page.evaluate("id => window.chainmatch.nodePosition(id)", org)
    box = page.locator("#map").bounding_box()
    assert xy is not None and box is not None, f"{org} is not drawn"
    page.mouse.click(box["x"] + float(xy[0]), box["y"] + float(xy[1]))
    page.wait_for_selector(f"#panel[data-org='{org}'][data-state=ready]")
    assert_accessible(page, "the map page with an organisation's panel")

    # Partners and substitutes: the API's names, scores and explanations, in order.
    plist = page.locator("#partners-list li.result")
    assert plist.locator(".result-name").all_text_contents() == [r["name"] for r in partners]
    assert plist.locator(".result-explanation").all_text_contents() == [
        r["explanation"] for r in partners
    ]
    assert plist.locator(".result-score").all_text_contents() == [
        f"{r['score']:.3f}" for r in partners
    ]
    assert plist.evaluate_all("ls => ls.map(l => l.dataset.exploratory)") == [
        str(r["exploratory"]).lower() for r in partners
    ]
    assert plist.locator(".badge.exploratory").count() == sum(r["exploratory"] for r in partners)
    shown_parts = plist.locator(".result-parts").evaluate_all(
        "ps => ps.map(p => p.querySelectorAll('.part').length)"
    )
    assert shown_parts == [len(r["parts"]) for r in partners]  # every score part is listed
    slist = page.locator("#substitutes-list li.result")
    assert slist.locator(".result-name").all_text_contents() == [r["name"] for r in substitutes]
    assert slist.locator(".result-explanation").all_text_contents() == [
        r["explanation"] for r in substitutes
    ]
    name = next(n["name"] for n in cmap["nodes"] if n["id"] == org)
    assert page.text_content("#org-name") == name

    # The organisation's supplier edges are highlighted on the map.
    highlighted = page.evaluate(
        """([id, colour]) => window.chainmatch.chart.getOption().series[0].links
            .filter(l => l.target === id && l.lineStyle.color === colour).length""",
        [org, EDGE_IN],
    )
    assert highlighted == sum(1 for e in cmap["edges"] if e["target"] == org)

    # The customers toggle asks the API again, in the other direction.
    customers = _post(server, "/match/partners", {"org_id": org, "direction": "customers", "k": K})
    page.click("#direction button[data-direction=customers]")  # sets the panel to loading
    page.wait_for_selector(f"#panel[data-org='{org}'][data-state=ready]")
    assert plist.locator(".result-name").all_text_contents() == [r["name"] for r in customers]
    page.click("#direction button[data-direction=suppliers]")
    page.wait_for_selector(f"#panel[data-org='{org}'][data-state=ready]")

    # Export PNG: the button downloads a PNG, made from the chart's data URL.
    with page.expect_download() as download:
        page.click("#export-png")
    assert download.value.suggested_filename == f"chainmatch-map-{CHAIN}.png"
    width, height = _png(download.value.path().read_bytes())
    assert width > 800 and height > 500
    url = page.evaluate("() => window.chainmatch.exportPng()")
    assert isinstance(url, str) and url.startswith("data:image/png;base64,")
    assert _png(base64.b64decode(url.split(",", 1)[1])) == (width, height)

    page.wait_for_selector("#map[data-rendered=true]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "map.png")

    watch.check()
    page.close()


@needs_chromium
@needs_echarts
def test_page_says_how_to_install_echarts_when_missing(
    server: str, browser: BrowserContext
) -> None:
    page = browser.new_page()
    PageWatch(page)
    page.route(
        "**/vendor/echarts.min.js",
        lambda route: route.fulfill(status=404, content_type="application/json", body="{}"),
    )
    page.goto(f"{server}/")
    page.wait_for_selector("body[data-map-state=error]", timeout=15_000)
    message = page.text_content("#map .fatal") or ""
    assert "npm --prefix service/web install" in message
    page.close()


def test_page_never_writes_data_as_html() -> None:
    """Organisation names, evidence and explanations are data: textContent only."""
    script = (WEB / "static" / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", script)
    html = (WEB / "index.html").read_text(encoding="utf-8")
    assert 'src="/vendor/echarts.min.js"' in html  # served locally, never from a CDN
    assert not re.search(r"(src|href)=\"https?://", html)
