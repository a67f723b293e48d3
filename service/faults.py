"""Stop this process at a named point mid-write, for the kill -9 fault tests.

With ``CHAINMATCH_PAUSE_AT=<point>`` and ``CHAINMATCH_PAUSE_FILE=<path>`` in its environment,
a ``chainmatch`` command that reaches ``<point>`` (see `catalog.db.Checkpoint`: e.g.
``catalog.before_commit``, ``events.before_commit``, ``backup.file_copied``) writes its pid
to ``<path>`` and waits until that file is removed. A test waits for the file, kills the
process with SIGKILL — deterministically mid-operation — and checks what survived.
Without the variables nothing is installed and nothing is checked.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path

from catalog.db import Checkpoint

__all__ = ["PAUSE_AT", "PAUSE_FILE", "checkpoint_from_env"]

log = logging.getLogger(__name__)

PAUSE_AT = "CHAINMATCH_PAUSE_AT"
PAUSE_FILE = "CHAINMATCH_PAUSE_FILE"


def checkpoint_from_env(env: Mapping[str, str]) -> Checkpoint | None:
    """The pausing checkpoint the environment asks for, else None."""
    point, file = env.get(PAUSE_AT), env.get(PAUSE_FILE)
    if not point or not file:
        return None
    marker = Path(file)

    def pause(reached: str) -> None:
        if reached != point:
            return
        log.warning("paused at %s (pid %d) until %s is removed", reached, os.getpid(), marker)
        tmp = marker.with_name(marker.name + ".tmp")
        tmp.write_text(str(os.getpid()), encoding="utf-8")
        os.replace(tmp, marker)  # the waiting test never reads a half-written pid
        while marker.exists():
            time.sleep(0.01)

    return pause
