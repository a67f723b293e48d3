"""One `Settings` object for the HTTP service, read from ``CHAINMATCH_*`` variables."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from catalog.paths import Paths, default_home
from embeddings.choice import EncoderKind
from matcher.index import IndexKind

__all__ = ["HomeSettings", "Settings", "home_paths"]

log = logging.getLogger(__name__)


class HomeSettings(BaseSettings):
    """Where the home folder, the model folder and the token file are (``CHAINMATCH_HOME``,
    ``CHAINMATCH_MODELS``, ``CHAINMATCH_TOKENS``) and which index holds the vectors
    (``CHAINMATCH_INDEX``, ``CHAINMATCH_MILVUS_URI``): all the CLI's commands need of the
    environment."""

    model_config = SettingsConfigDict(env_prefix="CHAINMATCH_", extra="ignore")

    home: Path = Field(default_factory=default_home)
    models: Path | None = None
    tokens: Path | None = Field(
        default=None,
        description="the named-token file (TOML, see service.tokens); default "
        "<home>/tokens.toml when that file exists",
    )
    index: IndexKind = IndexKind.AUTO  # exact (flat) below 2·10⁵ vectors a space, IVF above
    milvus_uri: str | None = Field(
        default=None,
        description="index milvus: a Milvus server (http://host:19530) or a milvus-lite "
        "folder ending in .db; default <home>/milvus.db",
    )

    def paths(self) -> Paths:
        return Paths(self.home, self.models)

    def token_file(self) -> Path:
        """``CHAINMATCH_TOKENS``, else ``<home>/tokens.toml`` (which may not exist yet)."""
        return self.tokens or self.home / "tokens.toml"

    def token_file_in_use(self) -> Path | None:
        """The token file the service reads: an explicit one always (a missing file is an
        error then), the default one only when it exists."""
        path = self.token_file()
        return path if self.tokens is not None or path.exists() else None


def home_paths(home: Path | None = None) -> Paths:
    """``home`` if given (``--home``), else the environment's, else ~/.chainmatch."""
    settings = HomeSettings() if home is None else HomeSettings(home=home)
    return settings.paths()


class Settings(HomeSettings):
    """The HTTP service's settings; built once in the app factory, never at import time."""

    encoder: EncoderKind = EncoderKind.E5_SMALL
    token: SecretStr | None = Field(
        default=None, description="bearer token for writes and contact data; none = read-only"
    )
    cors_origins: list[str] = Field(default_factory=list)
    max_upload_bytes: int = Field(default=5_000_000, ge=1_000, le=500_000_000)
    load_demo: bool = Field(default=True, description="load the demo park into an empty catalog")
    omp_threads: int = Field(default=1, ge=1, le=64)

    @field_validator("token")
    @classmethod
    def _strong_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or not v.get_secret_value():
            return None
        secret = v.get_secret_value()
        if secret == "changethis" or len(secret) < 16:
            raise ValueError("CHAINMATCH_TOKEN must be at least 16 characters and not a default")
        return v
