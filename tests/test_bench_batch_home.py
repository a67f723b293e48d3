"""`eval.bench_batch --home`: a second run reuses the catalog, index and fit it left."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.choice import EncoderKind
from eval.bench_batch import run


def test_a_kept_home_is_reused_with_the_same_answers(tmp_path: Path) -> None:
    home = tmp_path / "bench"
    opts = {"k": 5, "chunk": 10, "ray_local": False, "workers": 1, "seed": 0, "home": home}
    first = run(40, EncoderKind.HASHING, **opts)  # type: ignore[arg-type]
    assert first["reused_home"] is False
    assert (home / "catalog.sqlite").exists()
    again = run(40, EncoderKind.HASHING, **opts)  # type: ignore[arg-type]
    assert again["reused_home"] is True
    assert again["in_process"]["sha256"] == first["in_process"]["sha256"]
    assert again["in_process"]["rows"] == first["in_process"]["rows"] > 0
    with pytest.raises(ValueError, match=r"holds 40 organisations, not --orgs 41"):
        run(41, EncoderKind.HASHING, **opts)  # type: ignore[arg-type]
