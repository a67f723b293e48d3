"""Organisations, the industry-chain taxonomy, import/validation and storage."""

from __future__ import annotations

from catalog.errors import (
    ChainMatchError,
    ConflictError,
    ImportValidationError,
    InvalidInputError,
    ModelUnavailableError,
    NotFoundError,
    RowError,
)
from catalog.models import (
    ChainPosition,
    Contact,
    Organisation,
    OrgKind,
    OrgSize,
    Product,
    Qualification,
    Region,
    StatementRole,
)
from catalog.taxonomy import (
    Chain,
    ChainRelation,
    Segment,
    Stage,
    Taxonomy,
    load_default_taxonomy,
    load_taxonomy,
)

__all__ = [
    "Chain",
    "ChainMatchError",
    "ChainPosition",
    "ChainRelation",
    "ConflictError",
    "Contact",
    "ImportValidationError",
    "InvalidInputError",
    "ModelUnavailableError",
    "NotFoundError",
    "OrgKind",
    "OrgSize",
    "Organisation",
    "Product",
    "Qualification",
    "Region",
    "RowError",
    "Segment",
    "Stage",
    "StatementRole",
    "Taxonomy",
    "load_default_taxonomy",
    "load_taxonomy",
]
