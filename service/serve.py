"""Run the HTTP service on explicit `Settings` (what ``chainmatch serve`` does).

One worker gets the app object itself: ``create_app(settings)``. Several workers are
processes that uvicorn starts from an import string, and all such a process inherits is its
environment; so this process becomes ``python -m uvicorn … --workers N`` (``os.execve``)
with an environment built here: the current one plus the fields the command line set.
Signals then reach uvicorn directly. Neither path writes ``os.environ``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from embeddings.choice import EncoderKind
from service.settings import Settings

__all__ = ["APP_FACTORY", "serve_settings", "settings_for", "worker_env"]

APP_FACTORY = "service.api.app:create_app"


def settings_for(home: Path | None, encoder: EncoderKind) -> Settings:
    """The service's settings: ``--home`` and ``--encoder`` from the command line, every
    other field from the ``CHAINMATCH_*`` environment as usual."""
    return Settings(encoder=encoder) if home is None else Settings(home=home, encoder=encoder)


def worker_env(settings: Settings, base: Mapping[str, str]) -> dict[str, str]:
    """``base`` with the two settings the command line can set, for worker processes whose
    `create_app` reads `Settings` from their environment. Every other field already comes
    from ``base``."""
    return {
        **base,
        "CHAINMATCH_HOME": str(settings.home),
        "CHAINMATCH_ENCODER": settings.encoder.value,
    }


def serve_settings(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted. With several workers this process is replaced by uvicorn's
    supervisor and the call does not return."""
    if workers == 1:
        import uvicorn

        from service.api.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port)
        return
    command = [sys.executable, "-m", "uvicorn", APP_FACTORY, "--factory"]
    command += ["--host", host, "--port", str(port), "--workers", str(workers)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, worker_env(settings, os.environ))
