"""The structured demo data beside the concept pools: names, qualifications, tails, probes.

Each ``catalog/demo/phrases/<name>.json`` file is validated by a pydantic model here, so a
typo in a hand-edited file fails with the file name and the offending key rather than
somewhere deep in the generator. Every file may carry an ``about`` list of lines explaining
its fields; the generator ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from catalog.demo.pools import PHRASES_DIR, DemoDataError

__all__ = [
    "HandWritten",
    "Layout",
    "Names",
    "ProbeFile",
    "Qualifications",
    "Tables",
    "Tails",
    "load_tables",
    "syllables",
]

Qual = tuple[str, str]  # (name, issuer); issuer "*" means one of the certification bodies


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    about: tuple[str, ...] = ()


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HandWritten(_Row):
    """An institute or service provider written by hand (concept keys, not wordings)."""

    name: str
    positions: tuple[str, ...]
    offers: tuple[str, ...]
    size: str
    needs: tuple[str, ...]


class Organisations(_File):
    institutes: tuple[HandWritten, ...]
    services: tuple[HandWritten, ...]


class Names(_File):
    """Syllables and words the generator invents names, contacts and addresses from."""

    brand_first: tuple[str, ...]
    brand_second: tuple[str, ...]
    brand_exclude: frozenset[str]
    legal_forms: tuple[str, ...]
    surnames: tuple[str, ...]
    given_names: tuple[str, ...]
    roles: dict[str, tuple[str, ...]]
    parks: tuple[str, ...]
    park_weights: dict[str, tuple[int, ...]]


class Qualifications(_File):
    cert_bodies: tuple[str, ...]
    high_tech: Qual
    specialised: Qual
    by_chain: dict[str, tuple[Qual, ...]]
    by_segment: dict[str, tuple[Qual, ...]]
    by_service_segment: dict[str, tuple[Qual, ...]]
    by_concept: dict[str, Qual]


class Tails(_File):
    """Optional endings that make statements read like real postings."""

    goods_segments: frozenset[str]
    service_segments: frozenset[str]
    offer_zh: dict[str, tuple[str, ...]]
    offer_en: dict[str, tuple[str, ...]]
    need_zh: dict[str, tuple[str, ...]]
    need_en: tuple[str, ...]


class Probe(_Row):
    need: str
    offer: str
    note: str


class SubstituteSegment(_Row):
    segment: str
    unrelated_chain: str


class SubstituteService(_Row):
    segment: str
    org: str
    substitute: str


class ProbeFile(_File):
    """Known answers planted in the park for the end-to-end tests."""

    probes: tuple[Probe, ...]
    substitute_segments: tuple[SubstituteSegment, ...]
    substitute_services: tuple[SubstituteService, ...]


class Tour(_Row):
    partners: tuple[str, ...]
    substitutes: tuple[str, ...]
    ask: tuple[str, ...]


class Layout(_File):
    """The shape of the park: how many enterprises where, and the tour of the demo."""

    description: str
    tour: Tour
    default_enterprises: int
    enterprises_per_segment: dict[str, int]
    second_position: dict[str, str]


@dataclass(frozen=True)
class Tables:
    """Everything the generator reads besides the concept pools and the taxonomy."""

    organisations: Organisations
    names: Names
    qualifications: Qualifications
    tails: Tails
    probes: ProbeFile
    layout: Layout


_M = TypeVar("_M", bound=_File)


def _load(name: str, model: type[_M]) -> _M:
    item = resources.files("catalog.demo").joinpath(PHRASES_DIR).joinpath(name)
    where = f"catalog/demo/{PHRASES_DIR}/{name}"
    try:
        return model.model_validate_json(item.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoDataError(f"{where} is missing") from None
    except ValidationError as exc:
        raise DemoDataError(f"{where}: {exc}") from None


def load_tables() -> Tables:
    """Read and validate the JSON files shipped in ``catalog/demo/phrases``."""
    return Tables(
        organisations=_load("organisations.json", Organisations),
        names=_load("names.json", Names),
        qualifications=_load("qualifications.json", Qualifications),
        tails=_load("tails.json", Tails),
        probes=_load("probes.json", ProbeFile),
        layout=_load("park.json", Layout),
    )


def syllables(tokens: tuple[str, ...]) -> list[tuple[str, str]]:
    """'星xing', '澄cheng' → [('星', 'xing'), ('澄', 'cheng')]: a character and its pinyin."""
    return [(tok[0], tok[1:]) for tok in tokens]
