"""Toolkit conditions: every operator at, just above and just below its threshold; the
three outcomes with their traces; "nearly" ranked by hand-computed distances; and
contradictions refused with the item, path and field named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalog.errors import InvalidInputError
from catalog.models import ChainPosition, Organisation, OrgSize, Qualification, Region
from catalog.toolkit import FactField, OrgFact, parse_item
from catalog.toolkit.demo import demo_items
from matcher.eligibility import Outcome, Status, evaluate_item, match_items, org_facts

DAY = dt.date(2026, 12, 1)


def cond(field: str, op: str, value: Any, clause: str = "第一条") -> dict[str, Any]:
    return {"kind": "condition", "field": field, "op": op, "value": value, "clause": clause}


def item(conditions: dict[str, Any], id: str = "tk-t", **extra: Any) -> Any:
    return parse_item(
        {"id": id, "name": "测试", "source": "《测试政策》", "conditions": conditions, **extra}
    )


def org(**kw: Any) -> Organisation:
    base: dict[str, Any] = {
        "id": "t-1",
        "name": "测试企业",
        "region": Region(province="浙江省", city="杭州市", park="滨江园区"),
        "chains": (ChainPosition(chain="nev", segment="nev.battery-pack"),),
        "size": OrgSize.SMALL,
        "qualifications": (
            Qualification(name="高新技术企业", valid_until=dt.date(2027, 6, 30)),
            Qualification(name="ISO 9001", valid_until=dt.date(2026, 11, 30)),  # expired
        ),
    }
    return Organisation(**{**base, **kw})


def facts_of(o: Organisation | None = None, **values: Any) -> Any:
    stored = {
        FactField(k): OrgFact(org_id="t-1", field=FactField(k), value=v) for k, v in values.items()
    }
    return org_facts(o or org(), stored, DAY)


def status(conditions: dict[str, Any], o: Organisation | None = None, **values: Any) -> str:
    r = evaluate_item(item(conditions), facts_of(o, **values))
    return r.outcome.value


# -- every operator: equal, just above, just below ------------------------------------
@pytest.mark.parametrize(
    ("op", "below", "equal", "above"),
    [
        ("ge", "not_eligible", "eligible", "eligible"),
        ("gt", "not_eligible", "not_eligible", "eligible"),
        ("le", "eligible", "eligible", "not_eligible"),
        ("lt", "eligible", "not_eligible", "not_eligible"),
        ("eq", "not_eligible", "eligible", "not_eligible"),
        ("ne", "eligible", "not_eligible", "eligible"),
    ],
)
def test_number_operators_at_the_threshold(op: str, below: str, equal: str, above: str) -> None:
    c = cond("revenue", op, 2000)
    assert status(c, revenue=1999.99) == below
    assert status(c, revenue=2000) == equal
    assert status(c, revenue=2000.01) == above


def test_between_is_inclusive_at_both_ends() -> None:
    c = cond("revenue", "between", [1000, 100000])
    got = [status(c, revenue=x) for x in (999.99, 1000, 50000, 100000, 100000.01)]
    assert got == ["not_eligible", "eligible", "eligible", "eligible", "not_eligible"]


def test_date_operators_are_strict() -> None:
    before, after = cond("founded", "before", "2024-12-31"), cond("founded", "after", "2022-12-31")
    assert [status(before, founded=dt.date(2024, 12, d)) for d in (30, 31)] == [
        "eligible",
        "not_eligible",
    ]
    assert [
        status(after, founded=dt.date(2022, 12, 31)),
        status(after, founded=dt.date(2023, 1, 1)),
    ] == [
        "not_eligible",
        "eligible",
    ]
    span = cond("founded", "between", ["2020-01-01", "2020-12-31"])
    assert status(span, founded=dt.date(2020, 12, 31)) == "eligible"
    assert status(span, founded=dt.date(2021, 1, 1)) == "not_eligible"


def test_age_in_whole_years_turns_on_the_anniversary() -> None:
    c = cond("age_years", "ge", 2)
    assert status(c, founded=dt.date(2024, 12, 2)) == "not_eligible"  # 1 year, 364 days
    assert status(c, founded=dt.date(2024, 12, 1)) == "eligible"  # 2 years on DAY


def test_choice_place_set_and_qualification_operators() -> None:
    assert status(cond("size", "in", ["micro", "small"])) == "eligible"
    assert status(cond("size", "not_in", ["small"])) == "not_eligible"
    assert status(cond("size", "eq", "medium")) == "not_eligible"
    assert status(cond("kind", "ne", "service")) == "eligible"
    assert status(cond("region", "eq", "滨江园区")) == "eligible"
    assert status(cond("region", "in", ["钱塘新区", "杭州市"])) == "eligible"
    assert status(cond("region", "not_in", ["钱塘新区"])) == "eligible"
    assert status(cond("chain", "has", "nev")) == "eligible"
    assert status(cond("chain", "not_has", "nev")) == "not_eligible"
    assert status(cond("segment", "in", ["nev.battery-pack", "ic.fab"])) == "eligible"
    assert status(cond("qualification", "has_valid", "高新技术")) == "eligible"
    # held but expired the day before DAY: has yes, has_valid no
    assert status(cond("qualification", "has", "ISO 9001")) == "eligible"
    assert status(cond("qualification", "has_valid", "ISO 9001")) == "not_eligible"
    assert status(cond("qualification", "not_has", "IATF 16949")) == "eligible"


def test_a_missing_fact_is_not_enough_data_never_not_eligible() -> None:
    assert status(cond("revenue", "ge", 1)) == "unknown"
    assert status(cond("size", "eq", "small"), org(size=None)) == "unknown"
    assert status(cond("chain", "has", "nev"), org(chains=())) == "unknown"
    # a park the catalog does not record may be the one asked for
    unparked = org(region=Region(province="浙江省", city="杭州市"))
    assert status(cond("region", "eq", "滨江园区"), unparked) == "unknown"
    assert status(cond("region", "eq", "宁波市"), unparked) == "unknown"
    assert status(cond("region", "eq", "杭州市"), unparked) == "eligible"


def test_kleene_logic_of_groups_and_the_trace() -> None:
    tree = {
        "kind": "all",
        "items": [
            cond("kind", "eq", "enterprise", "第五条第(一)款"),
            {
                "kind": "any",
                "items": [
                    cond("rd_ratio", "ge", 5, "第五条第(二)款"),
                    cond("invention_patents", "ge", 2, "第五条第(三)款"),
                ],
            },
            cond("tax", "ge", 50, "第五条第(四)款"),
        ],
    }
    # any: one met is enough, though the other is unknown; tax unknown -> unknown overall
    r = evaluate_item(item(tree), facts_of(invention_patents=3))
    assert r.outcome is Outcome.UNKNOWN
    doc = r.to_dict()
    assert [t["clause"] for t in doc["trace"]["met"]] == ["第五条第(一)款", "第五条第(三)款"]
    assert [t["path"] for t in doc["trace"]["unknown"]] == [
        "conditions.items[1].items[0]",
        "conditions.items[2]",
    ]
    assert [g["field"] for g in doc["gaps"]] == ["tax"]  # the any group is met: no gap there
    # a miss beside an unknown: not eligible
    r = evaluate_item(item(tree), facts_of(invention_patents=1, rd_ratio=4))
    assert r.outcome is Outcome.NOT_ELIGIBLE
    assert {t.status for t in r.trace} == {Status.MET, Status.MISSED, Status.UNKNOWN}
    r = evaluate_item(item(tree), facts_of(invention_patents=2, tax=50))
    assert r.outcome is Outcome.ELIGIBLE and "gaps" not in r.to_dict()


def test_nearly_is_ranked_by_hand_computed_distance() -> None:
    items = [
        item(
            {
                "kind": "all",
                "items": [cond("revenue", "ge", 2000), cond("invention_patents", "ge", 2)],
            },
            "tk-a",
        ),
        item(cond("revenue", "ge", 1600), "tk-b"),
        item({"kind": "any", "items": [cond("rd_ratio", "ge", 5), cond("tax", "ge", 100)]}, "tk-c"),
        item(cond("founded", "before", "2025-06-01"), "tk-d"),
        item(cond("employees", "le", 100), "tk-e"),
        item(cond("qualification", "has_valid", "专精特新"), "tk-f"),
    ]
    facts = facts_of(
        revenue=1500,
        invention_patents=1,
        rd_ratio=4,
        tax=30,
        founded=dt.date(2025, 8, 30),
        employees=130,
    )
    got = match_items(items, facts)
    # a: (2000-1500)/2000 + (2-1)/2 = 0.75 > 0.5 -> not nearly
    # b: (1600-1500)/1600 = 0.0625; c: min(1/5, 70/100) = 0.2; d: 90 days / 365 = 0.2466
    # e: (130-100)/100 = 0.3; f: a missing qualification has no distance
    assert [(r.item.id, round(r.distance or -1, 4)) for r in got.nearly] == [
        ("tk-b", 0.0625),
        ("tk-c", 0.2),
        ("tk-d", 0.2466),
        ("tk-e", 0.3),
    ]
    assert [(r.item.id, r.distance) for r in got.not_eligible] == [("tk-a", 0.75), ("tk-f", None)]
    assert not got.eligible and not got.unknown


def test_an_item_out_of_effect_is_not_eligible_and_never_nearly() -> None:
    it = item(cond("revenue", "ge", 1000), effective_from="2024-01-01", effective_to="2025-12-31")
    r = evaluate_item(it, facts_of(revenue=5000))
    assert (r.outcome, r.in_effect, r.nearly) == (Outcome.NOT_ELIGIBLE, False, False)


# -- contradictions and ill-typed conditions -------------------------------------------
@pytest.mark.parametrize(
    ("tree", "message"),
    [
        (
            {"kind": "all", "items": [cond("revenue", "ge", 50), cond("revenue", "lt", 10)]},
            "item 'tk-t': conditions.items[1] (field 'revenue'): contradicts conditions.items[0] "
            "(revenue ge 50): no value satisfies them all",
        ),
        (
            {
                "kind": "all",
                "items": [
                    cond("revenue", "eq", 10),
                    {"kind": "all", "items": [cond("revenue", "ne", 10)]},
                ],
            },
            "item 'tk-t': conditions.items[1].items[0] (field 'revenue'): contradicts",
        ),
        (
            {
                "kind": "all",
                "items": [cond("size", "in", ["micro", "small"]), cond("size", "eq", "large")],
            },
            "item 'tk-t': conditions.items[1] (field 'size'): contradicts conditions.items[0]",
        ),
        (
            {
                "kind": "all",
                "items": [
                    cond("qualification", "has_valid", "高新技术企业"),
                    cond("qualification", "not_has", "高新技术企业"),
                ],
            },
            "item 'tk-t': conditions.items[1] (field 'qualification'): contradicts",
        ),
        (
            {
                "kind": "all",
                "items": [
                    cond("founded", "after", "2024-01-01"),
                    cond("founded", "before", "2023-01-01"),
                ],
            },
            "item 'tk-t': conditions.items[1] (field 'founded'): contradicts",
        ),
        (
            cond("revenue", "has", 5),
            "item 'tk-t': conditions (field 'revenue'): operator 'has' does not fit a number "
            "field; expected one of between, eq, ge, gt, le, lt, ne",
        ),
        (
            cond("revenue", "ge", "many"),
            "item 'tk-t': conditions (field 'revenue'): expected a number, got 'many'",
        ),
        (cond("revenue", "between", [10, 5]), "between expects low ≤ high"),
        (
            cond("size", "eq", "huge"),
            "'huge' is not a known size; expected one of large, medium, micro, small",
        ),
        (cond("chain", "has", "semis"), "(field 'chain'): 'semis' is not a known chain"),
        (
            cond("founded", "before", "yesterday"),
            "expected an ISO date like 2024-01-01, got 'yesterday'",
        ),
        (cond("turnover", "ge", 5), "item 'tk-t': conditions.field: Input should be"),
    ],
)
def test_bad_conditions_name_the_item_path_and_field(tree: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as exc:
        item(tree)
    assert str(exc.value).startswith(message) or message in str(exc.value), str(exc.value)


def test_alternatives_in_an_any_group_are_not_contradictions() -> None:
    tree = {"kind": "any", "items": [cond("revenue", "le", 5000), cond("revenue", "gt", 20000)]}
    assert item(tree).conditions.kind == "any"


# -- the demo policies, each at its thresholds -----------------------------------------
def _demo(item_id: str) -> Any:
    return next(i for i in demo_items() if i.id == item_id)


def _judge(item_id: str, o: Organisation | None = None, **values: Any) -> str:
    return evaluate_item(_demo(item_id), facts_of(o, **values)).outcome.value


BASE = {
    "founded": dt.date(2018, 3, 1),
    "employees": 80,
    "revenue": 3000,
    "rd_spend": 300,
    "rd_ratio": 10,
    "rd_staff_ratio": 30,
    "invention_patents": 3,
    "ip_count": 8,
    "tax": 120,
}


@pytest.mark.parametrize(
    ("item_id", "field", "below", "at", "above", "verdicts"),
    [
        (
            "tk-innovation-voucher",
            "rd_ratio",
            2.99,
            3,
            3.01,
            ("not_eligible", "eligible", "eligible"),
        ),
        ("tk-compute-voucher", "rd_spend", 199.9, 200, 200.1, None),
        (
            "tk-model-voucher",
            "employees",
            999,
            1000,
            1001,
            ("eligible", "eligible", "not_eligible"),
        ),
        ("tk-points-loan", "tax", 49.9, 50, 50.1, ("not_eligible", "eligible", "eligible")),
        ("tk-hnte-award", "revenue", 499, 500, 501, ("not_eligible", "eligible", "eligible")),
        ("tk-rd-deduction", "rd_spend", -0.0, 0, 0.1, ("not_eligible", "not_eligible", "eligible")),
        (
            "tk-talent-apartment",
            "rd_staff_ratio",
            19.9,
            20,
            20.1,
            ("not_eligible", "eligible", "eligible"),
        ),
        ("tk-first-set", "revenue", 1999, 2000, 2001, None),
        (
            "tk-ip-pledge-subsidy",
            "invention_patents",
            0,
            1,
            2,
            ("not_eligible", "eligible", "eligible"),
        ),
        ("tk-startup-rent", "employees", 4, 5, 6, None),
    ],
)
def test_each_demo_policy_just_below_at_and_just_above(
    item_id: str,
    field: str,
    below: float,
    at: float,
    above: float,
    verdicts: tuple[str, ...] | None,
) -> None:
    got = tuple(_judge(item_id, **{**BASE, field: x}) for x in (below, at, above))
    if verdicts is None:  # the base organisation misses another clause: nothing changes
        assert len(set(got)) == 1 and got[0] == "not_eligible"
    else:
        assert got == verdicts


def test_demo_first_set_for_an_organisation_that_fits_every_other_clause() -> None:
    fit = org(qualifications=(Qualification(name="ISO 9001", valid_until=dt.date(2028, 1, 1)),))
    got = [_judge("tk-first-set", fit, **{**BASE, "revenue": x}) for x in (1999, 2000, 2001)]
    assert got == ["not_eligible", "eligible", "eligible"]
    near = evaluate_item(_demo("tk-first-set"), facts_of(fit, **{**BASE, "revenue": 1999}))
    assert near.nearly and near.distance == pytest.approx(1 / 2000)


def test_demo_hnte_cultivation_uses_the_band_of_its_revenue() -> None:
    young = org(qualifications=())
    # 5000万 exactly sits in the first band (≤ 5000, 5 %) and the second (5000–20000, 4 %)
    assert (
        _judge("tk-hnte-cultivation", young, **{**BASE, "revenue": 5000, "rd_ratio": 4})
        == "eligible"
    )
    assert (
        _judge("tk-hnte-cultivation", young, **{**BASE, "revenue": 4999, "rd_ratio": 4.99})
        == "not_eligible"
    )
    assert (
        _judge("tk-hnte-cultivation", young, **{**BASE, "revenue": 20001, "rd_ratio": 3})
        == "eligible"
    )
    assert (
        _judge("tk-hnte-cultivation", young, **{**BASE, "revenue": 20001, "rd_ratio": 2.99})
        == "not_eligible"
    )
    # an enterprise already recognised is out, whatever its figures
    assert _judge("tk-hnte-cultivation", **BASE) == "not_eligible"


def test_demo_little_giant_accepts_patents_or_other_ip() -> None:
    giant = org(
        qualifications=(
            Qualification(name="省级专精特新中小企业", valid_until=dt.date(2028, 1, 1)),
        )
    )
    base = {**BASE, "invention_patents": 1, "ip_count": 4}
    assert _judge("tk-little-giant", giant, **base) == "not_eligible"
    assert _judge("tk-little-giant", giant, **{**base, "invention_patents": 2}) == "eligible"
    assert _judge("tk-little-giant", giant, **{**base, "ip_count": 5}) == "eligible"
    assert (
        _judge("tk-little-giant", giant, **{**base, "founded": dt.date(2023, 12, 2)})
        == "not_eligible"
    )
    assert (
        _judge("tk-little-giant", giant, **{**base, "founded": dt.date(2023, 12, 1), "ip_count": 5})
        == "eligible"
    )


def test_the_demo_items_are_fictional_and_cite_a_clause_in_every_condition() -> None:
    items = demo_items()
    assert len(items) == 14 and all(i.fictional and "虚构" in i.source for i in items)
    from catalog.toolkit.checks import leaves

    for it in items:
        assert all(c.clause.startswith("第") for _, c in leaves(it.conditions)), it.id
