"""`ModelThreads`: every forward pass runs on the pool's own threads, however many threads
call (the memory a torch model keeps per thread is then bounded by the pool's size)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from embeddings.model_threads import ModelThreads


def test_forty_callers_run_on_at_most_the_pools_threads_and_get_their_own_answers() -> None:
    threads = ModelThreads(2)
    ran_on: set[int] = set()
    lock = threading.Lock()

    def square(x: int) -> int:
        with lock:
            ran_on.add(threading.get_ident())
        return x * x

    with ThreadPoolExecutor(40) as callers:
        got = list(callers.map(lambda x: threads.run(square, x), range(400)))
    threads.close()
    assert got == [x * x for x in range(400)]
    assert 1 <= len(ran_on) <= 2
    assert threading.get_ident() not in ran_on


def test_a_call_from_a_pool_thread_runs_inline_instead_of_waiting_on_itself() -> None:
    threads = ModelThreads(1)

    def outer() -> tuple[int, int]:
        return threading.get_ident(), threads.run(threading.get_ident)

    a, b = threads.run(outer)
    threads.close()
    assert a == b


def test_the_pass_s_exception_is_raised_to_the_caller() -> None:
    threads = ModelThreads(1)

    def fail() -> None:
        raise RuntimeError("bad batch")

    with pytest.raises(RuntimeError, match="bad batch"):
        threads.run(fail)
    assert threads.run(lambda: 7) == 7
    threads.close()


def test_a_pool_needs_a_thread() -> None:
    with pytest.raises(ValueError, match="model threads must be at least 1, got 0"):
        ModelThreads(0)
