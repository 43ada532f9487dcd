"""The container loop: one loop reused by every run, and a worker thread when the caller already
runs a loop of its own."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading

import pytest

from mangum._asgi import loop


async def current() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    return asyncio.get_running_loop(), threading.current_thread()


def test_every_run_uses_the_same_loop_in_the_calling_thread() -> None:
    first_loop, first_thread = loop.run(current())
    second_loop, second_thread = loop.run(current())
    assert first_loop is second_loop is loop.container_loop()
    assert first_thread is second_thread is threading.current_thread()
    assert not first_loop.is_running()
    assert not first_loop.is_closed()


def test_objects_bound_to_the_loop_survive_between_runs() -> None:
    async def open_queue() -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue()

        async def produce() -> None:
            await queue.put("made in the first run")

        asyncio.get_running_loop().create_task(produce())
        return queue

    queue = loop.run(open_queue())
    assert loop.run(queue.get()) == "made in the first run"


def test_a_caller_with_a_running_loop_is_served_on_the_worker_thread() -> None:
    async def caller() -> tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop, threading.Thread]:
        # A synchronous call from async code, as a handler called in a notebook would be.
        ran_on, thread = loop.run(current())
        return asyncio.get_running_loop(), ran_on, thread

    callers_loop, ran_on, thread = asyncio.run(caller())
    assert ran_on is loop.container_loop()
    assert ran_on is not callers_loop
    assert thread is not threading.current_thread()
    assert thread.name.startswith("mangum-loop")
    # The same worker thread serves every such call.
    assert asyncio.run(caller())[2] is thread


@pytest.mark.parametrize("from_async", [False, True], ids=["sync-caller", "async-caller"])
def test_exceptions_reach_the_caller(from_async: bool) -> None:
    async def fail() -> None:
        raise LookupError("from the coroutine")

    async def call_from_async() -> None:
        loop.run(fail())

    def call() -> None:
        if from_async:
            asyncio.run(call_from_async())
        else:
            loop.run(fail())

    with pytest.raises(LookupError, match="from the coroutine"):
        call()


def test_a_call_from_inside_the_container_loop_is_refused() -> None:
    async def inner() -> int:
        return 1

    async def reenter() -> None:
        loop.run(inner())

    with pytest.raises(RuntimeError, match="inside one of its own invocations"):
        loop.run(reenter())


# Run in a process of its own: in the test session, other tests' lifespans have registered shutdown
# callbacks of their own, which running the shutdown would run.
SHUTDOWN_PROBE = """
import json, sys, threading
from mangum._asgi import loop

threads = []

def seen(frame, event, arg):
    threads.append(threading.current_thread().name)
    sys.setprofile(None)

threading.setprofile(seen)
nothing_pending = loop.run_shutdown_callbacks()
report = {"nothing_pending": nothing_pending, "threads": list(threads), "modules": sorted(sys.modules)}
ran = []
loop.on_shutdown(lambda: ran.append(threading.current_thread().name))
report["one_pending"] = loop.run_shutdown_callbacks()
report["ran_on"] = ran
print(json.dumps(report))
"""


def test_with_no_shutdown_callback_pending_the_shutdown_returns_at_once_without_a_thread() -> None:
    probe = subprocess.run([sys.executable, "-c", SHUTDOWN_PROBE], capture_output=True, text=True, check=True)
    report = json.loads(probe.stdout)

    assert report["nothing_pending"] is True
    assert report["threads"] == []
    assert "mangum._asgi.shutdown" not in report["modules"]
    # A pending callback still runs, on the helper thread, within the window.
    assert report["one_pending"] is True
    assert report["ran_on"] == ["mangum-shutdown"]


EXIT_PROBE = """
import asyncio, sys, threading
from mangum._asgi import loop

async def generator():
    try:
        yield 1
    finally:
        print("generator finalised", flush=True)

kept = []

async def leave_work_behind(executor):
    kept.append(generator())
    await kept[0].__anext__()  # suspended: only the loop's shutdown_asyncgens() finalises it
    if executor:
        await asyncio.get_running_loop().run_in_executor(None, lambda: None)

loop.run(leave_work_behind(executor=sys.argv[1] == "executor"))
"""


@pytest.mark.parametrize("executor", ["executor", "none"])
def test_at_exit_the_container_loop_finalises_suspended_generators(executor: str) -> None:
    # With and without a default executor: each step of closing the loop is skipped only when
    # there is nothing for it to do.
    probe = subprocess.run(
        [sys.executable, "-c", EXIT_PROBE, executor], capture_output=True, text=True, check=True, timeout=30
    )

    assert probe.stdout == "generator finalised\n"
    assert probe.stderr == ""
