"""Request and response bodies: one model per direction, limits declared up front."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from catalog.models import (
    ChainPosition,
    Contact,
    Organisation,
    OrgKind,
    OrgSize,
    Product,
    Qualification,
    Region,
    ShortText,
    StatementText,
)
from matcher.types import Direction

__all__ = [
    "AskRequest",
    "ErrorBody",
    "ErrorItem",
    "FiltersIn",
    "ImportResult",
    "MatchList",
    "OrgCreate",
    "OrgList",
    "OrgPublic",
    "OrgUpdate",
    "PartnersRequest",
    "SubstitutesRequest",
]


class ErrorItem(BaseModel):
    field: str = Field(description="where: a request field path or an import column")
    message: str
    row: int | None = Field(default=None, description="import row, as a spreadsheet counts")


class ErrorBody(BaseModel):
    """Every error, whatever its status, has this shape."""

    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


class OrgCreate(Organisation):
    """A new organisation: the full catalog model, validated the same way as imports."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "acme-001",
                    "name": "示例材料科技有限公司",
                    "kind": "enterprise",
                    "region": {"province": "浙江省", "city": "杭州市", "park": "滨江园区"},
                    "chains": [{"chain": "newmat", "segment": "newmat.thermal"}],
                    "offers": ["导热垫片与导热凝胶，1.5–12 W/m·K"],
                    "needs": ["寻找有机硅原料供应商"],
                    "products": [{"name": "导热垫片", "share": 0.6}],
                    "qualifications": [{"name": "ISO 9001", "valid_until": "2028-06-30"}],
                }
            ]
        }
    )


class OrgUpdate(BaseModel):
    """Fields to change; what is left out stays as it is. The id never changes."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"needs": ["需要CNAS检测"]}]}
    )

    name: ShortText | None = None
    aliases: tuple[ShortText, ...] | None = None
    kind: OrgKind | None = None
    region: Region | None = None
    chains: tuple[ChainPosition, ...] | None = None
    offers: tuple[StatementText, ...] | None = None
    needs: tuple[StatementText, ...] | None = None
    products: tuple[Product, ...] | None = None
    qualifications: tuple[Qualification, ...] | None = None
    size: OrgSize | None = None
    contacts: tuple[Contact, ...] | None = None


class OrgPublic(Organisation):
    contacts_hidden: bool = Field(
        default=False, description="true when contacts were withheld: no valid bearer token"
    )


class OrgList(BaseModel):
    total: int
    items: list[OrgPublic]


class FiltersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region: ShortText | None = Field(default=None, description="province, city or park")
    kind: OrgKind | None = None
    chain: ShortText | None = None
    segment: ShortText | None = None
    qualification: ShortText | None = Field(default=None, description="a valid one like this")


class PartnersRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"org_id": "demo-nev-0019", "direction": "suppliers", "k": 5}]
        },
    )

    org_id: ShortText
    direction: Direction = Direction.SUPPLIERS
    k: int = Field(default=10, ge=1, le=100)
    filters: FiltersIn = Field(default_factory=FiltersIn)
    statements: list[StatementText] | None = Field(
        default=None, max_length=20, description="ask about these needs (or offers) only"
    )


class SubstitutesRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"org_id": "demo-ic-0034", "k": 5}]}
    )

    org_id: ShortText
    k: int = Field(default=10, ge=1, le=100)
    filters: FiltersIn = Field(default_factory=FiltersIn)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "需要PCB可靠性测试和失效分析服务", "k": 5}]},
    )

    text: StatementText
    k: int = Field(default=10, ge=1, le=100)
    filters: FiltersIn = Field(default_factory=FiltersIn)


class EvidenceOut(BaseModel):
    query: str
    candidate: str
    score: float
    direction: str
    margin: float | None = Field(
        default=None,
        description="score minus the need's reference in the catalog; cited from the "
        "evidence threshold up (absent where the pair is not judged)",
    )


class MatchOut(BaseModel):
    org_id: str
    name: str
    score: float
    parts: dict[str, float]
    relation: str
    evidence: list[EvidenceOut] = Field(description="the cited statement pairs only")
    explanation: str
    exploratory: bool = Field(
        default=False,
        description="探索性: no statement pair reached the evidence threshold; see rests_on",
    )
    rests_on: list[str] = Field(
        default_factory=list,
        description="what the match rests on: statements, chain_link, same_segment, "
        "inferred_needs, peer_suppliers, … (strongest kind first)",
    )
    evidence_margin: float | None = Field(
        default=None, description="the best margin of its judged pairs"
    )


class MatchList(BaseModel):
    query: dict[str, Any]
    results: list[MatchOut]


class ImportResult(BaseModel):
    imported: int = Field(description="organisations written: created + updated")
    created: int = Field(description="new ids")
    updated: int = Field(description="existing ids overwritten (on_conflict=update)")
    skipped: int = Field(description="existing ids left as they were (on_conflict=skip)")
    skipped_rows: list[int] = Field(description="invalid rows left out (skip_invalid)")
    errors: list[ErrorItem] = Field(description="the problems of the skipped rows")
    warnings: list[ErrorItem] = Field(
        description="cells a spreadsheet would run as formulas, imported as text"
    )


class Health(BaseModel):
    status: str
    organisations: int
    model_id: str
    dim: int
    index_version: int
    read_only: bool
    checked_at: dt.datetime


class AuditEntryOut(BaseModel):
    seq: int = Field(description="position in the log, increasing")
    at: dt.datetime = Field(description="UTC")
    actor: str = Field(description="token name (API), OS user or --as NAME (CLI), system")
    via: str = Field(description="api, cli, demo …, plus 'import <file>' for imports")
    action: str = Field(description="create, update or delete")
    kind: str = Field(description="organisation, event or outcome")
    entity: str = Field(description="the id; an outcome's is event:a:b")
    changes: dict[str, list[Any]] = Field(
        description="{field: [before, after]} for the fields that changed"
    )


class AuditList(BaseModel):
    entries: list[AuditEntryOut] = Field(description="newest first")
