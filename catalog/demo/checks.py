"""Check the generated demo park for consistency and summarise it.

The park must be worth demonstrating: unique ids and names, every record valid, every need
met by somebody else along the taxonomy, and enough institutes and service providers. The
summary reports how differently needs are worded from the offers that meet them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from catalog.demo.organisations import Draft
from catalog.demo.pools import DemoDataError, is_english
from catalog.models import Organisation
from catalog.taxonomy import Taxonomy

__all__ = ["check_catalog", "stats"]


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\s\W_]+", "", text.lower())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def check_catalog(records: list[dict[str, Any]], orgs: list[Draft], tax: Taxonomy) -> None:
    """Raise :class:`DemoDataError` listing (up to 40) problems of the generated park."""
    problems: list[str] = []
    ids = Counter(r["id"] for r in records)
    names = Counter(r["name"] for r in records)
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    problems += [f"duplicate name {i}" for i, n in names.items() if n > 1]
    all_offers = {t for r in records for t in r["offers"]}
    offered_by: dict[str, set[str]] = defaultdict(set)
    for o in orgs:
        for c, _ in o.offers:
            offered_by[c.id].add(o.id)
    for r, o in zip(records, orgs, strict=True):
        Organisation.model_validate(r)
        for pos in r["chains"]:
            seg = tax.segments.get(pos["segment"])
            if seg is None or seg.chain != pos["chain"]:
                problems.append(f"{r['id']}: chain position {pos} is not in the taxonomy")
        if not 2 <= len(r["offers"]) <= 6:
            problems.append(f"{r['id']}: {len(r['offers'])} offers")
        if not 1 <= len(r["needs"]) <= 5:
            problems.append(f"{r['id']}: {len(r['needs'])} needs")
        if not 1 <= len(r["products"]) <= 4:
            problems.append(f"{r['id']}: {len(r['products'])} products")
        if len(set(r["offers"])) != len(r["offers"]) or len(set(r["needs"])) != len(r["needs"]):
            problems.append(f"{r['id']}: repeated statement")
        for c, text in o.needs:
            if text in all_offers:
                problems.append(f"{r['id']}: need {text!r} copies an offer")
            if not offered_by[c.id] - {o.id}:
                problems.append(f"{r['id']}: nobody else offers what {text!r} asks for")
            if not c.consumers & set(o.positions):
                problems.append(f"{r['id']}: need {text!r} does not follow the taxonomy")
    kinds = Counter(r["kind"] for r in records)
    if len(records) < 320 or kinds["institute"] < 24 or kinds["service"] < 24:
        problems.append(f"too few organisations: {len(records)} {dict(kinds)}")
    if problems:
        raise DemoDataError("demo park is inconsistent:\n  " + "\n  ".join(problems[:40]))


def stats(records: list[dict[str, Any]], orgs: list[Draft]) -> dict[str, Any]:
    """Counts, the English share and how little wording needs share with their offers."""
    statements = [t for r in records for t in (*r["offers"], *r["needs"])]
    offers_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for o in orgs:
        for c, t in o.offers:
            offers_of[c.id].append((o.id, t))
    overlaps: list[float] = []
    for o in orgs:
        for c, t in o.needs:
            grams = _bigrams(t)
            overlaps.append(
                max(
                    len(grams & _bigrams(x)) / max(1, len(grams | _bigrams(x)))
                    for oid, x in offers_of[c.id]
                    if oid != o.id
                )
            )
    total = len(overlaps)
    return {
        "organisations": len(records),
        "by_kind": dict(Counter(r["kind"] for r in records)),
        "by_chain": dict(Counter(r["chains"][0]["chain"] for r in records)),
        "offers": sum(len(r["offers"]) for r in records),
        "needs": total,
        "english_share": round(sum(map(is_english, statements)) / len(statements), 3),
        # best character-bigram Jaccard between a need and any offer that meets it
        "needs_sharing_almost_no_wording(<0.05)": round(sum(x < 0.05 for x in overlaps) / total, 3),
        "needs_sharing_little_wording(<0.10)": round(sum(x < 0.1 for x in overlaps) / total, 3),
        "distinct_offer_texts": len({t for r in records for t in r["offers"]}),
    }
