"""A model's forward passes on a few threads of its own, whichever thread asks.

Why: a web server calls the encoder from its whole thread pool (anyio: 40 threads), and
every thread that runs torch keeps per-thread state (allocator arenas, kernel caches keyed
by input shape) that is never given back. Measured with the e5 model and its sparse head,
3,000 distinct texts of 4–120 characters, OMP_NUM_THREADS=1: called from 40 threads the
process grew 1.96 → 2.56 GB (2.0 GB at the start already), still growing; 40 threads with
at most 2 inside the model at once (a semaphore) 1.79 → 2.44 GB, still growing; the same
work on one thread stayed at 1.30 → 1.33 GB, and from 40 threads through this pool of 2
at 1.67 → 1.76 GB, flat after the first 1,000 texts. The soak's server grew 1.20 → 2.18 GB
PSS in 10 minutes. Running every pass on a fixed pool bounds that memory by the pool's size.

A call made from one of the pool's own threads runs inline (the dense encoder and the
sparse head share one pool, and nothing may wait on itself).

Example usage::

    threads = ModelThreads(2)
    vectors = threads.run(model.encode, texts)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["DEFAULT_MODEL_THREADS", "ModelThreads"]

P = ParamSpec("P")
T = TypeVar("T")

# Two: one per core of the 2-core machine (torch runs one OpenMP thread per pass there);
# memory grows with the threads that ever ran the model, not with the callers.
DEFAULT_MODEL_THREADS = 2


class ModelThreads:
    """A fixed pool the model's passes run on; callers block until their pass is done."""

    def __init__(self, threads: int = DEFAULT_MODEL_THREADS, *, name: str = "model") -> None:
        if threads < 1:
            raise ValueError(f"model threads must be at least 1, got {threads}")
        self.threads = threads
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix=name, initializer=self._mark
        )

    def _mark(self) -> None:
        self._local.inside = True

    def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` on one of the pool's threads (inline on one of them);
        its exception is raised here."""
        if getattr(self._local, "inside", False):
            return fn(*args, **kwargs)
        return self._pool.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        """Let the pool's threads end once idle (a closed pool refuses new passes)."""
        self._pool.shutdown(wait=False)
