"""The OpenVINO encoder agrees with the torch one (the real model; skipped without openvino)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from catalog.demo import load_demo_organisations
from embeddings.errors import ModelUnavailableError
from embeddings.openvino import OpenVINOEncoder, openvino_available
from embeddings.rebuild import ensure_default_model
from embeddings.sentence import load_default_encoder

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not openvino_available(), reason="openvino is not installed"),
]


def test_openvino_vectors_match_torch(model_dir: Path) -> None:
    texts = [t for o in load_demo_organisations()[:60] for t in (*o.offers, *o.needs)]
    texts += ["液氨", "尿素", "IP pledge loan using our patents"]
    ov = OpenVINOEncoder(ensure_default_model(model_dir))
    torch = load_default_encoder(model_dir, progress=False)
    assert ov.dim == torch.dim == 384
    assert ov.model_id != torch.model_id  # not bit-identical: cached apart
    for ours, ref in (
        (ov.encode_queries(texts), torch.encode_queries(texts)),
        (ov.encode_passages(texts), torch.encode_passages(texts)),
    ):
        cos = (ours * ref).sum(axis=1)
        assert cos.min() >= 0.999, f"min cosine {cos.min():.5f}"
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert ov.encode_queries([]).shape == (0, 384)


def test_a_missing_model_folder_is_model_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no embedding model"):
        OpenVINOEncoder(tmp_path / "absent")
