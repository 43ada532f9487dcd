"""Stepping an invocation through the loop's ready queue: everything a task sees is what it sees
under ``run_until_complete``, and whatever waits on I/O or a timer is finished by the loop."""

from __future__ import annotations

import asyncio
import contextvars
import subprocess
import sys
import textwrap
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, cast

import anyio
import pytest
import sniffio

from mangum._asgi import loop

ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="none")


@pytest.fixture
def slow_runs() -> Iterator[list[object]]:
    """The coroutines or tasks the container loop's run_until_complete was asked to finish."""
    container = loop.container_loop()
    seen: list[object] = []
    original = container.run_until_complete

    def recording(future: Any) -> Any:
        seen.append(future)
        return original(future)

    container.run_until_complete = recording  # type: ignore[method-assign]  # observe it, unchanged
    yield seen
    del container.run_until_complete  # the class's own again


def test_a_task_that_never_waits_is_done_without_the_loop(slow_runs: list[object]) -> None:
    async def observe() -> tuple[bool, bool, object]:
        running = asyncio.get_running_loop()
        return running is loop.container_loop(), running.is_running(), asyncio.current_task()

    same_loop, was_running, task = loop.run(observe())
    assert (same_loop, was_running) == (True, True)
    assert isinstance(task, asyncio.Task)
    assert slow_runs == []
    assert not loop.container_loop().is_running()
    assert asyncio._get_running_loop() is None


def test_context_variables_and_sniffio_see_asyncio(slow_runs: list[object]) -> None:
    async def inner() -> str:
        await asyncio.sleep(0)
        return REQUEST_ID.get()

    async def outer() -> tuple[str, str, str]:
        REQUEST_ID.set("abc")
        child = asyncio.get_running_loop().create_task(inner())
        return await child, REQUEST_ID.get(), sniffio.current_async_library()

    assert loop.run(outer()) == ("abc", "abc", "asyncio")
    assert REQUEST_ID.get() == "none"
    assert slow_runs == []


def test_anyio_task_groups_and_streams_run_stepped(slow_runs: list[object]) -> None:
    async def relay() -> list[int]:
        send, receive = anyio.create_memory_object_stream[int](1)
        got: list[int] = []

        async def consume() -> None:
            async with receive:
                async for item in receive:
                    got.append(item)

        async with anyio.create_task_group() as group, send:
            group.start_soon(consume)
            for item in range(3):
                await send.send(item)
        return got

    assert loop.run(relay()) == [0, 1, 2]
    assert slow_runs == []


def test_a_timer_or_a_worker_thread_is_finished_by_the_loop(slow_runs: list[object]) -> None:
    async def waits() -> tuple[str, str]:
        await asyncio.sleep(0.01)
        worker = await anyio.to_thread.run_sync(lambda: threading.current_thread().name)
        return "slept", worker

    slept, worker = loop.run(waits())
    assert slept == "slept"
    assert worker != threading.current_thread().name
    assert len(slow_runs) == 1


def test_a_background_timer_makes_the_next_invocation_use_the_loop(slow_runs: list[object]) -> None:
    done = asyncio.Event()

    async def start_background() -> None:
        async def later() -> None:
            await asyncio.sleep(0.01)
            done.set()

        asyncio.get_running_loop().create_task(later())

    async def wait_for_it() -> bool:
        await done.wait()
        return done.is_set()

    loop.run(start_background())
    assert not loop.is_idle(loop.container_loop())
    assert loop.run(wait_for_it()) is True
    assert slow_runs, "the loop served the background timer"


def test_cancelled_timers_do_not_keep_the_loop_busy(slow_runs: list[object]) -> None:
    async def with_timeout() -> str:
        return await asyncio.wait_for(asyncio.sleep(0, "fast"), timeout=30)

    assert loop.run(with_timeout()) == "fast"
    assert loop.is_idle(loop.container_loop())
    assert loop.run(with_timeout()) == "fast"
    assert slow_runs == []


def test_exceptions_and_async_generators_behave_as_under_the_loop() -> None:
    async def numbers() -> AsyncIterator[int]:
        yield 1
        yield 2

    async def first() -> int:
        async for number in numbers():
            return number
        raise AssertionError("unreachable")

    async def fails() -> None:
        await asyncio.sleep(0)
        raise ValueError("from the app")

    assert loop.run(first()) == 1
    with pytest.raises(ValueError, match="from the app"):
        loop.run(fails())
    assert sys.get_asyncgen_hooks() == (None, None)


def test_a_process_that_ran_anyio_worker_threads_exits() -> None:
    # The failure this guards against: anyio's worker threads never told to stop, so the
    # interpreter waits for them at exit forever.
    script = textwrap.dedent(
        """
        import anyio
        from mangum._asgi import loop

        async def uses_a_worker():
            await anyio.sleep(0)
            return await anyio.to_thread.run_sync(lambda: 41) + 1

        for _ in range(3):
            assert loop.run(uses_a_worker()) == 42
        print("done")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout.strip() == "done"


def test_a_loop_that_is_not_the_standard_librarys_is_never_stepped() -> None:
    # uvloop's Loop, say: an event loop that is not an asyncio.BaseEventLoop.
    assert not loop.supports(cast(asyncio.AbstractEventLoop, object()))
    debug = asyncio.new_event_loop()
    debug.set_debug(True)
    try:
        assert not loop.supports(debug)
        debug.set_debug(False)
        assert loop.supports(debug)
    finally:
        debug.close()


def test_a_loop_that_runs_differently_from_the_standard_librarys_is_never_stepped() -> None:
    # Stepping writes out what run_forever does around its iterations: a loop class that does more
    # there (a GUI loop's, say) must be run by its own run_forever.
    class Integrated(asyncio.SelectorEventLoop):
        def run_forever(self) -> None:
            super().run_forever()

    plain, integrated = asyncio.new_event_loop(), Integrated()
    try:
        assert (loop.supports(plain), loop.supports(integrated)) == (True, False)
    finally:
        plain.close()
        integrated.close()
