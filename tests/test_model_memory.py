"""What keeps 10⁶ organisations small in memory: shared field sets and shared names.

An organisation holds about ten pydantic models, each with its own set of given fields;
`catalog.models._Model` makes instances given the same fields share one set, and names
many organisations repeat (places, chains, issuers, products) are one string object. These
tests pin that the sharing is invisible: dumps, copies and equality behave as before.
"""

from __future__ import annotations

import json
import tracemalloc

from catalog import Organisation

RECORD = {
    "id": "mem-1",
    "name": "杭州示例科技有限公司",
    "region": {"province": "浙江省", "city": "杭州市", "park": "滨江高新区"},
    "chains": [{"chain": "ic", "segment": "ic.design"}],
    "offers": ["功率器件封装测试"],
    "needs": ["采购高纯硅片"],
    "products": [{"name": "功率模块", "share": 0.5}],
    "qualifications": [{"name": "ISO 9001", "issuer": "认证中心"}],
    "contacts": [{"name": "王工", "role": "采购经理"}],
}


def _pair() -> tuple[Organisation, Organisation]:
    other = {**RECORD, "id": "mem-2", "name": "另一家公司"}
    # from JSON, as the store and the API read them: no string is shared by construction
    return (
        Organisation.model_validate_json(json.dumps(RECORD, ensure_ascii=False)),
        Organisation.model_validate_json(json.dumps(other, ensure_ascii=False)),
    )


def test_instances_given_the_same_fields_share_one_set() -> None:
    a, b = _pair()
    assert a.model_fields_set is b.model_fields_set
    assert a.region.model_fields_set is b.region.model_fields_set
    assert a.model_fields_set == set(RECORD)
    assert a.region.model_fields_set == {"province", "city", "park"}
    bare = Organisation(id="mem-3", name="无地区")
    assert bare.model_fields_set == {"id", "name"}
    assert bare.region.model_fields_set == set()  # the default region: nothing given


def test_a_copy_with_an_update_does_not_write_the_shared_set() -> None:
    a, b = _pair()
    public = a.public()
    assert public.contacts == ()
    assert public.model_fields_set == set(RECORD)
    changed = a.model_copy(update={"size": "small"})
    assert "size" in changed.model_fields_set
    assert "size" not in a.model_fields_set and "size" not in b.model_fields_set
    assert a.model_dump(exclude_unset=True) == Organisation.model_validate(RECORD).model_dump(
        exclude_unset=True
    )
    assert "size" not in b.model_dump(exclude_unset=True)


def test_names_many_organisations_repeat_are_one_object_and_texts_are_not() -> None:
    a, b = _pair()
    assert a.region.city is b.region.city
    assert a.region.park is b.region.park
    assert a.chains[0].segment is b.chains[0].segment
    assert a.products[0].name is b.products[0].name
    assert a.qualifications[0].issuer is b.qualifications[0].issuer
    assert a.contacts[0].role is b.contacts[0].role
    assert a == Organisation.model_validate(RECORD)  # equality unchanged
    assert a.offers[0] == b.offers[0]  # statements are values, never interned


def test_an_organisation_takes_under_five_kilobytes() -> None:
    records = [
        json.dumps({**RECORD, "id": f"mem-{i}", "name": f"公司{i}", "offers": [f"产品{i}"]})
        for i in range(2000)
    ]
    tracemalloc.start()
    try:
        orgs = [Organisation.model_validate_json(r) for r in records]
        used, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # measured: 2.4 KB each with sharing, 4.2 KB before it (this record's ten models)
    assert len(orgs) == 2000
    assert used / len(orgs) < 3300
