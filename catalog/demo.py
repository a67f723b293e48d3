"""The demo park shipped with the package: fictional organisations, labelled as such."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from catalog.models import Organisation

__all__ = ["DEMO_LABEL", "demo_document", "load_demo_organisations"]

DEMO_LABEL = "demo park (fictional organisations, for demonstration only)"


def demo_document() -> dict[str, Any]:
    text = resources.files("catalog").joinpath("data/demo_park.json").read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def load_demo_organisations() -> list[Organisation]:
    return [Organisation.model_validate(o) for o in demo_document()["organisations"]]
