"""Counting the threads timed-out invocations leave running: busy ones count, waiting ones do not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from mangum.runtime.leaks import DEFAULT_MAX_LEAKED_THREADS, leaked_threads, max_leaked_threads


@pytest.fixture
def release() -> Iterator[threading.Event]:
    done = threading.Event()
    yield done
    done.set()


def _sleeper(stop: list[bool]) -> None:
    while not stop:
        time.sleep(0.01)  # stuck in synchronous code, as a hung route is


def test_a_thread_stuck_in_code_counts_and_a_waiting_one_does_not(release: threading.Event) -> None:
    stop: list[bool] = []
    stuck = threading.Thread(target=_sleeper, args=(stop,), name="stuck-route", daemon=True)
    waiting = threading.Thread(target=release.wait, name="library-flusher", daemon=True)
    own = threading.Thread(target=release.wait, name="mangum-deadline-test", daemon=True)
    with ThreadPoolExecutor(1, thread_name_prefix="idle-pool") as pool:
        pool.submit(lambda: None).result()
        for thread in (stuck, waiting, own):
            thread.start()
        found = leaked_threads()
    stop.append(True)
    assert "stuck-route" in found
    assert not {"library-flusher", "mangum-deadline-test"} & set(found)
    assert not any(name.startswith("idle-pool") for name in found)


def test_the_limit_comes_from_the_environment() -> None:
    assert max_leaked_threads({}) == DEFAULT_MAX_LEAKED_THREADS
    assert max_leaked_threads({"MANGUM_MAX_LEAKED_THREADS": "3"}) == 3
    assert max_leaked_threads({"MANGUM_MAX_LEAKED_THREADS": "0"}) == 0
    with pytest.raises(ValueError, match="whole number"):
        max_leaked_threads({"MANGUM_MAX_LEAKED_THREADS": "-1"})
