"""The real A-share data (../shared/data/ashare): loader and protocol invariants, and a
fast run of all three systems on a subset of dev queries with the hashing encoder.

Skipped, with the reason, where the data folder is absent (it is never in the repository).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.fake import FakeEncoder
from eval.ashare import AshareData, build_organisations, build_taxonomy, default_data_dir
from eval.ashare import load_ashare as _load
from eval.askset import build_ask_set
from eval.protocol import GoldTask, load_gold
from eval.runner import dev_gold, run_ashare
from eval.scorecard import scorecard_gold

DATA = default_data_dir()
pytestmark = [
    pytest.mark.data,
    pytest.mark.skipif(
        not (DATA / "companies.jsonl").is_file(),
        reason=f"A-share data not found in {DATA} (set CHAINMATCH_ASHARE to run these tests)",
    ),
]


@pytest.fixture(scope="module")
def data() -> AshareData:
    return _load(DATA)


def test_every_company_is_a_valid_organisation(data: AshareData) -> None:
    orgs = build_organisations(data)
    assert len(orgs) == 4689
    assert sum(len(o.products) for o in orgs) == 49013
    assert all(sum(p.share for p in o.products) <= 1.0 + 1e-6 for o in orgs)
    with_needs = [o for o in orgs if o.needs]
    assert len(with_needs) > 900  # needs are inputs of products, as far as they are known


def test_taxonomy_covers_shenwan(data: AshareData) -> None:
    tax = build_taxonomy(data)
    assert len(tax.chains) >= 28 and len(tax.segments) >= 200
    assert len(tax.edges) > 100  # learned from visible product → input links


def test_gold_never_holds_a_known_supplier(data: AshareData) -> None:
    """The README's promise that makes the filtered ranking fair."""
    qrels = load_gold(dev_gold(DATA)[GoldTask.SUPPLIER], GoldTask.SUPPLIER)
    assert len(qrels.evaluated_queries()) == 402
    for q in qrels.evaluated_queries():
        assert not qrels.relevant(q) & data.known_suppliers(q), q


def test_all_runs_on_a_subset_of_dev_queries(tmp_path: Path) -> None:
    result = run_ashare(FakeEncoder(dim=128), dev_gold(DATA), data_dir=DATA, max_queries=15)
    summary = result.summary()
    for task in ("supplier", "substitute"):
        assert set(summary[task]) == {"bm25", "embedding", "chainmatch"}
        assert all(m["queries"] == 15 for m in summary[task].values())
    # exact shared products: even with a hashing encoder the engine finds substitutes
    assert summary["substitute"]["chainmatch"]["mrr"] > summary["substitute"]["embedding"]["mrr"]


def test_ask_set_from_the_real_subclass_taxonomy(data: AshareData) -> None:
    asks = build_ask_set(data)
    assert len(asks.questions) == 359  # parent terms with 2–50 companies left in their gold
    for term in asks.qrels.evaluated_queries():
        gold = asks.qrels.relevant(term)
        assert 2 <= len(gold) <= 50 and not gold & asks.drop[term], term
        assert asks.questions[term] == term  # the term as it stands, no template


def test_competitor_gold_loads_with_the_substitute_protocol(data: AshareData) -> None:
    files = scorecard_gold(DATA)
    qrels = load_gold(files["competitor"], GoldTask.SUBSTITUTE)
    queries = qrels.evaluated_queries()
    assert len(queries) == 135
    assert sum(len(qrels.relevant(q)) for q in queries) == 198  # 99 pairs, both directions
    assert all(q in data.companies and qrels.relevant(q) <= data.companies.keys() for q in queries)
