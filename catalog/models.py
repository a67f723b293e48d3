"""The catalog data model: organisations and what they offer and need.

Pydantic models so that every importer (CSV, XLSX, JSON, HTTP) validates the same way and
reports the same field paths.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

__all__ = [
    "ChainPosition",
    "Contact",
    "OrgKind",
    "OrgSize",
    "Organisation",
    "Product",
    "Qualification",
    "Region",
    "StatementRole",
]

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StatementText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)
]
OrgId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"),
]


class OrgKind(enum.StrEnum):
    """What sort of organisation: it changes what a sensible partner looks like."""

    ENTERPRISE = "enterprise"
    INSTITUTE = "institute"
    SERVICE = "service"


class OrgSize(enum.StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class StatementRole(enum.StrEnum):
    """A statement is either something an organisation offers or something it needs."""

    OFFER = "offer"
    NEED = "need"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Region(_Model):
    province: ShortText = "浙江省"
    city: ShortText = "杭州市"
    park: ShortText | None = None


class ChainPosition(_Model):
    """A place in the industry-chain taxonomy: chain id and segment id (see taxonomy)."""

    chain: ShortText
    segment: ShortText


class Product(_Model):
    name: ShortText
    share: float = Field(default=0.0, ge=0.0, le=1.0, description="share of revenue, 0..1")


class Qualification(_Model):
    name: ShortText
    issuer: ShortText | None = None
    valid_until: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Contact(_Model):
    """Private: only shown to callers with a token."""

    name: ShortText
    role: ShortText | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\-() ]{3,32}$")] | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class Organisation(_Model):
    """One company, research institute or service provider of the park."""

    id: OrgId
    name: ShortText
    aliases: tuple[ShortText, ...] = ()
    kind: OrgKind = OrgKind.ENTERPRISE
    region: Region = Region()
    chains: tuple[ChainPosition, ...] = ()
    offers: tuple[StatementText, ...] = ()
    needs: tuple[StatementText, ...] = ()
    products: tuple[Product, ...] = ()
    qualifications: tuple[Qualification, ...] = ()
    size: OrgSize | None = None
    contacts: tuple[Contact, ...] = ()
    updated_at: dt.datetime | None = None

    @field_validator("products")
    @classmethod
    def _shares_sum_to_at_most_one(cls, products: tuple[Product, ...]) -> tuple[Product, ...]:
        total = sum(p.share for p in products)
        if total > 1.0 + 1e-6:
            raise ValueError(f"product shares add up to {total:.3f}; expected at most 1.0")
        return products

    def valid_qualifications(self, day: dt.date) -> tuple[Qualification, ...]:
        return tuple(q for q in self.qualifications if q.is_valid_on(day))

    def public(self) -> Organisation:
        """The organisation without its private contacts."""
        return self.model_copy(update={"contacts": ()})
