"""The demand desk's toolkit (政策工具箱) and challenges (揭榜挂帅) in the web console (issue 15),
in headless Debian Chromium, checked against the HTTP API.

Toolkit: a company sees which of the demo's 14 items apply to it, which do not and why (the
gaps and clauses the API gives), the park providers for a near miss and its declared facts;
it declares the one fact that stood in the way and the item moves to eligible, on the page
as in the API. Staff choose another organisation and see its match.

Challenges: staff see the list and the figures of GET /challenges/stats, filter by state,
open a challenge a company posted for review, see the suggested solvers (and consortium)
the API gives, publish it; another company applies on the page and its application shows;
staff then see it ranked. axe-core on every page, the pages at 390 px, screenshots in
``test-artifacts/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
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
    ready,
    running_server,
    screenshot,
    signed_in_page,
)

pytestmark = [needs_chromium, needs_axe]

COMPANY_ORG = "demo-nev-0019"  # declares facts and applies to the challenge
OWNER_ORG = "demo-nev-0001"  # posts the challenge
GROUPS = ("eligible", "nearly", "not_eligible", "unknown")
# A dictionary key shown as itself (a word missing in one language).
RAW_KEY = re.compile(
    r"\b(toolkit|challenges?|chstate|fact|op|tkind|leaf|level|award|conf|ipterms|ipdecl|crit"
    r"|evidence)\.[a-z_]+"
)
PROPOSAL = "采用双面银烧结与铜线键合的模块封装方案，已完成样品功率循环测试"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo park; `serve` loads the demo's challenges and toolkit on start."""
    home = tmp_path_factory.mktemp("console-toolkit-challenges")
    ws = Workspace(Paths(home, home / "models"), encoder_kind=EncoderKind.HASHING, progress=False)
    ws.load_demo()
    ws.load_demo_desk()
    ws.close()
    tokens = home / "tokens.toml"
    staff = add_token(tokens, "park-office", Role.STAFF)
    company = add_token(tokens, "lanyuan", Role.COMPANY, COMPANY_ORG)
    owner = add_token(tokens, "jingfan", Role.COMPANY, OWNER_ORG)
    with running_server(home) as base:
        yield {"base": base, "staff": staff, "company": company, "owner": owner}


def _call(site: dict[str, Any], method: str, path: str, who: str, body: Any = None) -> Any:
    res = httpx.request(
        method,
        f"{site['base']}{path}",
        headers={"Authorization": f"Bearer {site[who]}"},
        json=body,
        timeout=60,
    )
    assert res.is_success, res.text
    return res.json()


def _sign_in(browser: BrowserContext, site: dict[str, Any], who: str) -> Page:
    return signed_in_page(browser, site["base"], site[who], timeout_ms=60_000)


def _get(site: dict[str, Any], path: str, who: str = "staff") -> Any:
    return _call(site, "GET", path, who)


def _data(page: Page, selector: str, key: str) -> list[str]:
    found: list[str] = page.locator(selector).evaluate_all(f"ns => ns.map(n => n.dataset.{key})")
    return found


def _assert_match_shown(page: Page, match: dict[str, Any]) -> None:
    """Every group lists the API's items in its order, each with the API's reasons."""
    assert page.get_attribute("#match", "data-org") == match["org_id"]
    for group in GROUPS:
        ids = [r["id"] for r in match[group]]
        assert _data(page, f"#match-{group} li.item", "item") == ids, group
        for r in match[group]:
            item = f"#match-{group} li.item[data-item='{r['id']}']"
            fields = ([] if r["in_effect"] else ["effective"]) + [
                g["field"] for g in r.get("gaps", [])
            ]
            assert _data(page, f"{item} .reasons li", "field") == fields, r["id"]
            gaps = r.get("gaps", [])
            texts = page.locator(f"{item} .reasons li").all_text_contents()
            for gap, text in zip(gaps, texts[len(texts) - len(gaps) :], strict=True):
                assert gap["clause"] in text, (r["id"], gap, text)
            assert _data(page, f"{item} .providers li", "org") == [
                p["org_id"] for p in r.get("providers", [])
            ]
            trace = sum(len(v) for v in r["trace"].values())
            assert page.locator(f"{item} .trace li").count() == trace


def _in_english(page: Page, heading: str, expected: str) -> None:
    """Toggle to English: the page says ``expected`` in ``heading`` and shows no raw key;
    then back to Chinese (the browser is shared, the choice kept)."""
    page.click("#lang-toggle")
    page.wait_for_selector("html[lang=en]")
    ready(page, heading)
    assert page.text_content(heading) == expected
    text = page.inner_text("#main")
    assert not RAW_KEY.search(text), RAW_KEY.findall(text)
    page.click("#lang-toggle")
    page.wait_for_selector("html[lang=zh-CN]")
    ready(page, heading)


