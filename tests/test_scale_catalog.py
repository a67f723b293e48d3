"""The scale catalog generator: deterministic, varied, in the demo park's proportions."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from catalog.demo import demo_document
from catalog.importer import read_organisations
from eval.ashare import default_data_dir
from eval.make_scale import main as make_scale
from eval.scale_catalog import ScaleSources, iter_organisations, scale_label, write_catalog
from service.cli import app

N = 3000


@pytest.fixture(scope="module")
def demo_only() -> ScaleSources:
    return ScaleSources.load(use_ashare=False)


@pytest.fixture(scope="module")
def catalog(demo_only: ScaleSources) -> list[dict[str, Any]]:
    return list(iter_organisations(demo_only, N, seed=11))


def _share(
    recs: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], str]
) -> dict[str, float]:
    counts = Counter(key(r) for r in recs)
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()}


def test_same_seed_same_catalog_other_seed_another(demo_only: ScaleSources) -> None:
    a = list(iter_organisations(demo_only, 50, seed=1))
    assert a == list(iter_organisations(demo_only, 50, seed=1))
    b = list(iter_organisations(demo_only, 50, seed=2))
    assert [r["offers"] for r in a] != [r["offers"] for r in b]
    # any slice is the same slice of the whole: chunks can be generated on their own
    assert list(iter_organisations(demo_only, 50, seed=1, start=30)) == a[30:]


def test_proportions_follow_the_demo_park(catalog: list[dict[str, Any]]) -> None:
    park = demo_document()["organisations"]
    keys: dict[str, Callable[[dict[str, Any]], str]] = {
        "kind": lambda r: r["kind"],
        "chain": lambda r: r["chains"][0]["chain"],
        "park": lambda r: r["region"]["park"],
    }
    for name, key in keys.items():
        want, got = _share(park, key), _share(catalog, key)
        assert set(got) <= set(want), name
        for k, share in want.items():
            assert got.get(k, 0.0) == pytest.approx(share, abs=0.03), (name, k)
    for field in ("offers", "needs", "products", "qualifications"):
        want_mean = sum(len(r[field]) for r in park) / len(park)
        got_mean = sum(len(r[field]) for r in catalog) / len(catalog)
        assert got_mean == pytest.approx(want_mean, rel=0.06), field


def test_no_two_organisations_are_identical_and_texts_vary(
    catalog: list[dict[str, Any]],
) -> None:
    ids = [r["id"] for r in catalog]
    assert len(set(ids)) == N
    bodies = {json.dumps([r["name"], r["offers"], r["needs"]], ensure_ascii=False) for r in catalog}
    assert len(bodies) == N
    demo_texts = {t for r in demo_document()["organisations"] for t in r["offers"] + r["needs"]}
    texts = [t for r in catalog for t in r["offers"] + r["needs"]]
    assert len(set(texts)) > 0.3 * len(texts)  # reworded, not copied
    assert sum(t in demo_texts for t in texts) < 0.1 * len(texts)


def test_write_catalog_streams_an_importable_file(demo_only: ScaleSources, tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    write_catalog(out, 40, seed=5, src=demo_only)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["description"] == scale_label(40, 5)
    read = read_organisations(out)
    assert not read.errors
    orgs = read.organisations
    assert [o.id for o in orgs] == [r["id"] for r in iter_organisations(demo_only, 40, seed=5)]
    assert [p.name for p in tmp_path.iterdir()] == ["scale.json"]


def test_without_ashare_data_it_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        src = ScaleSources.load(tmp_path / "missing")
    assert not src.with_ashare
    assert f"no A-share data at {tmp_path / 'missing'}: demo phrases only" in caplog.text


@pytest.mark.skipif(
    not (default_data_dir() / "company_products.jsonl").is_file(),
    reason="A-share data not present (../shared/data/ashare)",
)
def test_ashare_products_widen_the_vocabulary(demo_only: ScaleSources) -> None:
    src = ScaleSources.load()
    recs = list(iter_organisations(src, 1000, seed=3))
    ashare = {p.name for ps in src.ashare.values() for p in ps}
    carrying = [r for r in recs if any(p["name"] in ashare for p in r["products"])]
    firms = [r for r in recs if r["kind"] == "enterprise" and r["chains"][0]["chain"] in src.ashare]
    assert 0.2 * len(firms) < len(carrying) < 0.5 * len(firms)
    plain = list(iter_organisations(demo_only, 1000, seed=3))
    assert [r["kind"] for r in recs] == [r["kind"] for r in plain]  # same templates


def test_make_scale_cli_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert make_scale(["--orgs", "25", "--seed", "4", "--out", str(out), "--no-ashare"]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["organisations"]) == 25
    assert make_scale(["--orgs", "0", "--out", str(out)]) == 2


def test_chainmatch_demo_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINMATCH_ENCODER", "hashing")
    runner = CliRunner()
    res = runner.invoke(app, ["demo", "--scale", "300", "--seed", "2", "--k", "2"])
    assert res.exit_code == 0, res.output
    assert "300 organisations" in res.stdout
    assert "找合作 Suppliers for" in res.stdout and "一问即答 Ask" in res.stdout
    res = runner.invoke(app, ["info", "--json"])
    assert json.loads(res.stdout)["catalog"] == scale_label(300, 2)
    res = runner.invoke(app, ["demo", "--scale", "300", "--seed", "9"])
    assert res.exit_code == 4
    assert "already holds 300 organisations" in res.stderr
