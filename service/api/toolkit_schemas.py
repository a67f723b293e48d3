"""Bodies of the /toolkit routes: one model per direction, limits declared up front.

An item's body is the library's own model (`catalog.toolkit.model.ToolkitItem`: every
field limited, unknown fields refused, the condition tree a tagged union), so a shape error
is a 422 naming the path before any code runs; what the tree means (operator fits field,
no contradiction) is checked by the library and is a 422 naming the item, path and field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from catalog.toolkit.model import ToolkitItem

__all__ = ["FactsPublic", "FactsUpdate", "ItemList", "MatchPublic", "ToolkitItem"]

FactValue = float | dt.date | None


class FactsUpdate(BaseModel):
    """Facts to set (a value) or clear (null), e.g. ``{"values": {"revenue": 5200}}``."""

    model_config = ConfigDict(extra="forbid")

    values: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)], FactValue] = Field(
        min_length=1, max_length=20
    )
    as_of: dt.date | None = Field(default=None, description="the day the figures hold for")
    source: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ] = "declared"


class FactsPublic(BaseModel):
    org_id: str
    facts: dict[str, dict[str, Any]]


class ItemList(BaseModel):
    items: list[ToolkitItem]


class MatchPublic(BaseModel):
    """Every item for one organisation in four lists; each item with its trace
    (``met`` / ``missed`` / ``unknown`` conditions with the clause cited) and, when not
    eligible, its gaps and the park's providers who can close them."""

    org_id: str
    name: str
    as_of: str
    eligible: list[dict[str, Any]]
    nearly: list[dict[str, Any]]
    not_eligible: list[dict[str, Any]]
    unknown: list[dict[str, Any]]
