"""Each package's public surface is explicit: ``__all__`` lists exactly what it exports."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("name", ["catalog", "embeddings", "matcher", "eval"])
def test_all_is_complete_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    for item in exported:
        assert hasattr(module, item), f"{name}.{item} is listed but missing"
    public = {
        k
        for k, v in vars(module).items()
        if not k.startswith("_") and not isinstance(v, type(importlib)) and k != "annotations"
    }
    assert public == set(exported), public ^ set(exported)
