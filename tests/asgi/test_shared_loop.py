"""One container loop shared by invocations on many threads at once (:func:`mangum._asgi.loop.share`):
each call runs as a task of its own in its caller's context, and a deadline cancels its own task
and no other."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

import pytest

from mangum._asgi import loop
from mangum.exceptions import DeadlineExceeded

caller: ContextVar[str] = ContextVar("caller", default="")


class _Context:
    """A Lambda context with ``millis`` left."""

    def __init__(self, millis: int) -> None:
        self.millis = millis

    def get_remaining_time_in_millis(self) -> int:
        return self.millis


@pytest.fixture
def shared() -> Iterator[asyncio.AbstractEventLoop]:
    """The container loop shared, run by a thread of its own until the test ends."""
    running = loop.share()
    stop = running.create_future()
    thread = threading.Thread(target=running.run_until_complete, args=(stop,))
    thread.start()
    yield running
    running.call_soon_threadsafe(stop.set_result, None)
    thread.join()
    loop.unshare()


def test_calls_from_many_threads_run_together_each_in_its_callers_context(
    shared: asyncio.AbstractEventLoop,
) -> None:
    arrived: list[str] = []
    everyone = asyncio.Event()

    async def meet(count: int) -> tuple[str, bool]:
        arrived.append(caller.get())
        if len(arrived) == count:
            everyone.set()
        await asyncio.wait_for(everyone.wait(), 10)
        return caller.get(), asyncio.get_running_loop() is shared

    def call(name: str) -> tuple[str, bool]:
        caller.set(name)
        return loop.run(meet(4))

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(call, ["a", "b", "c", "d"]))

    assert answers == [("a", True), ("b", True), ("c", True), ("d", True)]
    assert sorted(arrived) == ["a", "b", "c", "d"]


def test_a_deadline_cancels_only_its_own_call(shared: asyncio.AbstractEventLoop) -> None:
    release = asyncio.Event()
    cancelled: list[str] = []

    async def wait(name: str) -> str:
        try:
            await release.wait()
        except asyncio.CancelledError:
            cancelled.append(name)
            raise
        return name

    def late() -> str:
        return loop.run(wait("late"), _Context(300), margin=0.1)

    with ThreadPoolExecutor(2) as pool:
        patient = pool.submit(loop.run, wait("patient"), _Context(60_000), 0.1)
        with pytest.raises(DeadlineExceeded, match=r"waiting at .*test_shared_loop\.py"):
            pool.submit(late).result(timeout=10)
        assert not patient.done()
        shared.call_soon_threadsafe(release.set)
        assert patient.result(timeout=10) == "patient"

    assert cancelled == ["late"]


def test_an_application_error_reaches_its_caller_only(shared: asyncio.AbstractEventLoop) -> None:
    async def fail() -> None:
        raise LookupError("mine")

    async def succeed() -> str:
        return "fine"

    with ThreadPoolExecutor(2) as pool:
        failing = pool.submit(loop.run, fail())
        fine = pool.submit(loop.run, succeed())
        with pytest.raises(LookupError, match="mine"):
            failing.result(timeout=10)
        assert fine.result(timeout=10) == "fine"
