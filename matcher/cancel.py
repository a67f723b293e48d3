"""Cooperative cancellation of long background work (a knowledge refit, a compaction).

`matcher.live.LiveEngine` refits and compacts on a thread of its own. A process must not
exit while that thread is inside native code (FAISS, BLAS): the interpreter's shutdown
would tear the thread down mid-call and abort (``FATAL: exception not rethrown``). So
`LiveEngine.close` waits for the thread, always, and makes the wait short instead: the work
calls `checkpoint` between its steps, and a checkpoint in a context made `cancellable`
raises `Cancelled` once the stop event is set. Anywhere else (a request thread, a test) a
checkpoint does nothing.

Example usage::

    with cancellable(stop):        # stop: a threading.Event
        refit(engine)              # raises Cancelled at its next checkpoint once stop is set
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Cancelled", "cancellable", "checkpoint"]

_STOP: ContextVar[threading.Event | None] = ContextVar("chainmatch_stop", default=None)


class Cancelled(Exception):
    """Background work stopped at a checkpoint: its owner is closing."""


def checkpoint() -> None:
    """Raise `Cancelled` if the current context's work was asked to stop."""
    stop = _STOP.get()
    if stop is not None and stop.is_set():
        raise Cancelled("stopped: the engine is closing")


@contextmanager
def cancellable(stop: threading.Event) -> Iterator[None]:
    """Make checkpoints within the block raise `Cancelled` once ``stop`` is set."""
    token = _STOP.set(stop)
    try:
        yield
    finally:
        _STOP.reset(token)
