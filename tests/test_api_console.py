"""What the web console needs from the API (issue 15): a cookie session over the existing
tokens (POST/GET/DELETE /session, accepted by every dependency like the bearer header), the
region list for its filter chips, and an import dry run that answers like the real import
and writes nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from catalog.actors import Role
from service.api.app import create_app
from service.api.deps import SESSION_COOKIE
from service.settings import Settings
from service.tokens import add_token

STAFF = "console-staff-token-0123456789"
COMPANY_ORG = "demo-nev-0019"


@pytest.fixture(scope="module")
def app_and_company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    home = tmp_path_factory.mktemp("console-api")
    company = add_token(home / "tokens.toml", "lanyuan", Role.COMPANY, COMPANY_ORG)
    settings = Settings(home=home, encoder="hashing", token=STAFF)  # type: ignore[arg-type]
    app = create_app(settings)
    with TestClient(app):  # run the lifespan once: the demo park is loaded
        yield app, company


def fresh(app: Any) -> TestClient:
    return TestClient(app)


def test_sign_in_sets_an_httponly_strict_cookie_that_acts_like_the_token(
    app_and_company: tuple[Any, str],
) -> None:
    app, company = app_and_company
    with fresh(app) as c:
        assert c.get("/session").json()["detail"] == "a valid bearer token is required"
        r = c.post("/session", json={"token": company})
        assert r.json() == {"name": "lanyuan", "role": "company", "org": COMPANY_ORG}
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http on loopback keeps working
        assert c.get("/session").json() == r.json()
        # The cookie carries the company's rights: its own contacts, not another's writes.
        assert c.get(f"/orgs/{COMPANY_ORG}").json()["contacts"]
        assert c.get("/orgs/demo-nev-0020").json()["contacts"] == []
        denied = c.put("/orgs/demo-nev-0020", json={"needs": ["x" * 5]})
        assert denied.status_code == 403
        assert denied.json()["detail"] == (
            "'lanyuan' (company token for demo-nev-0019) may write organisation "
            "demo-nev-0019 only, not demo-nev-0020"
        )
        out = c.delete("/session")
        assert out.status_code == 204
        assert f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
        assert c.get("/session").status_code == 401
        assert c.get(f"/orgs/{COMPANY_ORG}").json()["contacts"] == []


def test_a_wrong_token_sets_no_cookie_and_a_header_beats_the_cookie(
    app_and_company: tuple[Any, str],
) -> None:
    app, company = app_and_company
    with fresh(app) as c:
        r = c.post("/session", json={"token": "cm_" + "x" * 40})
        assert r.status_code == 401
        assert r.json()["detail"] == "token: matches no configured token"
        assert "set-cookie" not in r.headers
        short = c.post("/session", json={"token": "short"})
        assert short.status_code == 422 and short.json()["errors"][0]["field"] == "body.token"
        c.post("/session", json={"token": company})
        staff = c.get("/session", headers={"Authorization": f"Bearer {STAFF}"}).json()
        assert staff == {"name": "default", "role": "staff", "org": None}


def test_regions_count_organisations_per_park(app_and_company: tuple[Any, str]) -> None:
    app, _ = app_and_company
    with fresh(app) as c:
        regions = c.get("/orgs/regions").json()
        total = c.get("/health").json()["organisations"]
        assert sum(r["organisations"] for r in regions) == total
        counts = [r["organisations"] for r in regions]
        assert counts == sorted(counts, reverse=True)
        first = regions[0]
        listed = c.get("/orgs", params={"park": first["park"], "limit": 1}).json()["total"]
        assert listed == first["organisations"]


def _import(c: TestClient, data: bytes, **params: str) -> Response:
    files = {"file": ("park.csv", io.BytesIO(data), "text/csv")}
    auth = {"Authorization": f"Bearer {STAFF}"}
    return c.post("/orgs/import", files=files, params=params, headers=auth)


def test_import_dry_run_answers_like_the_import_and_writes_nothing(
    app_and_company: tuple[Any, str],
) -> None:
    app, _ = app_and_company
    good = "id,name,kind\nnew-1,新机构一,enterprise\ndemo-nev-0019,岚渊改名,enterprise\n"
    bad = good + "new-2,新机构二,company\n"
    with fresh(app) as c:
        before = c.get("/health").json()["organisations"]
        audit = len(c.get("/audit", headers={"Authorization": f"Bearer {STAFF}"}).json()["entries"])
        r = _import(c, bad.encode(), dry_run="true")
        assert r.status_code == 422
        assert r.json()["detail"] == "park.csv: 1 invalid row(s), nothing was written"
        assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(4, "kind")]
        conflict = _import(c, good.encode(), dry_run="true")
        assert conflict.status_code == 409
        assert conflict.json()["errors"] == [
            {"field": "id", "message": "'demo-nev-0019' already exists", "row": 3}
        ]
        body = _import(c, bad.encode(), dry_run="true", skip_invalid="true", on_conflict="skip")
        assert body.json()["dry_run"] is True
        assert (body.json()["created"], body.json()["skipped"], body.json()["skipped_rows"]) == (
            1,
            1,
            [4],
        )
        assert body.json()["preview"] == [
            {"row": 2, "id": "new-1", "name": "新机构一", "action": "create"},
            {"row": 3, "id": "demo-nev-0019", "name": "岚渊改名", "action": "skip"},
        ]
        assert c.get("/health").json()["organisations"] == before
        assert c.get("/orgs/new-1").status_code == 404
        assert c.get(f"/orgs/{COMPANY_ORG}").json()["name"] != "岚渊改名"
        after = c.get("/audit", headers={"Authorization": f"Bearer {STAFF}"}).json()["entries"]
        assert len(after) == audit
        real = _import(c, bad.encode(), skip_invalid="true", on_conflict="skip").json()
        assert real["dry_run"] is False
        assert real["preview"] == body.json()["preview"]
        assert c.get("/orgs/new-1").json()["name"] == "新机构一"
