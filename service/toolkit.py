"""What the toolkit's CLI and HTTP routes share: one organisation's match as JSON, facts as
JSON, the eligibility sheet, and what the desk's suggestions read from the toolkit.

Kept out of the routes and commands so both stay thin and cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

from catalog.store import CatalogStore
from catalog.toolkit.model import FactField, OrgFact, ToolkitItem
from catalog.toolkit.store import ToolkitStore
from matcher.eligibility import match_items, org_facts
from matcher.toolkit import with_providers

if TYPE_CHECKING:
    from matcher.engine import MatchEngine

__all__ = ["facts_doc", "match_doc", "match_report_rows", "toolkit_for"]


def match_doc(
    toolkit: ToolkitStore,
    catalog: CatalogStore,
    org_id: str,
    *,
    day: dt.date,
    engine: MatchEngine | None = None,
    k: int = 3,
) -> dict[str, Any]:
    """``{"org_id", "name", "as_of", "eligible", "nearly", "not_eligible", "unknown"}``;
    with an engine, the gaps of nearly, not eligible and unknown items get providers."""
    org = catalog.get(org_id)
    result = match_items(toolkit.items(), org_facts(org, toolkit.facts(org_id), day))
    if engine is not None:
        result = with_providers(result, engine, k=k)
    return result.to_dict()


def facts_doc(org_id: str, facts: dict[FactField, OrgFact]) -> dict[str, Any]:
    """``{"org_id", "facts": {field: {"value", "as_of", "source"}}}``."""
    return {
        "org_id": org_id,
        "facts": {
            f.value: {
                "value": fact.value.isoformat() if isinstance(fact.value, dt.date) else fact.value,
                "as_of": None if fact.as_of is None else fact.as_of.isoformat(),
                "source": fact.source,
            }
            for f, fact in sorted(facts.items())
        },
    }


def toolkit_for(
    db: str | os.PathLike[str], org_id: str
) -> tuple[list[ToolkitItem], dict[FactField, OrgFact]]:
    """The toolkit's items and one organisation's facts, for the desk's suggestions."""
    with ToolkitStore(db) as tk:
        return tk.items(), tk.facts(org_id)


def match_report_rows(
    toolkit: ToolkitStore, catalog: CatalogStore, *, day: dt.date
) -> list[list[str | int | float]]:
    """One row per enterprise and item (header first): outcome, distance, what was missed
    and what is unknown, with the clauses — the staff's eligibility sheet."""
    items = toolkit.items()
    facts = toolkit.all_facts()
    rows: list[list[str | int | float]] = [
        ["org_id", "name", "item_id", "item", "outcome", "distance", "missed", "unknown"]
    ]
    for org in catalog.all():
        if org.kind.value != "enterprise":
            continue
        result = match_items(items, org_facts(org, facts.get(org.id, {}), day))
        for r in result.all():
            outcome = "nearly" if r.nearly else r.outcome.value
            missed = [
                f"{t.condition.field.value} {t.condition.clause}"
                for t in r.trace
                if t.status.value == "missed"
            ]
            unknown = [t.condition.field.value for t in r.trace if t.status.value == "unknown"]
            rows.append(
                [
                    org.id,
                    org.name,
                    r.item.id,
                    r.item.name,
                    outcome,
                    "" if r.distance is None else round(r.distance, 4),
                    "; ".join(missed),
                    "; ".join(dict.fromkeys(unknown)),
                ]
            )
    return rows
