"""The demo toolkit: fictional items (`data/demo_items.json`) and fictional facts for part
of the demo park's enterprises.

The facts are derived deterministically from each organisation's id and size (a hash, no
randomness), so every run and every test sees the same park. About one enterprise in six
has no facts at all and about one in four misses its R&D figures, so "not enough data"
occurs as it does in a real park, where companies declare facts over time. Everything is
marked ``source = "demo (fictional)"``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from catalog.audit import Who
from catalog.models import Organisation, OrgKind, OrgSize
from catalog.toolkit.checks import parse_item
from catalog.toolkit.model import FactField, ToolkitItem
from catalog.toolkit.store import ToolkitStore

__all__ = [
    "DEMO_FACTS_AS_OF",
    "DEMO_SOURCE",
    "demo_facts",
    "demo_items",
    "load_demo_toolkit",
]

DEMO_SOURCE = "demo (fictional)"
DEMO_FACTS_AS_OF = dt.date(2025, 12, 31)
_LOADER = Who("system", "demo")

# (employees, revenue in 万元) ranges by size: low, high
_SCALE: dict[OrgSize, tuple[tuple[int, int], tuple[float, float]]] = {
    OrgSize.MICRO: ((5, 19), (60, 600)),
    OrgSize.SMALL: ((20, 99), (600, 6000)),
    OrgSize.MEDIUM: ((100, 999), (6000, 40000)),
    OrgSize.LARGE: ((1000, 5000), (40000, 400000)),
}


def demo_items() -> list[ToolkitItem]:
    """The fictional demo items, validated like any other."""
    text = (resources.files("catalog.toolkit") / "data" / "demo_items.json").read_text("utf-8")
    return [parse_item(doc) for doc in json.loads(text)["items"]]


def _unit(org_id: str, salt: str) -> float:
    """A number in [0, 1) fixed by the id and the salt."""
    digest = hashlib.sha256(f"{org_id}|{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def demo_facts(org: Organisation) -> dict[str | FactField, Any]:
    """Fictional facts of one demo enterprise (empty for others and for one in six)."""
    if org.kind is not OrgKind.ENTERPRISE or _unit(org.id, "none") < 1 / 6:
        return {}
    size = org.size or OrgSize.SMALL
    (e_lo, e_hi), (r_lo, r_hi) = _SCALE[size]

    def u(salt: str) -> float:
        return _unit(org.id, salt)

    employees = round(e_lo + (e_hi - e_lo) * u("employees"))
    revenue = round(r_lo * (r_hi / r_lo) ** u("revenue"), -1)  # log-uniform, to 10 万元
    year = 2004 + int(21 * u("founded"))
    founded = dt.date(year, 1 + int(12 * u("month")), 1 + int(28 * u("day")))
    facts: dict[str | FactField, Any] = {
        FactField.FOUNDED: founded,
        FactField.EMPLOYEES: employees,
        FactField.REVENUE: revenue,
        FactField.TAX: round(revenue * (0.02 + 0.05 * u("tax")), 1),
        FactField.INVENTION_PATENTS: int(12 * u("patents") ** 2 * (1 + (size is OrgSize.LARGE))),
    }
    facts[FactField.IP_COUNT] = facts[FactField.INVENTION_PATENTS] + int(10 * u("ip"))
    if u("rd-missing") >= 0.25:
        ratio = round(1 + 11 * u("rd"), 1)
        facts[FactField.RD_RATIO] = ratio
        facts[FactField.RD_SPEND] = round(revenue * ratio / 100, 1)
        facts[FactField.RD_STAFF_RATIO] = round(5 + 45 * u("rd-staff"), 1)
    return facts


def load_demo_toolkit(store: ToolkitStore, orgs: Iterable[Organisation]) -> tuple[int, int]:
    """Put the demo items and facts into an empty toolkit; returns (items, organisations
    with facts). Does nothing when the toolkit already holds items or facts."""
    if store.count() or store.fact_count():
        return 0, 0
    items = demo_items()
    store.save_items(items, who=_LOADER)
    rows: list[tuple[str, Mapping[str | FactField, Any], dt.date | None, str]] = [
        (org.id, facts, DEMO_FACTS_AS_OF, DEMO_SOURCE) for org in orgs if (facts := demo_facts(org))
    ]
    store.set_many(rows, who=_LOADER)
    return len(items), len(rows)
