"""Golden tests of the scorecard's new sets: find-supplier macro over hidden links, and the
ask-by-product-class set built from the subclass taxonomy, on tiny inline data with
hand-computed answers."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from eval.ashare import AshareData
from eval.askset import build_ask_set, make_ask_run
from eval.linkscore import evaluate_by_link, link_gold, score_by_link
from eval.metrics import Metric, Qrels, Run, evaluate

HUB, GLASS = ("电力", "用电"), ("汽车", "玻璃")


def _pair(q: str, s: str, link: tuple[str, str]) -> dict[str, str]:
    return {"query": q, "supplier": s, "query_product": link[0], "supplier_product": link[1]}


# q1 buys from s1 through the hub link and from g1 through the glass link; q2 and q3 have
# the hub link only (q3 with two suppliers through it).
PAIRS = [
    _pair("q1", "s1", HUB),
    _pair("q1", "g1", GLASS),
    _pair("q2", "s1", HUB),
    _pair("q3", "s1", HUB),
    _pair("q3", "s2", HUB),
]
RUN = Run.from_rankings({"q1": ["g1", "x", "s1"], "q2": ["x", "y", "s1"], "q3": ["s2", "x", "s1"]})


def test_link_gold_groups_pairs_by_hidden_link() -> None:
    links, gold = link_gold([*PAIRS, {"query": "q2", "supplier": "z"}])  # no link named
    assert links == {
        "电力 → 用电": {"q1": {"s1"}, "q2": {"s1"}, "q3": {"s1", "s2"}},
        "汽车 → 玻璃": {"q1": {"g1"}},
    }
    assert gold == {"q1": {"s1", "g1"}, "q2": {"s1", "z"}, "q3": {"s1", "s2"}}
    assert link_gold(PAIRS, queries={"q2"})[0] == {"电力 → 用电": {"q2": {"s1"}}}


def test_each_link_weighs_one_whatever_its_number_of_queries() -> None:
    values, per_link = evaluate_by_link(PAIRS, RUN, ["mrr", "ndcg@10", "recall@1", "recall@10"])
    # hub link: q1 sees [x, s1] (g1, its glass supplier, dropped) → s1 at rank 2;
    #           q2 [x, y, s1] → rank 3; q3 [s2, x, s1] → ranks 1 and 3 of its two suppliers
    hub_mrr = (1 / 2 + 1 / 3 + 1) / 3
    hub_ndcg = (1 / math.log2(3) + 1 / 2 + (1 + 1 / 2) / (1 + 1 / math.log2(3))) / 3
    hub_r1 = (0 + 0 + 1 / 2) / 3
    # glass link: q1 sees [g1, x] (s1 dropped) → rank 1 on every measure
    assert per_link == [
        Metric("汽车 → 玻璃", "mrr", 1.0),
        Metric("汽车 → 玻璃", "ndcg@10", 1.0),
        Metric("汽车 → 玻璃", "recall@1", 1.0),
        Metric("汽车 → 玻璃", "recall@10", 1.0),
        Metric("电力 → 用电", "mrr", pytest.approx(hub_mrr)),  # type: ignore[arg-type]
        Metric("电力 → 用电", "ndcg@10", pytest.approx(hub_ndcg)),  # type: ignore[arg-type]
        Metric("电力 → 用电", "recall@1", pytest.approx(hub_r1)),  # type: ignore[arg-type]
        Metric("电力 → 用电", "recall@10", 1.0),
    ]
    assert values["mrr"] == pytest.approx((hub_mrr + 1) / 2) == pytest.approx(29 / 36)
    assert values["ndcg@10"] == pytest.approx((hub_ndcg + 1) / 2)
    assert values["ndcg@10"] == pytest.approx(0.841776, abs=1e-6)
    assert values["recall@1"] == pytest.approx((1 / 6 + 1) / 2)
    # macro over queries weighs the hub link three times: a different number
    by_query = evaluate(Qrels.from_pairs((p["query"], p["supplier"]) for p in PAIRS), RUN, ["mrr"])
    assert by_query["mrr"] == pytest.approx((1 + 1 / 3 + 1) / 3)


def test_score_by_link_counts_links_and_reports_per_link() -> None:
    r = score_by_link(PAIRS, RUN, "supplier_by_link", ["s1", "s2", "g1", "x", "y", "z"])
    assert r.queries == 2 and r.task == "supplier_by_link"
    assert r.metrics["mrr"] == pytest.approx(29 / 36)
    assert set(r.metrics) == {"recall@10", "recall@50", "ndcg@10", "mrr"}
    assert r.recall_curve[0] == pytest.approx(7 / 12) and r.recall_curve[-1] == 1.0
    assert {m.query_id for m in r.per_query} == {"电力 → 用电", "汽车 → 玻璃"}
    with pytest.raises(ValueError, match="names its link"):
        evaluate_by_link([{"query": "q1", "supplier": "s1"}], RUN, ["mrr"])


def _data(products: dict[str, list[str]], subclasses: list[tuple[str, str]]) -> AshareData:
    return AshareData(
        folder=Path("."),
        companies={c: {"code": c} for c in products},
        products={c: dict.fromkeys(ps, 1.0) for c, ps in products.items()},
        inputs={},
        subclasses=subclasses,
        industries={},
    )


ASK_DATA = {
    "c1": ["尿素"],
    "c2": ["复合肥", "化肥"],  # lists the asked term itself: dropped, not gold
    "c3": ["复合肥"],
    "c4": ["磷肥"],
    "c5": ["钢材"],
    "c6": ["螺纹钢"],
}
ASK_CLASSES = [
    ("化肥", "尿素"),
    ("化肥", "复合肥"),
    ("化肥", "磷肥"),
    ("钢材", "螺纹钢"),  # gold {c6}: one company, too few
    ("金属", "钢材"),
    ("金属", "螺纹钢"),
    ("金属", "铜"),  # nobody makes 铜
]


def test_ask_set_gold_is_makers_of_children_minus_makers_of_the_term() -> None:
    asks = build_ask_set(_data(ASK_DATA, ASK_CLASSES))
    assert asks.questions == {"化肥": "化肥", "金属": "金属"}  # the term as it stands
    assert asks.qrels.relevant("化肥") == {"c1", "c3", "c4"}
    assert asks.qrels.relevant("金属") == {"c5", "c6"}
    assert asks.drop == {"化肥": {"c2"}, "金属": set()}
    assert list(build_ask_set(_data(ASK_DATA, ASK_CLASSES), max_gold=2).questions) == ["金属"]
    assert list(asks.head(1).questions) == ["化肥"]


class _FixedAsker:
    name = "fixed"

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []

    def answer(self, text: str, k: int) -> list[tuple[str, float]]:
        self.asked.append((text, k))
        return [(c, 1.0 - i / 10) for i, c in enumerate(["c2", "x", "c1", "c5", "c3", "c4"])]


def test_ask_run_drops_the_terms_own_makers_then_cuts() -> None:
    asks = build_ask_set(_data(ASK_DATA, ASK_CLASSES))
    asker = _FixedAsker()
    run = make_ask_run(asker, asks, depth=3)
    assert asker.asked == [("化肥", 4), ("金属", 3)]  # depth + what will be dropped
    assert run.ranking("化肥") == ["x", "c1", "c5"]  # c2 gone
    assert run.ranking("金属") == ["c2", "x", "c1"]
    values = evaluate(asks.qrels, run, ["mrr", "recall@10"])
    assert values == {"mrr": pytest.approx((1 / 2 + 0) / 2), "recall@10": pytest.approx(1 / 6)}
