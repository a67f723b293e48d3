"""The A-share loader, the benchmark protocol, the runner, the report and the CLI, on a tiny
hand-made data folder in the README's format (the real data is tested in
``test_eval_ashare_data.py``)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from catalog.errors import InvalidInputError
from catalog.models import Organisation
from embeddings.fake import FakeEncoder
from eval.ashare import (
    build_organisations,
    build_product_graph,
    build_taxonomy,
    load_ashare,
    need_text,
)
from eval.fit_weights import Record, link_halves
from eval.metrics import Metric, Qrels
from eval.protocol import GoldTask, gold_groups, load_gold, make_run, query_exclusions
from eval.report import BenchResult, RunResult, group_rows, write_report
from eval.runner import run_ashare

INDUSTRIES = [
    {"code": "100000", "name": "化工", "parent": None},
    {"code": "100100", "name": "化学原料", "parent": "100000"},
    {"code": "100101", "name": "氮肥", "parent": "100100"},
    {"code": "100102", "name": "煤化工", "parent": "100100"},
    {"code": "200000", "name": "农业", "parent": None},
    {"code": "200100", "name": "种植", "parent": "200000"},
    {"code": "200101", "name": "粮食种植", "parent": "200100"},
]
COMPANIES = [  # code, name, L3
    ("000001", "甲化肥", "100101"),
    ("000002", "乙化肥", "100101"),
    ("000003", "丙煤化", "100102"),
    ("000004", "丁煤化", "100102"),
    ("000005", "戊农业", "200101"),
    ("000006", "己无行业", None),
]
PRODUCTS = [  # code, product, weight
    ("000001", "尿素", 0.7),
    ("000001", "复合肥", 0.6),  # shares add up to 1.3: scaled to 1
    ("000002", "复合肥", 0.9),
    ("000003", "液氨", 0.5),
    ("000003", "焦炭", 0.4),
    ("000004", "液氨", 0.8),
    ("000005", "玉米", 1.0),
    ("000006", "煤", 0.5),
]
INPUTS = [("尿素", "液氨"), ("复合肥", "尿素"), ("玉米", "复合肥"), ("复合肥", "煤")]
SUBCLASSES = [("化肥", "尿素"), ("化肥", "复合肥")]


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "ashare"
    d.mkdir()
    by_code = {i["code"]: i for i in INDUSTRIES}
    comps = []
    for code, name, l3 in COMPANIES:
        row: dict[str, Any] = {"code": code, "name": name, "fullname": f"{name}股份有限公司"}
        if l3:
            l2 = by_code[l3]["parent"]
            l1 = by_code[l2]["parent"]
            row |= {"sw_l3": by_code[l3]["name"], "sw_l2": by_code[l2]["name"]}
            row |= {"sw_l1": by_code[l1]["name"], "sw_l3_code": l3}
        comps.append(row)
    _write(d / "companies.jsonl", comps)
    _write(
        d / "company_products.jsonl",
        [{"code": c, "product": p, "weight": w} for c, p, w in PRODUCTS],
    )
    _write(d / "product_inputs.jsonl", [{"product": p, "input": x} for p, x in INPUTS])
    _write(d / "product_subclasses.jsonl", [{"parent": p, "child": c} for p, c in SUBCLASSES])
    _write(d / "industries.jsonl", INDUSTRIES)
    # 000005 (玉米) buys 复合肥 visibly (known: 000001, 000002); hidden gold: 尿素 → 000001
    hidden = {"query_product": "玉米", "supplier_product": "尿素"}
    _write(d / "gold_supplier_dev.jsonl", [{"query": "000005", "supplier": "000001", **hidden}])
    _write(
        d / "gold_substitute_dev.jsonl",
        [{"query": "000003", "substitute": "000004"}, {"query": "000001", "substitute": "000002"}],
    )
    return d


def test_companies_become_validated_organisations(data_dir: Path) -> None:
    data = load_ashare(data_dir)
    orgs = {o.id: o for o in build_organisations(data)}
    assert len(orgs) == 6 and all(isinstance(o, Organisation) for o in orgs.values())
    a = orgs["000001"]
    assert a.name == "甲化肥" and a.aliases == ("甲化肥股份有限公司",)
    assert [p.name for p in a.products] == ["尿素", "复合肥"]
    assert sum(p.share for p in a.products) == pytest.approx(1.0)  # 1.3 scaled to 1
    assert a.products[0].share == pytest.approx(0.7 / 1.3)
    # needs: inputs of its products; a one-character input still makes a valid statement
    assert a.needs == ("液氨", "尿素", need_text("煤"))
    assert need_text("煤") == "煤（原料）"
    assert a.chains[0].chain == "sw100000" and a.chains[0].segment == "sw100101"
    assert orgs["000006"].chains == ()


def test_taxonomy_has_shenwan_chains_and_learned_supply_edges(data_dir: Path) -> None:
    tax = build_taxonomy(load_ashare(data_dir))
    assert set(tax.chains) == {"sw100000", "sw200000"}
    assert tax.segment("sw100101").name == "氮肥"
    assert tax.chains["sw100000"].segments == ("sw100101", "sw100102")
    # 液氨 (煤化工) → 尿素 (氮肥); 复合肥 (氮肥) → 玉米 (粮食种植)
    assert ("sw100102", "sw100101") in tax.edges
    assert ("sw100101", "sw200101") in tax.edges
    assert tax.relation("sw100102", "sw100101").value == "supplies"


def test_product_graph_holds_links_and_families(data_dir: Path) -> None:
    graph = build_product_graph(load_ashare(data_dir))
    assert graph.inputs["复合肥"] == ("尿素", "煤")
    assert graph.families["尿素"] == frozenset({"复合肥", "化肥"})


def test_known_suppliers_are_makers_of_visible_inputs(data_dir: Path) -> None:
    data = load_ashare(data_dir)
    assert data.known_suppliers("000005") == {"000001", "000002"}
    assert query_exclusions(data, GoldTask.SUPPLIER, "000005") == {"000005", "000001", "000002"}
    assert query_exclusions(data, GoldTask.SUBSTITUTE, "000005") == {"000005"}


class _Fixed:
    name = "fixed"

    def rank(self, task: GoldTask, query: str, k: int) -> list[tuple[str, float]]:
        return [("000001", 0.9), ("000005", 0.8), ("000002", 0.7), ("000003", 0.1)][:k]


def test_filtered_ranking_drops_known_suppliers_after_ranking(data_dir: Path) -> None:
    data = load_ashare(data_dir)
    run = make_run(_Fixed(), GoldTask.SUPPLIER, ["000005"], data, depth=10)
    assert run.ranking("000005") == ["000003"]  # self and both known suppliers removed
    sub = make_run(_Fixed(), GoldTask.SUBSTITUTE, ["000002"], data, depth=2)
    assert sub.ranking("000002") == ["000001", "000005"]  # unfiltered, only self removed


def test_gold_files_are_read_and_checked(data_dir: Path, tmp_path: Path) -> None:
    qrels = load_gold(data_dir / "gold_substitute_dev.jsonl", GoldTask.SUBSTITUTE)
    assert isinstance(qrels, Qrels) and qrels.relevant("000003") == {"000004"}
    with pytest.raises(InvalidInputError, match="expected fields 'query' and 'supplier'"):
        load_gold(data_dir / "gold_substitute_dev.jsonl", GoldTask.SUPPLIER)
    with pytest.raises(InvalidInputError, match="not found"):
        load_gold(tmp_path / "nope.jsonl", GoldTask.SUPPLIER)
    with pytest.raises(InvalidInputError, match="A-share data not found"):
        load_ashare(tmp_path)


def test_all_runs_in_one_process_and_the_report(data_dir: Path, tmp_path: Path) -> None:
    gold = {t: data_dir / f"gold_{t.value}_dev.jsonl" for t in GoldTask}
    result = run_ashare(FakeEncoder(dim=64), gold, data_dir=data_dir)
    summary = result.summary()
    assert set(summary) == {"supplier", "substitute"}
    for task in summary.values():
        assert set(task) == {"bm25", "embedding", "chainmatch"}
        for metrics in task.values():
            assert set(metrics) == {"recall@10", "recall@50", "ndcg@10", "mrr", "queries"}
    assert summary["substitute"]["chainmatch"]["mrr"] == 1.0  # 液氨 ↔ 液氨, 复合肥 ↔ 复合肥
    written = write_report(result, tmp_path / "report")
    names = {p.name for p in written}
    assert {"report.md", "report.json", "metrics_supplier.png", "recall_substitute.png"} <= names
    doc = json.loads((tmp_path / "report" / "report.json").read_text("utf-8"))
    assert len(doc["recall_curve"]["supplier"]["bm25"]) == 100
    assert doc["per_query"]["substitute"]["chainmatch"][0]["query_id"] == "000001"


def test_cli_eval_json_and_gold_option(data_dir: Path, tmp_path: Path) -> None:
    from service.cli import app

    env = {"CHAINMATCH_HOME": str(tmp_path / "home"), "CHAINMATCH_ENCODER": "hashing"}
    runner = CliRunner()
    res = runner.invoke(
        app, ["eval", "ashare", "--data", str(data_dir), "--json", "--out", str(tmp_path / "r")],
        env=env,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(doc) == {"supplier", "substitute"} and doc["supplier"]["bm25"]["queries"] == 1
    assert (tmp_path / "r" / "report.md").is_file()
    gold = data_dir / "gold_substitute_dev.jsonl"
    res = runner.invoke(
        app,
        [
            "eval",
            "ashare",
            "--data",
            str(data_dir),
            "--gold",
            str(gold),
            "--task",
            "substitute",
            "--json",
            "--runs",
            "bm25",
            "--out",
            str(tmp_path / "r2"),
        ],  # fmt: skip
        env=env,
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout.strip().splitlines()[-1])
    assert list(doc) == ["substitute"] and list(doc["substitute"]) == ["bm25"]
    assert list(doc["substitute"]["bm25"]) == [
        "recall@10",
        "recall@50",
        "ndcg@10",
        "mrr",
        "queries",
    ]
    bad = runner.invoke(
        app, ["eval", "ashare", "--data", str(data_dir), "--split", "test"], env=env
    )
    assert bad.exit_code == 2 and "has no gold files" in bad.output


def test_a_row_missing_a_field_is_named_by_file_and_line(data_dir: Path) -> None:
    path = data_dir / "product_inputs.jsonl"
    lines = path.read_text("utf-8").splitlines()
    lines.insert(1, json.dumps({"product": "尿素"}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(
        InvalidInputError, match=r"product_inputs\.jsonl:2: expected fields 'product' and 'input'"
    ):
        load_ashare(data_dir)


def test_link_halves_split_the_gold_by_hidden_link_not_by_query() -> None:
    def pair(q: str, s: str, qp: str, sp: str) -> dict[str, str]:
        return {"query": q, "supplier": s, "query_product": qp, "supplier_product": sp}

    glass, steel = ("汽车", "玻璃"), ("汽车", "冷轧板")
    half = {x: zlib.crc32("→".join(x).encode()) % 2 for x in (glass, steel)}
    assert half[glass] != half[steel]  # the two links of this example fall apart
    pairs = [
        pair("car1", "g1", *glass),
        pair("car1", "s1", *steel),
        pair("car2", "g1", *glass),
        pair("car2", "g2", *glass),
    ]
    parts = {"semantic": np.zeros(4)}
    recs = [
        Record("car1", ["g1", "s1", "x", "k"], parts, {"g1", "s1"}, {"k"}),
        Record("car2", ["g1", "g2", "s1", "x"], parts, {"g1", "g2"}, set()),
    ]
    halves = link_halves(recs, pairs)
    with_glass, with_steel = halves[half[glass]], halves[half[steel]]
    # one link, every query that has it: both cars sit in the glass half
    assert [(r.query, r.gold, r.drop) for r in with_glass] == [
        ("car1", {"g1"}, {"k", "s1"}),  # the steel supplier is neither gold nor error here
        ("car2", {"g1", "g2"}, set()),
    ]
    assert [(r.query, r.gold, r.drop) for r in with_steel] == [("car1", {"s1"}, {"k", "g1"})]


def test_gold_groups_and_the_breakdown_by_hidden_link(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"query": "a", "supplier": "s1", "query_product": "电力", "supplier_product": "用电"},
        {"query": "b", "supplier": "s1", "query_product": "电力", "supplier_product": "用电"},
        {"query": "c", "supplier": "s2", "query_product": "水泥", "supplier_product": "电石"},
        {"query": "c", "supplier": "s3"},  # says nothing of its link: no group
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    groups = gold_groups(gold, GoldTask.SUPPLIER)
    assert groups == {"电力 → 用电": {"a", "b"}, "水泥 → 电石": {"c"}}

    def run(name: str, recall: dict[str, float]) -> RunResult:
        per = [Metric(q, "recall@10", v) for q, v in recall.items()]
        r10 = sum(recall.values()) / len(recall)
        macro = {"recall@10": r10, "recall@50": r10, "ndcg@10": 0.0, "mrr": 0.0}
        return RunResult(name, "supplier", macro, len(recall), 0.0, [0.0] * 100, per)

    result = BenchResult("t", groups={"supplier": groups})
    result.add(run("x", {"a": 1.0, "b": 0.0, "c": 0.5}))  # macro 0.5: a+b give 1.0 of 1.5
    result.add(run("y", {"a": 0.0, "b": 0.0, "c": 0.0}))
    assert group_rows(result, "supplier") == [
        {
            "group": "电力 → 用电",
            "queries": 2,
            "x": {"recall@10": 0.5, "share_of_recall": 0.6667},
            "y": {"recall@10": 0.0, "share_of_recall": 0.0},
        },
        {
            "group": "水泥 → 电石",
            "queries": 1,
            "x": {"recall@10": 0.5, "share_of_recall": 0.3333},
            "y": {"recall@10": 0.0, "share_of_recall": 0.0},
        },
    ]
    write_report(result, tmp_path / "r")
    md = (tmp_path / "r" / "report.md").read_text("utf-8")
    assert "2 distinct sources of gold pairs for 3 queries" in md
    assert "| 电力 → 用电 | 2 | 0.500 (67%) | 0.000 (0%) |" in md


def test_cli_eval_table_names_where_the_gold_comes_from(data_dir: Path, tmp_path: Path) -> None:
    from service.cli import app

    env = {"CHAINMATCH_HOME": str(tmp_path / "home"), "CHAINMATCH_ENCODER": "hashing"}
    args = ["eval", "ashare", "--data", str(data_dir), "--runs", "bm25", "--out", str(tmp_path)]
    res = CliRunner().invoke(app, args, env=env)
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())  # rich wraps at the terminal's width
    assert (
        "supplier: gold from 1 sources; the largest, 玉米 → 尿素, is the gold of 1 of 1 queries"
        in text
    )
    assert "substitute: gold from" not in text  # its gold file names no shared_product


def _competitors(data_dir: Path) -> None:
    rows = [("000001", "000002"), ("000002", "000001"), ("000003", "000004")]
    _write(
        data_dir / "gold_competitor_dev.jsonl",
        [{"query": q, "substitute": s, "source": "FinRE", "date": None} for q, s in rows],
    )


def test_scorecard_runs_every_set_in_one_process(data_dir: Path, tmp_path: Path) -> None:
    from eval.scorecard import SETS, run_scorecard

    _competitors(data_dir)
    result = run_scorecard(FakeEncoder(dim=64), data_dir=data_dir)
    summary = result.summary()
    assert list(summary) == list(SETS)
    for name in ("supplier", "supplier_by_link", "substitute", "competitor"):
        assert set(summary[name]) == {"bm25", "embedding", "chainmatch"}
    assert set(summary["ask"]) == {"bm25", "embedding", "embedding_max", "chainmatch"}
    assert summary["supplier_by_link"]["bm25"]["queries"] == 1  # one hidden link: 玉米 → 尿素
    assert summary["competitor"]["bm25"]["queries"] == 3
    assert summary["ask"]["chainmatch"]["queries"] == 1  # 化肥: makers of 尿素 and 复合肥
    # the catalog is encoded once: one engine build, shared by every set
    assert sum(k.startswith("chainmatch build") for k in result.timings) == 1
    write_report(result, tmp_path / "r")
    md = (tmp_path / "r" / "report.md").read_text("utf-8")
    assert "supplier_by_link" in md and "embedding_max" in md
    assert (tmp_path / "r" / "recall_ask.png").is_file()


def test_cli_eval_scorecard_json(data_dir: Path, tmp_path: Path) -> None:
    from service.cli import app

    _competitors(data_dir)
    env = {"CHAINMATCH_HOME": str(tmp_path / "home"), "CHAINMATCH_ENCODER": "hashing"}
    args = ["eval", "scorecard", "--data", str(data_dir), "--json", "--max-queries", "1"]
    res = CliRunner().invoke(app, args, env=env)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(doc) == {"supplier", "supplier_by_link", "substitute", "competitor", "ask"}
    assert doc["competitor"]["chainmatch"]["queries"] == 1
    assert set(doc["ask"]["bm25"]) == {"recall@10", "recall@50", "ndcg@10", "mrr", "queries"}
    reports = list((tmp_path / "home" / "reports").iterdir())
    assert len(reports) == 1 and (reports[0] / "report.json").is_file()
    (data_dir / "gold_competitor_dev.jsonl").unlink()
    res = CliRunner().invoke(app, ["eval", "scorecard", "--data", str(data_dir)], env=env)
    assert res.exit_code == 2 and "gold_competitor_dev.jsonl" in res.output
