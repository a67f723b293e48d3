"""The CLI as a user runs it, with the model-free hashing encoder (fast, no model)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from catalog.store import CatalogStore
from service.cli import app

HEADER = "id,name,kind,park,chains,offers,needs,products,qualifications"


def good_row(i: int) -> str:
    return (
        f"t-{i:03d},测试企业{i},enterprise,滨江园区,ic:ic.design,"
        f"提供芯片设计服务{i} | SoC verification,需要晶圆代工产能{i},芯片=0.5,"
        "ISO 9001; CQC; 2028-01-01"
    )


Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("CHAINMATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CHAINMATCH_ENCODER", "hashing")
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_csv_with_three_bad_rows_is_rejected_and_nothing_is_written(
    run: Run, tmp_path: Path
) -> None:
    rows = [good_row(i) for i in range(20)]
    rows[3] = rows[3].replace(",enterprise,", ",company,")
    rows[9] = rows[9].replace("2028-01-01", "2028-13-01")
    rows[15] = rows[15].replace("芯片=0.5", "芯片=1.5")
    csv = tmp_path / "orgs.csv"
    csv.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")

    res = run("import", str(csv))
    assert res.exit_code == 2
    assert "3 invalid row(s), nothing was written" in res.stderr
    assert "row 5, field 'kind': expected one of enterprise, institute, service" in res.stderr
    assert "row 11, field 'qualifications'" in res.stderr and "'2028-13-01'" in res.stderr
    assert "row 17, field 'products'" in res.stderr and "'1.5'" in res.stderr
    assert "Traceback" not in res.stderr
    with CatalogStore(tmp_path / "home" / "catalog.sqlite") as store:
        assert store.count() == 0

    res = run("import", str(csv), "--skip-invalid")
    assert res.exit_code == 0
    assert "imported 17 organisation(s)" in res.stdout
    assert "skipped row 5, field 'kind'" in res.stderr


def test_export_import_round_trip_through_every_format(run: Run, tmp_path: Path) -> None:
    csv = tmp_path / "orgs.csv"
    csv.write_text("\n".join([HEADER, *(good_row(i) for i in range(5))]) + "\n", "utf-8")
    assert run("import", str(csv)).exit_code == 0
    for ext in ("json", "xlsx", "csv"):
        target = tmp_path / f"out.{ext}"
        assert (
            run("export", str(target)).stdout.strip() == f"exported 5 organisation(s) to {target}"
        )
        assert "imported 5" in run("import", str(target)).stdout
    body = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert [o["id"] for o in body["organisations"]] == [f"t-{i:03d}" for i in range(5)]


def test_query_verbs_print_json_with_parts_and_explanations(run: Run) -> None:
    assert run("demo", "--k", "3").exit_code == 0
    info = json.loads(run("info", "--json").stdout)
    assert info["counts"]["organisations"] >= 300 and info["encoder"] == "hashing"
    org = sorted(o for o in _demo_ids() if o.startswith("demo-nev"))[0]
    for args in (("partners", org), ("substitutes", org), ("ask", "需要失效分析服务")):
        res = run(*args, "--json", "--k", "5")
        assert res.exit_code == 0, res.stderr
        body = json.loads(res.stdout)
        assert len(body["results"]) == 5
        scores = [r["score"] for r in body["results"]]
        assert scores == sorted(scores, reverse=True)
        assert all(r["explanation"] and "semantic" in r["parts"] for r in body["results"])
    res = run("partners", org, "--json", "--kind", "institute")
    kinds = {r["org_id"].split("-")[1] for r in json.loads(res.stdout)["results"]}
    assert kinds  # institutes exist in several chains; every result must be an institute
    assert all(_kind(r["org_id"]) == "institute" for r in json.loads(res.stdout)["results"])


def test_errors_are_one_line_with_an_exit_code(run: Run) -> None:
    res = run("partners", "nobody")
    assert res.exit_code == 1 and "the catalog in" in res.stderr and "is empty" in res.stderr
    run("demo", "--k", "1")
    res = run("partners", "nobody")
    assert res.exit_code == 3
    assert res.stderr.strip() == "error: organisation 'nobody' not found"
    res = run("import", "nope.txt")
    assert res.exit_code == 2 and ".csv" in res.stderr


def test_every_command_has_help_text(run: Run) -> None:
    for cmd in (
        ["demo"],
        ["import"],
        ["export"],
        ["partners"],
        ["substitutes"],
        ["ask"],
        ["info"],
        ["index", "rebuild"],
    ):
        res = run(*cmd, "--help")
        assert res.exit_code == 0
        assert "Usage:" in res.stdout and len(res.stdout.split("Usage:")[1].strip()) > 40


def _demo_ids() -> list[str]:
    from catalog.demo import load_demo_organisations

    return [o.id for o in load_demo_organisations()]


def _kind(org_id: str) -> str:
    from catalog.demo import load_demo_organisations

    return next(o.kind.value for o in load_demo_organisations() if o.id == org_id)
