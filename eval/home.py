"""The home folder of the ``python -m eval.…`` entry points: ``CHAINMATCH_HOME`` and
``CHAINMATCH_MODELS``, read here as the CLI reads them, so the benchmarks reuse the
CLI's model and embedding cache. Library code below eval never reads the environment."""

from __future__ import annotations

import os
from pathlib import Path

from catalog.paths import HOME_ENV, MODELS_ENV, Paths, default_home
from embeddings.cache import CachedEncoder
from embeddings.choice import Backend, EncoderKind, open_encoder

__all__ = ["home_e5", "home_paths"]


def home_paths(home: Path | None = None) -> Paths:
    """``home`` if given, else ``$CHAINMATCH_HOME``, else ~/.chainmatch."""
    home = home or Path(os.environ.get(HOME_ENV) or default_home())
    models = os.environ.get(MODELS_ENV)
    return Paths(home, Path(models) if models else None)


def home_e5(backend: Backend) -> CachedEncoder:
    """e5-small on ``backend`` behind the home's embedding cache, as the ask studies read
    it (the caller closes ``encoder.cache``)."""
    paths = home_paths()
    return open_encoder(
        EncoderKind.E5_SMALL,
        models=paths.models,
        cache=paths.cache,
        backend=backend,
        progress=False,
    )
