"""Organisations, the industry-chain taxonomy, import/validation and storage."""

from __future__ import annotations

from catalog.errors import (
    ChainMatchError,
    ConflictError,
    FileTooLargeError,
    ImportConflictError,
    ImportValidationError,
    InvalidInputError,
    NotFoundError,
    RowError,
)
from catalog.importer import (
    ImportReport,
    ReadResult,
    import_organisations,
    read_organisations,
    write_organisations,
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
from catalog.store import CatalogStore, OnConflict, StoreStats
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
    "CatalogStore",
    "Chain",
    "ChainMatchError",
    "ChainPosition",
    "ChainRelation",
    "ConflictError",
    "Contact",
    "FileTooLargeError",
    "ImportConflictError",
    "ImportReport",
    "ImportValidationError",
    "InvalidInputError",
    "NotFoundError",
    "OnConflict",
    "OrgKind",
    "OrgSize",
    "Organisation",
    "Product",
    "Qualification",
    "ReadResult",
    "Region",
    "RowError",
    "Segment",
    "Stage",
    "StatementRole",
    "StoreStats",
    "Taxonomy",
    "import_organisations",
    "load_default_taxonomy",
    "load_taxonomy",
    "read_organisations",
    "write_organisations",
]
