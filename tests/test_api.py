"""The HTTP API, end to end through the app factory (hashing encoder: no model needed)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def make_client(home: Path, **extra: object) -> TestClient:
    settings = Settings(home=home, encoder="hashing", token=TOKEN, **extra)  # type: ignore[arg-type]
    return TestClient(create_app(settings))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("api-home"), max_upload_bytes=20_000) as c:
        yield c


def test_health_reports_the_engine(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["organisations"] >= 357
    assert body["model_id"] == "hashing-bigrams-256" and body["dim"] == 256
    assert body["read_only"] is False


def test_partners_body_matches_the_engine(client: TestClient) -> None:
    r = client.post("/match/partners", json={"org_id": "demo-nev-0019", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == {
        "org_id": "demo-nev-0019",
        "name": "岚渊动力有限公司",
        "direction": "suppliers",
        "k": 5,
    }
    assert len(body["results"]) == 5
    scores = [m["score"] for m in body["results"]]
    assert scores == sorted(scores, reverse=True)
    top = body["results"][0]
    assert set(top["parts"]) >= {"semantic", "chain", "qualification", "region"}
    assert top["evidence"][0]["query"] == "寻找碳化硅MOSFET功率器件供应商，用于800V电驱"
    assert top["explanation"].startswith("需求「寻找碳化硅MOSFET")
    engine = client.app.state.holder.engine  # type: ignore[attr-defined]
    expected = [m.org_id for m in engine.find_partners("demo-nev-0019", k=5).matches]
    assert [m["org_id"] for m in body["results"]] == expected


def test_filters_and_statements_reach_the_engine(client: TestClient) -> None:
    r = client.post(
        "/match/partners",
        json={"org_id": "demo-nev-0019", "k": 5, "filters": {"kind": "institute"}},
    )
    ids = [m["org_id"] for m in r.json()["results"]]
    assert ids and all(i.startswith("demo-inst-") for i in ids)
    r = client.post(
        "/match/partners",
        json={"org_id": "demo-nev-0019", "k": 3, "statements": ["需要法律服务"]},
    )
    assert r.json()["results"][0]["evidence"][0]["query"] == "需要法律服务"
    r = client.post("/ask", json={"text": "失效分析", "k": 3, "filters": {"region": "滨江"}})
    assert all(m["explanation"] for m in r.json()["results"])


def test_validation_errors_name_the_field(client: TestClient) -> None:
    r = client.post("/match/partners", json={"org_id": "demo-nev-0019", "k": 0})
    assert r.status_code == 422
    body = r.json()
    assert body["errors"] == [
        {"field": "body.k", "message": "Input should be greater than or equal to 1", "row": None}
    ]
    assert body["detail"].startswith("invalid request: body.k")
    r = client.post("/match/partners", json={"org_id": "x", "direction": "sideways"})
    assert r.json()["errors"][0]["field"] == "body.direction"
    r = client.post("/ask", json={"text": "x", "surprise": 1})
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"body.text", "body.surprise"} <= fields


def test_unknown_ids_are_404_naming_the_id(client: TestClient) -> None:
    for method, url, payload in (
        ("post", "/match/partners", {"org_id": "no-such"}),
        ("post", "/match/substitutes", {"org_id": "no-such"}),
        ("get", "/orgs/no-such", None),
    ):
        r = client.request(method, url, json=payload)
        assert r.status_code == 404
        assert r.json() == {"detail": "organisation 'no-such' not found", "errors": []}


def test_contacts_need_the_token(client: TestClient) -> None:
    anon = client.get("/orgs/demo-nev-0019").json()
    assert anon["contacts"] == [] and anon["contacts_hidden"] is True
    owner = client.get("/orgs/demo-nev-0019", headers=AUTH).json()
    assert owner["contacts"][0]["email"].endswith("@example.com")
    assert owner["contacts_hidden"] is False
    wrong = client.get("/orgs/demo-nev-0019", headers={"Authorization": "Bearer nope"}).json()
    assert wrong["contacts"] == []


def test_list_paginates_and_filters(client: TestClient) -> None:
    page = client.get("/orgs", params={"limit": 5, "offset": 5, "kind": "institute"}).json()
    assert page["total"] >= 20 and len(page["items"]) == 5
    assert all(o["kind"] == "institute" for o in page["items"])
    ids = [o["id"] for o in page["items"]]
    assert ids == sorted(ids)


def test_write_lifecycle_updates_the_index(client: TestClient) -> None:
    new = {
        "id": "api-new-1",
        "name": "测试导热材料有限公司",
        "chains": [{"chain": "newmat", "segment": "newmat.thermal"}],
        "offers": ["zeolite molecular sieve powder for odour control"],
        "needs": ["寻找包装材料"],
    }
    assert client.post("/orgs", json=new).status_code == 401
    r = client.post("/orgs", json=new, headers=AUTH)
    assert r.status_code == 201 and r.json()["id"] == "api-new-1"
    assert client.post("/orgs", json=new, headers=AUTH).json() == {
        "detail": "organisation(s) already exist: api-new-1",
        "errors": [],
    }
    found = client.post("/ask", json={"text": "zeolite molecular sieve powder", "k": 3}).json()
    assert found["results"][0]["org_id"] == "api-new-1"
    r = client.put("/orgs/api-new-1", json={"name": "改名后的公司"}, headers=AUTH)
    assert r.json()["name"] == "改名后的公司" and r.json()["offers"] == new["offers"]
    r = client.put("/orgs/api-new-1", json={"id": "other"}, headers=AUTH)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.id"
    r = client.put("/orgs/api-new-1", json={"aliases": None}, headers=AUTH)  # found by fuzzing
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.aliases"
    assert client.delete("/orgs/api-new-1", headers=AUTH).status_code == 204
    assert client.get("/orgs/api-new-1").status_code == 404
    assert client.delete("/orgs/api-new-1", headers=AUTH).status_code == 404


def test_import_reports_rows_and_writes_nothing(client: TestClient) -> None:
    csv = (
        "id,name,kind,offers\n"
        "imp-1,导入一,enterprise,提供激光切割加工\n"
        "imp-2,导入二,company,提供钣金加工\n"
    )
    files = {"file": ("orgs.csv", io.BytesIO(csv.encode()), "text/csv")}
    r = client.post("/orgs/import", files=files, headers=AUTH)
    assert r.status_code == 422
    body = r.json()
    assert body["detail"].endswith("1 invalid row(s), nothing was written")
    assert body["errors"] == [
        {
            "field": "kind",
            "message": "expected one of enterprise, institute, service; got 'company'",
            "row": 3,
        }
    ]
    assert client.get("/orgs/imp-1").status_code == 404
    files = {"file": ("orgs.csv", io.BytesIO(csv.encode()), "text/csv")}
    r = client.post("/orgs/import", params={"skip_invalid": True}, files=files, headers=AUTH)
    assert r.json()["imported"] == 1 and r.json()["skipped_rows"] == [3]
    big = {"file": ("big.csv", io.BytesIO(b"x" * 30_000), "text/csv")}
    r = client.post("/orgs/import", files=big, headers=AUTH)
    assert r.status_code == 413 and "exceeds 20000" in r.json()["detail"]


def test_chains_and_map(client: TestClient) -> None:
    chains = client.get("/chains").json()
    assert {c["id"] for c in chains["chains"]} >= {"ic", "pv", "nev", "bio", "iot", "newmat"}
    cmap = client.get("/map", params={"chain": "nev", "per_org": 2}).json()
    ids = {n["id"] for n in cmap["nodes"]}
    assert ids and all(n["chain"] == "nev" for n in cmap["nodes"])
    assert cmap["edges"] and all(e["source"] in ids and e["target"] in ids for e in cmap["edges"])
    assert all(0 <= n["column"] <= 3 for n in cmap["nodes"])
    assert all(e["evidence"] and e["score"] > 0 for e in cmap["edges"])
    xml = client.get("/map.graphml", params={"chain": "nev", "per_org": 2})
    assert xml.headers["content-type"].startswith("application/graphml+xml")
    assert xml.text.count("<edge ") == len(cmap["edges"])
    bad = client.get("/map", params={"chain": "nope"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("unknown chain 'nope'")


def test_exploratory_matches_and_edges_say_what_they_rest_on(tmp_path: Path) -> None:
    with make_client(tmp_path) as c:
        engine = c.app.state.holder.engine  # type: ignore[attr-defined]
        assert engine.evidence.threshold is None  # hashing was never measured: gate off
        engine.evidence.threshold = 10.0  # no pair reaches it: nothing may be cited
        body = c.post("/match/partners", json={"org_id": "demo-nev-0019", "k": 3}).json()
        top = body["results"][0]
        assert (top["org_id"], top["exploratory"], top["evidence"]) == ("demo-ic-0034", True, [])
        # the demo park states needs, not products: no learned signal adds to its scores
        assert top["rests_on"] == ["chain_link", "weak_statements"]
        assert top["explanation"].startswith(
            "探索性 exploratory（无达到阈值的语句证据）：依据 较弱的语句相似 weak text "
            "similarity；产业链：集成电路/功率半导体 → 新能源汽车/电驱动系统（上游供应 "
            "upstream supplier）"
        )
        assert top["evidence_margin"] < 10.0
        assert all(r["exploratory"] and r["evidence"] == [] for r in body["results"])
        asked = c.post("/ask", json={"text": "失效分析", "k": 2}).json()["results"]
        assert [(r["exploratory"], r["rests_on"]) for r in asked] == [
            (True, ["weak_statements"]),
            (True, ["weak_statements"]),
        ]
        cmap = c.get("/map", params={"chain": "nev", "per_org": 1}).json()
        assert cmap["edges"] and all(e["exploratory"] for e in cmap["edges"])
        assert all(e["evidence"].startswith("探索性 exploratory：依据 ") for e in cmap["edges"])
        assert all(e["rests_on"][-1] == "weak_statements" for e in cmap["edges"])
        xml = c.get("/map.graphml", params={"chain": "nev", "per_org": 1}).text
        assert xml.count('<data key="exploratory">true</data>') == len(cmap["edges"])
        # at 0 the gate cites exactly the pairs with a margin from 0 up
        engine.evidence.threshold = 0.0
        body = c.post("/match/partners", json={"org_id": "demo-nev-0019", "k": 10}).json()
        for r in body["results"]:
            assert r["exploratory"] == (r["evidence_margin"] < 0.0), r["org_id"]
            assert r["exploratory"] == (r["evidence"] == [])
            assert all(e["margin"] >= 0.0 for e in r["evidence"])
        assert {r["exploratory"] for r in body["results"]} == {True, False}


def test_openapi_documents_every_route_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/health",
        "/orgs",
        "/orgs/{org_id}",
        "/orgs/import",
        "/match/partners",
        "/match/substitutes",
        "/ask",
        "/chains",
        "/map",
        "/map.graphml",
    ):
        assert path in paths, path
        for op in paths[path].values():
            assert op.get("description") or op.get("summary"), path
    schemas = spec["components"]["schemas"]
    for name in ("PartnersRequest", "SubstitutesRequest", "AskRequest", "OrgCreate"):
        assert schemas[name].get("examples"), name


def test_read_only_service_refuses_writes(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, encoder="hashing")  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        r = c.post("/orgs", json={"id": "a", "name": "b"}, headers=AUTH)
        assert r.status_code == 403
        assert r.json()["detail"].startswith("this service is read-only")
        assert c.get("/health").json()["read_only"] is True


def test_cors_is_closed_by_default(client: TestClient) -> None:
    r = client.options(
        "/ask",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_weak_tokens_are_rejected() -> None:
    with pytest.raises(ValueError, match="at least 16 characters"):
        Settings(token="changethis")  # type: ignore[arg-type]


def test_readers_never_see_a_half_written_index(client: TestClient) -> None:
    """Reads run while writes add and remove organisations: every answer stays whole."""
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            r = client.post("/match/partners", json={"org_id": "demo-ic-0029", "k": 5})
            body = r.json()
            if r.status_code != 200 or len(body["results"]) != 5:
                errors.append(json.dumps(body)[:200])

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(5):
        org = {"id": f"race-{i}", "name": f"并发{i}", "offers": ["凸块与晶圆级中道加工"]}
        assert client.post("/orgs", json=org, headers=AUTH).status_code == 201
        assert client.delete(f"/orgs/race-{i}", headers=AUTH).status_code == 204
    stop.set()
    for t in threads:
        t.join()
    assert errors == []


def test_requests_never_pay_for_fitting_the_chain_knowledge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.knowledge import ChainKnowledge

    fits: list[tuple[int, object]] = []  # (organisations fitted on, their encoder)
    real_fit = ChainKnowledge.fit.__func__  # type: ignore[attr-defined]

    def counted(cls: type[ChainKnowledge], *args: object, **kwargs: object) -> ChainKnowledge:
        fits.append((len(args[0]), args[2]))  # type: ignore[arg-type]
        return real_fit(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(ChainKnowledge, "fit", classmethod(counted))
    with make_client(tmp_path / "home") as c:
        holder = c.app.state.holder  # type: ignore[attr-defined]

        def ours() -> list[int]:  # other tests' services refit in their own background
            return [n for n, enc in fits if enc is holder.engine.encoder]

        assert len(ours()) == 1  # at start-up, in lifespan
        n = ours()[0]
        assert c.post("/match/partners", json={"org_id": "demo-nev-0019"}).status_code == 200
        assert c.get("/map").status_code == 200 and ours() == [n]
        new = {"id": "warm-1", "name": "预热测试公司", "needs": ["寻找包装材料"]}
        assert c.post("/orgs", json=new, headers=AUTH).status_code == 201
        assert ours() == [n]  # the write published a generation without a refit
        r = c.post("/match/partners", json={"org_id": "warm-1", "k": 3})
        assert len(r.json()["results"]) == 3 and ours() == [n]
        holder.refit_now()  # what the background thread does after 100 writes or 10 s
        assert ours() == [n, n + 1]
