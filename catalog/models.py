"""The catalog data model: organisations and what they offer and need.

Pydantic models so that every importer (CSV, XLSX, JSON, HTTP) validates the same way and
reports the same field paths.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

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
# A name many organisations share (a place, a chain, an issuer, a product): one string
# object in memory however many organisations hold it (interned strings are freed with
# their last holder).
SharedText = Annotated[ShortText, AfterValidator(sys.intern)]
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


# One `__pydantic_fields_set__` per (model class, fields set), shared by its instances.
_FIELD_SETS: dict[tuple[type, frozenset[str]], set[str]] = {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of fields given with every instance that was given the same ones.

        Each instance carries its own set (216 B; 728 B for an organisation's thirteen
        fields) and an organisation holds about ten models, so the sets were 2.7 KB of an
        organisation's 7.1 KB in memory (2.7 GB at 10⁶ organisations). A frozen model never
        changes which fields were set, and `model_copy` copies the set before updating it,
        so a shared one is never written.
        """
        fields = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault((type(self), frozenset(fields)), fields)
        object.__setattr__(self, "__pydantic_fields_set__", shared)


class Region(_Model):
    province: SharedText = "浙江省"
    city: SharedText = "杭州市"
    park: SharedText | None = None


class ChainPosition(_Model):
    """A place in the industry-chain taxonomy: chain id and segment id (see taxonomy)."""

    chain: SharedText
    segment: SharedText


class Product(_Model):
    name: SharedText
    share: float = Field(default=0.0, ge=0.0, le=1.0, description="share of revenue, 0..1")


class Qualification(_Model):
    name: SharedText
    issuer: SharedText | None = None
    valid_until: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class Contact(_Model):
    """Private: only shown to callers with a token."""

    name: ShortText
    role: SharedText | None = None
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
