"""Where one ChainMatch home keeps its files; paths only, never the environment.

The service's settings and the ``python -m eval.…`` entry points decide the home folder
(``--home``, ``CHAINMATCH_HOME``) and pass it in; the layout below is the same for all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["HOME_ENV", "MODELS_ENV", "Paths", "default_home"]

HOME_ENV = "CHAINMATCH_HOME"  # read by service.settings and eval.home, never here
MODELS_ENV = "CHAINMATCH_MODELS"


def default_home() -> Path:
    """The home folder when neither ``--home`` nor ``CHAINMATCH_HOME`` names one."""
    return Path.home() / ".chainmatch"


@dataclass(frozen=True)
class Paths:
    """Everything lives under ``home``; the model folder may be shared between homes."""

    home: Path
    model_dir: Path | None = None

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

    @property
    def reports(self) -> Path:
        return self.home / "reports"
