"""Where a ChainMatch installation keeps its state, and how the pieces are put together.

The CLI and the HTTP service both open a `Workspace`; neither wires stores, encoders and
indexes by hand, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import closing
from typing import Any

from filelock import FileLock

from catalog.audit import Who
from catalog.db import Checkpoint
from catalog.demo import DEMO_LABEL, load_demo_organisations
from catalog.errors import ConflictError
from catalog.events import EventStore
from catalog.models import Organisation
from catalog.paths import Paths
from catalog.store import CatalogStore
from catalog.taxonomy import Taxonomy, load_default_taxonomy
from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.choice import EncoderKind, model_card, open_encoder, sparse_encoder_for
from eval.scale_catalog import ScaleSources, iter_organisations, scale_label
from matcher.engine import MatchEngine
from matcher.index import IndexKind

__all__ = ["EncoderKind", "Paths", "Workspace"]

log = logging.getLogger(__name__)

DEMO_LOADER = Who("system", "demo")


class Workspace:
    """Catalog store + encoder + engine for one home folder; opened lazily, closed once."""

    def __init__(
        self,
        paths: Paths,
        *,
        encoder_kind: EncoderKind = EncoderKind.E5_SMALL,
        index_kind: IndexKind = IndexKind.AUTO,
        milvus_uri: str | None = None,
        taxonomy: Taxonomy | None = None,
        today: dt.date | None = None,
        progress: bool = True,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.paths = paths
        self.checkpoint = checkpoint
        self.encoder_kind = encoder_kind
        self.index_kind = index_kind
        # IndexKind.MILVUS only: a server, else a milvus-lite folder in the home
        self.milvus_uri = milvus_uri or str((paths.home / "milvus.db").absolute())
        self.taxonomy = taxonomy or load_default_taxonomy()
        self.today = today
        self.progress = progress
        paths.home.mkdir(parents=True, exist_ok=True)
        self.store = CatalogStore(paths.db, checkpoint=checkpoint)
        self._encoder: CachedEncoder | None = None
        # one process at a time fills an empty catalog or writes the index folder (serve's
        # workers start together; a compaction saves while another worker starts)
        self.lock = FileLock(str(paths.home / ".workspace.lock"))

    def close(self) -> None:
        self.store.close()
        if self._encoder is not None:
            self._encoder.cache.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def events(self) -> EventStore:
        """The event tables in the catalog's file (close it after use: ``with ws.events()``)."""
        return EventStore(self.paths.db, checkpoint=self.checkpoint)

    def encoder(self) -> CachedEncoder:
        if self._encoder is None:
            self._encoder = open_encoder(
                self.encoder_kind,
                models=self.paths.models,
                cache=self.paths.cache,
                progress=self.progress,
            )
        return self._encoder

    def engine(self, *, rebuild: bool = False) -> MatchEngine:
        """An engine over the whole catalog; the saved index is synced, not rebuilt. Its
        sparse vectors (the SAE head, for `ask`) share the encoder's model and cache."""
        encoder = self.encoder()
        engine = MatchEngine(
            self.store.all(),
            self.taxonomy,
            encoder,
            index_kind=self.index_kind,
            milvus_uri=self.milvus_uri,
            today=self.today,
            sparse_encoder=sparse_encoder_for(encoder),
        )
        with self.lock:
            if rebuild:
                engine.build()
                changed = True
            else:
                delta = engine.load(self.paths.index)
                changed = bool(delta["added"] or delta["removed"] or delta.get("sparse_encoded"))
            if changed:
                engine.vectors.save(self.paths.index, checkpoint=self.checkpoint)
        return engine

    def save_engine(self, engine: MatchEngine) -> None:
        """Save a running engine's indexes (a compaction) into the home's index folder, with
        its chain knowledge when fitted on that very catalog (`MatchEngine.save`)."""
        with self.lock:
            engine.save(self.paths.index)

    def save_knowledge(self, engine: MatchEngine) -> None:
        """Save the engine's chain knowledge beside the index, if fitted on its own catalog
        and not read from there: the next start (a restart, another ``serve`` worker, a
        batch actor) reads it instead of fitting (84–90 s at 10⁵ organisations)."""
        try:
            with self.lock:
                engine.save_knowledge(self.paths.index)
        except OSError as exc:  # a cache: the service runs without it
            log.warning("could not save the chain knowledge in %s: %s", self.paths.index, exc)

    def load_demo(self, *, replace: bool = False) -> int:
        """Put the demo park into an empty catalog; ``replace`` restores edited demo entries.

        Never deletes anything: organisations a user added stay where they are.
        """
        if self.store.count() and not replace:
            return 0
        n = self.store.upsert(load_demo_organisations(), who=DEMO_LOADER)
        self.store.set_meta("source", DEMO_LABEL)
        return n

    def load_demo_extras(self) -> dict[str, int]:
        """The demo park's fictional desk requests, challenges and toolkit, each into an
        empty store; what was loaded, by name (nothing when the catalog is not the demo
        park's). `chainmatch demo` and `serve` on an empty home both call it."""
        loaded = {
            "desk requests": self.load_demo_desk(),
            "challenges (揭榜挂帅)": self.load_demo_challenges(),
            "toolkit items (惠企工具包)": self.load_demo_toolkit(),
        }
        return {what: n for what, n in loaded.items() if n}

    def load_scale(
        self, n: int, seed: int, *, chunk: int = 5000, done: Callable[[int], None] | None = None
    ) -> int:
        """Put ``n`` generated organisations (`eval.scale_catalog`, ``seed``) into an empty
        catalog, ``chunk`` at a time (``done`` is told how many after each); 0 when this
        very catalog is already there. Any other catalog is left alone: ConflictError."""
        label = scale_label(n, seed)
        if self.store.get_meta("source") == label:
            return 0
        have = self.store.count()
        if have:
            raise ConflictError(
                f"the catalog in {self.paths.home} already holds {have} organisations; "
                "a scale demo needs an empty one (give another --home)"
            )
        src = ScaleSources.load()
        batch: list[Organisation] = []
        written = 0
        for rec in iter_organisations(src, n, seed=seed, validate=False):
            batch.append(Organisation.model_validate(rec))
            if len(batch) == chunk:
                written += self.store.upsert(batch)
                batch.clear()
                if done is not None:
                    done(written)
        written += self.store.upsert(batch)
        if done is not None:
            done(written)
        self.store.set_meta("source", label)
        return written

    def load_demo_desk(self) -> int:
        """Replay the fictional demo requests into an empty desk of the demo park; 0 when
        the catalog is not the demo park's or the desk already holds requests."""
        from catalog.desk import DeskStore
        from catalog.desk.demo import load_demo_requests

        if self.store.get_meta("source") != DEMO_LABEL:
            return 0
        with DeskStore(self.paths.db) as desk:
            return len(load_demo_requests(desk))

    def load_demo_challenges(self) -> int:
        """Replay the fictional demo challenges (揭榜挂帅) into an empty store of the demo
        park; 0 when the catalog is not the demo park's or challenges exist already."""
        from catalog.challenge import ChallengeStore
        from catalog.challenge.demo import load_demo_challenges

        if self.store.get_meta("source") != DEMO_LABEL:
            return 0
        with ChallengeStore(self.paths.db) as store:
            return len(load_demo_challenges(store))

    def load_demo_toolkit(self) -> int:
        """The fictional toolkit items and facts into an empty toolkit of the demo park;
        returns the items loaded (0 when not the demo park or the toolkit is not empty)."""
        from catalog.toolkit.demo import load_demo_toolkit
        from catalog.toolkit.store import ToolkitStore

        if self.store.get_meta("source") != DEMO_LABEL:
            return 0
        with ToolkitStore(self.paths.db) as tk:
            return load_demo_toolkit(tk, self.store.all())[0]

    def model_card(self) -> tuple[str, int | None]:
        """The ``(model_id, dim)`` of `encoder`, without loading or building a model.

        The e5 dimension is read from the model folder's build record; it is None while
        that folder is not built yet (the first `encoder` call builds it).
        """
        if self._encoder is not None:
            return self._encoder.model_id, self._encoder.dim
        return model_card(self.encoder_kind, self.paths.models)

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
