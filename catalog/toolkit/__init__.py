"""The 惠企工具包 toolkit: policies and services with typed eligibility conditions, and the
organisation facts (founded, revenue, R&D, patents …) the catalog does not carry.

Storage is `catalog.toolkit.store` (the ``toolkit`` table family in the catalog's SQLite
file); the model and its condition tree are `catalog.toolkit.model`, what makes a tree
valid (operator fits field, no contradiction) is `catalog.toolkit.checks`, flat files are
`catalog.toolkit.io`. Deciding who is eligible is matching, so it lives in
`matcher.eligibility` (and providers for the gaps in `matcher.toolkit`).

Example usage::

    from catalog.toolkit import ToolkitStore, parse_item

    with ToolkitStore(paths.db) as tk:
        tk.save_items([parse_item(doc)])
        tk.set_facts("demo-nev-0001", {"revenue": 5200, "founded": "2019-03-01"})
"""

from __future__ import annotations

from catalog.toolkit.checks import check_item, parse_item
from catalog.toolkit.model import (
    AllOf,
    AnyOf,
    Condition,
    FactField,
    FieldType,
    ItemKind,
    Op,
    OrgFact,
    ToolkitItem,
)
from catalog.toolkit.store import TOOLKIT, ToolkitStore, parse_fact

__all__ = [
    "TOOLKIT",
    "AllOf",
    "AnyOf",
    "Condition",
    "FactField",
    "FieldType",
    "ItemKind",
    "Op",
    "OrgFact",
    "ToolkitItem",
    "ToolkitStore",
    "check_item",
    "parse_fact",
    "parse_item",
]
