"""The demo park shipped with the package: fictional organisations, labelled as such.

``demo_park.json`` beside this file is generated from the phrase files in ``phrases/`` by
``python -m catalog.demo.generate --write``; ``--check`` (and ``tests/test_demo_data.py``)
confirm that the committed file is exactly what the generator makes.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from catalog.models import Organisation

__all__ = ["DEMO_LABEL", "PARK_FILE", "demo_document", "load_demo_organisations"]

DEMO_LABEL = "demo park (fictional organisations, for demonstration only)"
PARK_FILE = "demo_park.json"


def demo_document() -> dict[str, Any]:
    """The whole demo park: description, tour and organisations."""
    text = resources.files("catalog.demo").joinpath(PARK_FILE).read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def load_demo_organisations() -> list[Organisation]:
    """The demo park's organisations, validated."""
    return [Organisation.model_validate(o) for o in demo_document()["organisations"]]