def _no_sideways_scroll(page: Page, what: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{what} scrolls sideways at 390 px ({width} px)"
    assert_accessible(page, f"{what} at 390 px")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_company_sees_which_items_apply_and_declares_the_missing_fact(
    site: dict[str, Any], browser: BrowserContext
) -> None:
    base = site["base"]
    items = _get(site, "/toolkit/items")["items"]
    assert len(items) == 14, "serve loads the demo's 14 toolkit items"
    page = _sign_in(browser, site, "company")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk/toolkit?org={OWNER_ORG}")  # a company sees its own only
    ready(page, "#match")
    assert _data(page, "#items tbody tr", "id") == [it["id"] for it in items]
    match = _get(site, f"/toolkit/match/{COMPANY_ORG}", "company")
    assert match["eligible"] and match["not_eligible"], "the demo company has both"
    _assert_match_shown(page, match)
    counts = page.text_content("#match-count") or ""
    for group in GROUPS:
        assert str(len(match[group])) in counts
    facts = _get(site, f"/toolkit/facts/{COMPANY_ORG}", "company")["facts"]
    shown = page.locator("#facts tbody tr").evaluate_all(
        "rs => rs.map(r => [r.dataset.field, r.cells[1].textContent, r.cells[3].textContent])"
    )
    assert {field: (value, source) for field, value, source in shown if field in facts} == {
        field: (f"{f['value']:g}" if isinstance(f["value"], float) else f["value"], f["source"])
        for field, f in facts.items()
    }
    assert page.input_value("#fact-tax") == f"{facts['tax']['value']:g}"
    assert_accessible(page, "toolkit (company)")
    screenshot(page, "console-toolkit")

    # The near miss: only last year's tax (39.2 万元 against ≥ 50) stands in the way.
    near = match["nearly"][0]
    assert (near["id"], [g["field"] for g in near["gaps"]]) == ("tk-points-loan", ["tax"])
    assert near["providers"], "the API names park providers for the gap"
    page.fill("#fact-tax", "60")
    page.fill("#facts-as-of", "2026-06-30")
    page.click("#facts-form button[type=submit]")
    page.wait_for_selector("#match-eligible li.item[data-item='tk-points-loan']")
    ready(page, "#toolkit-status.ok")
    stored = _get(site, f"/toolkit/facts/{COMPANY_ORG}", "company")["facts"]
    assert stored["tax"] == {"value": 60.0, "as_of": "2026-06-30", "source": "declared"}
    assert stored["revenue"] == facts["revenue"]  # only the changed fact was sent
    after = _get(site, f"/toolkit/match/{COMPANY_ORG}", "company")
    assert "tk-points-loan" in [r["id"] for r in after["eligible"]]
    _assert_match_shown(page, after)
    _no_sideways_scroll(page, "toolkit page")
    watch.check()
    page.close()

    # Staff choose an organisation and see its match.
    page = _sign_in(browser, site, "staff")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk/toolkit")
    ready(page, "#org-form")
    assert page.locator("#match").count() == 0
    page.fill("#org-id", OWNER_ORG)
    page.press("#org-id", "Enter")
    page.wait_for_selector(f"#match[data-org='{OWNER_ORG}']")
    _assert_match_shown(page, _get(site, f"/toolkit/match/{OWNER_ORG}"))
    assert_accessible(page, "toolkit (staff)")
    _in_english(page, "h1", "Policy toolkit")
    watch.check()
    page.close()


def _post_challenge(site: dict[str, Any]) -> str:
    """The owner's company posts a challenge and sends it to review (two parts: a
    consortium is suggested)."""
    today = dt.date.today()
    body = {
        "org_id": OWNER_ORG,
        "title": "车规级碳化硅功率模块封装可靠性提升",
        "problem": "800V电驱用碳化硅功率模块在功率循环中键合线脱落，需要新的封装与互连方案",
        "summary": "封装互连与可靠性验证",
        "indicators": [{"name": "功率循环寿命", "target": "≥2", "unit": "万次"}],
        "deliverable_level": "prototype",
        "amount_wan": 90,
        "deadline": (today + dt.timedelta(days=300)).isoformat(),
        "apply_by": (today + dt.timedelta(days=60)).isoformat(),
        "parts": ["银烧结互连工艺", "功率循环可靠性测试"],
        "submit": True,
    }
    doc = _call(site, "POST", "/challenges", "owner", body)
    assert doc["state"] == "in_review"
    challenge_id: str = doc["id"]
    return challenge_id


def test_staff_publish_see_solvers_and_a_company_applies(
    site: dict[str, Any], browser: BrowserContext
) -> None:
    base = site["base"]
    challenge_id = _post_challenge(site)
    listed = _get(site, "/challenges")
    assert listed["count"] == 7, "the demo's 6 challenges and the one just posted"

    # The list with the park's figures, then filtered by state.
    page = _sign_in(browser, site, "staff")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk/challenges")
    ready(page, "#challenges")
    assert _data(page, "#challenges tbody tr", "id") == [c["id"] for c in listed["challenges"]]
    stats = _get(site, "/challenges/stats")
    for figure in ("opened", "published", "matched", "signed"):
        assert page.text_content(f"#ch-kpi-{figure} .value") == str(stats[figure]), figure
    assert page.text_content("#ch-kpi-amount .value") == f"{stats['amount_signed_wan']:g} 万元"
    assert page.text_content("#ch-kpi-match-rate .value") == f"{stats['match_rate'] * 100:.1f}%"
    assert _data(page, "#ch-by-chain tbody tr", "chain") == list(stats["by"]["chain"])
    assert_accessible(page, "challenges list")
    screenshot(page, "console-challenges")
    _no_sideways_scroll(page, "challenges list")
    page.click(".chips button.chip[data-filter=state][data-value=in_review]")
    ready(page, ".chip[data-value=in_review][aria-pressed=true]")
    assert "state=in_review" in page.url
    in_review = _get(site, "/challenges?state=in_review")["challenges"]
    assert challenge_id in [c["id"] for c in in_review]
    assert _data(page, "#challenges tbody tr", "id") == [c["id"] for c in in_review]

    # The challenge: its log, the staff's moves, the suggested solvers as the API ranks them.
    page.click(f"#challenges a[href$='/{challenge_id}']")
    ready(page, "#solvers li.result")
    doc = _get(site, f"/challenges/{challenge_id}")
    assert _data(page, "#timeline li", "to") == [line["to"] for line in doc["log"]]
    assert _data(page, "#moves button", "move") == doc["allowed_moves"]["staff"]
    solvers = _get(site, f"/challenges/{challenge_id}/solvers?k=10")
    assert solvers["solvers"], "the engine suggests solvers"
    assert page.locator("#solvers li.result .result-name").all_text_contents() == [
        s["name"] for s in solvers["solvers"]
    ]
    first = page.locator("#solvers li.result").first.locator(".result-evidence li")
    assert first.all_text_contents() == solvers["solvers"][0]["reasons"]
    assert _data(page, "#consortium .consortium-parts li", "org") == [
        p["org_id"] for p in solvers["consortium"]["parts"]
    ]
    assert_accessible(page, "challenge in review (staff)")

    # Staff publish it (the owner submitted it, so the office's token may review it).
    page.click("#moves button[data-move=published]")
    page.fill("#move-note", "材料齐全，同意发布")
    page.click("#move-form button[type=submit]")
    page.wait_for_selector("#challenge[data-state=published]")
    doc = _get(site, f"/challenges/{challenge_id}")
    assert (doc["state"], doc["log"][-1]["actor"]) == ("published", "park-office")
    assert doc["log"][-1]["note"] == "材料齐全，同意发布"
    watch.check()
    page.close()

    # Another company applies on the page; its application shows.
    page = _sign_in(browser, site, "company")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk/challenges/{challenge_id}")
    ready(page, "#apply-form")
    assert page.locator("#moves, #solvers, #ranking").count() == 0  # not the owner's
    page.fill("#apply-proposal", PROPOSAL)
    page.select_option("#apply-ip", "joint")
    page.fill("#apply-budget", "85")
    page.fill("#apply-team", "封装工程师 2 名，可靠性工程师 1 名")
    page.click("#apply-form button[type=submit]")
    page.wait_for_selector(f"#applications li[data-org='{COMPANY_ORG}']")
    ready(page, "#challenge-status.ok")
    mine = _get(site, f"/challenges/{challenge_id}", "company")["application_list"]
    assert [(a["org_id"], a["budget_wan"], a["ip_declaration"], a["team"]) for a in mine] == [
        (COMPANY_ORG, 85.0, "joint", ["封装工程师 2 名", "可靠性工程师 1 名"])
    ]
    shown = page.text_content(f"#applications li[data-org='{COMPANY_ORG}']") or ""
    assert PROPOSAL in shown and "85 万元" in shown
    assert page.locator("#apply-form").count() == 0  # one application per organisation
    assert_accessible(page, "challenge after applying (company)")
    watch.check()
    page.close()

    # Staff see it ranked, and the applicant among the solvers the API now gives.
    page = _sign_in(browser, site, "staff")
    watch = PageWatch(page)
    page.goto(f"{base}/console/#/desk/challenges/{challenge_id}")
    ready(page, "#ranking")
    ranking = _get(site, f"/challenges/{challenge_id}/ranking")["ranking"]
    assert _data(page, "#ranking tbody tr", "org") == [r["org_id"] for r in ranking]
    assert [r["org_id"] for r in ranking] == [COMPANY_ORG]
    assert _data(page, "#applications li", "org") == [COMPANY_ORG]
    solvers = _get(site, f"/challenges/{challenge_id}/solvers?k=10")["solvers"]
    assert _data(page, "#solvers li.result", "org") == [s["org_id"] for s in solvers]
    assert_accessible(page, "published challenge (staff)")
    screenshot(page, "console-challenge")
    _in_english(page, "#solvers-card h2", "Suggested solvers")
    _no_sideways_scroll(page, "challenge page")
    watch.check()
    page.close()
