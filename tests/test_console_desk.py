"""The web console's demand desk (issue 15, flow 3) and import (flow 4) in headless Debian
Chromium, checked against the HTTP API: a company files a request; staff see it in the
queue (with the demo desk's overdue badges), accept it, assign it in one click from the
suggestions, resolve it; the company confirms with a rating and the request is closed.
The dashboard draws the API's figures. An import with a bad row shows the row and field
in a table and writes nothing; a good file is previewed, then confirmed. axe-core on every
page; screenshots in ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page

from catalog.actors import Role
from catalog.paths import Paths
from service.tokens import add_token
from service.workspace import EncoderKind, Workspace
from tests.web_support import (
    PageWatch,
    assert_accessible,
    needs_axe,
    needs_chromium,
    needs_echarts,
    ready,
    running_server,
    screenshot,
    signed_in_page,
)

pytestmark = [needs_chromium, needs_axe, needs_echarts]

COMPANY_ORG = "demo-nev-0019"
TEXT = "需要车规级碳化硅MOSFET样品与可靠性数据，用于800V电驱"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("console-desk")
    ws = Workspace(Paths(home, home / "models"), encoder_kind=EncoderKind.HASHING, progress=False)
    ws.load_demo()
    ws.load_demo_desk()  # 42 fictional requests: closed, open, overdue …
    ws.close()
    staff = add_token(home / "tokens.toml", "park-office", Role.STAFF)
    company = add_token(home / "tokens.toml", "lanyuan", Role.COMPANY, COMPANY_ORG)
    with running_server(home) as base:
        yield {"base": base, "staff": staff, "company": company}


def _sign_in(browser: BrowserContext, site: dict[str, Any], who: str) -> Page:
    return signed_in_page(browser, site["base"], site[who], timeout_ms=30_000)


def _get(site: dict[str, Any], path: str, who: str = "staff") -> Any:
    res = httpx.get(
        f"{site['base']}{path}", headers={"Authorization": f"Bearer {site[who]}"}, timeout=30
    )
    res.raise_for_status()
    return res.json()


def test_file_triage_assign_resolve_confirm(site: dict[str, Any], browser: BrowserContext) -> None:
    base = site["base"]
    # The company files its request.
    page = _sign_in(browser, site, "company")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk")
    ready(page, "#file-form")
    assert page.input_value("#file-org") == COMPANY_ORG  # a company files for itself
    assert_accessible(page, "desk queue (company)")
    page.select_option("#file-kind", "supply")
    page.fill("#file-text", TEXT)
    page.click("#file-form button[type=submit]")
    page.wait_for_selector("#request[data-state=new]")
    request_id = page.get_attribute("#request", "data-id")
    assert request_id
    doc = _get(site, f"/desk/requests/{request_id}")
    assert (doc["org_id"], doc["text"], doc["kind"]) == (COMPANY_ORG, TEXT, "supply")
    watch.check()
    page.close()

    # Staff: the queue shows it, and the demo desk's overdue requests with their badge.
    page = _sign_in(browser, site, "staff")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk")
    ready(page, "#queue")
    queue = _get(site, "/desk/requests")["requests"]
    rows = page.locator("#queue tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.id)") == [r["id"] for r in queue]
    overdue = [r["id"] for r in queue if r["overdue"]]
    assert overdue, "the demo desk has overdue requests"
    assert page.locator("#queue tbody tr[data-overdue=true] .badge.overdue").count() == len(overdue)
    assert_accessible(page, "desk queue (staff)")
    screenshot(page, "console-desk")
    page.click(".chips button.chip[data-filter=overdue]")
    ready(page, "#queue")
    assert page.locator("#queue tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)") == (
        overdue
    )
    assert "overdue=1" in page.url

    # The request page: timeline, clocks; one-click assignment from the suggestions.
    page.goto(f"{base}/console/#/desk/r/{request_id}")
    ready(page, "#handlers, #suggestions-card p")
    assert page.locator("#timeline li").evaluate_all("ls => ls.map(l => l.dataset.action)") == [
        line["action"] for line in _get(site, f"/desk/requests/{request_id}")["log"]
    ]
    suggested = _get(site, f"/desk/requests/{request_id}/suggestions?k=5")
    assert page.locator("#solvers li.result .result-name").all_text_contents() == [
        r["name"] for r in suggested["results"]
    ]
    assert_accessible(page, "request page")
    handler = suggested["handlers"][0]["handler"]
    page.click(f"#handlers button[data-handler='{handler}']")
    page.wait_for_selector("#request[data-state=assigned]")
    doc = _get(site, f"/desk/requests/{request_id}")
    assert (doc["state"], doc["handler"]) == ("assigned", handler)
    assert [line["to"] for line in doc["log"]] == ["new", "accepted", "assigned"]

    # Resolve with a note and the solver.
    solver = suggested["results"][0]["org_id"]
    page.click("#moves button[data-move=resolved]")
    page.fill("#move-note", "已对接两家碳化硅器件供应商")
    page.fill("#move-solver", solver)
    page.click("#move-form button[type=submit]")
    page.wait_for_selector("#request[data-state=resolved]")
    assert _get(site, f"/desk/requests/{request_id}")["solver"] == solver
    watch.check()
    page.close()

    # The company confirms with a rating: closed, and the timeline says so.
    page = _sign_in(browser, site, "company")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk/r/{request_id}")
    ready(page, "#confirm-form")
    page.select_option("#confirm-rating", "4")
    page.fill("#confirm-note", "满意")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#request[data-state=closed]")
    doc = _get(site, f"/desk/requests/{request_id}", "company")
    assert (doc["state"], doc["rating"]) == ("closed", 4)
    assert page.locator("#timeline li").count() == len(doc["log"])
    screenshot(page, "console-request")
    watch.check()
    page.close()


def test_dashboard_draws_the_api_figures(site: dict[str, Any], browser: BrowserContext) -> None:
    page = _sign_in(browser, site, "staff")
    watch = PageWatch(page)
    page.goto(f"{site['base']}/console/#/desk/stats")
    ready(page, "#chart-handler[data-rendered=true]")
    ready(page, "#chart-department[data-rendered=true]")
    stats = _get(site, "/desk/stats")
    assert page.text_content("#kpi-closure .value") == f"{stats['closure_rate'] * 100:.1f}%"
    assert page.text_content("#kpi-ontime .value") == f"{stats['on_time_rate'] * 100:.1f}%"
    names = {c["id"]: c["name"] for c in _get(site, "/chains")["chains"]} | {"none": "未归入产业链"}
    for dim in ("period", "week", "chain", "department", "handler"):
        assert page.get_attribute(f"#chart-{dim}", "data-groups") == str(len(stats["by"][dim]))
        shown = page.locator(f"#table-{dim} tbody tr").evaluate_all(
            "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
        )
        expected = [
            [names.get(g, g) if dim == "chain" else g, str(v["requests"])]
            for g, v in stats["by"][dim].items()
        ]
        assert [row[:2] for row in shown] == expected, dim  # chains by name, not id
    weeks = [
        row[4]
        for row in page.locator("#table-week tbody tr").evaluate_all(
            "rs => rs.map(r => [...r.cells].map(c => c.textContent))"
        )
    ]
    assert weeks == [
        "—" if v["median_hours_to_close"] is None else f"{v['median_hours_to_close']:.1f}"
        for v in stats["by"]["week"].values()
    ]
    assert_accessible(page, "desk dashboard")
    screenshot(page, "console-dashboard")
    watch.check()
    page.close()


def test_import_with_a_bad_row_writes_nothing(
    site: dict[str, Any], browser: BrowserContext, tmp_path: Path
) -> None:
    bad = tmp_path / "park.csv"
    bad.write_text(
        "id,name,kind\nweb-new-1,网页导入一,enterprise\nweb-new-2,网页导入二,company\n",
        encoding="utf-8",
    )
    before = _get(site, "/health")["organisations"]
    page = _sign_in(browser, site, "staff")
    watch = PageWatch(page, expected=("422 (Unprocessable",))
    page.goto(f"{site['base']}/console/#/import")
    ready(page, "#import-form")
    assert_accessible(page, "import page")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-check")
    page.wait_for_selector("#import-status[data-outcome=invalid]")
    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").all_text_contents()[:2] == ["3", "kind"]
    assert "nothing was written" in (page.text_content("#import-status") or "")
    assert page.locator("#import-confirm").count() == 0
    assert _get(site, "/health")["organisations"] == before
    assert httpx.get(f"{site['base']}/orgs/web-new-1", timeout=10).status_code == 404
    assert_accessible(page, "import errors")
    screenshot(page, "console-import-errors")

    # Skipping the bad row: the preview lists what would be written, then confirm.
    page.check("#import-skip")
    page.click("#import-check")
    page.wait_for_selector("#import-status[data-outcome=checked]")
    assert page.locator("#import-preview tbody tr").evaluate_all(
        "rs => rs.map(r => r.dataset.id)"
    ) == ["web-new-1"]
    assert _get(site, "/health")["organisations"] == before  # still nothing written
    page.click("#import-confirm")
    page.wait_for_selector("#import-status[data-outcome=imported]")
    assert _get(site, "/health")["organisations"] == before + 1
    assert _get(site, "/orgs/web-new-1")["name"] == "网页导入一"
    watch.check()
    page.close()
