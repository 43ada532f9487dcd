"""One event loop per container, reused by every invocation.

The loop is created on first use (``asyncio.new_event_loop()``) and each invocation runs to
completion on it: no ``asyncio.run`` per call, so connection pools, clients and the lifespan task
created on it stay usable from one invocation to the next. When nothing else waits on the loop, the
invocation's task is stepped through the loop's ready queue (:mod:`.ready_queue`), which finishes
most requests without polling for I/O; a task that waits on I/O or a timer, and every invocation
on a loop that is not the standard library's, runs with ``run_until_complete``. Uses of the loop are
serialised by a lock (Lambda sends one event at a time to an execution environment).

Called from a thread that is already running an event loop (the handler called from async code, a
notebook, a test using an async framework), the invocation cannot run there: it runs on a single
dedicated worker thread, still on the container loop, and the calling thread blocks until it is
done, as for any synchronous call. The caller's loop does not make progress in the meantime.

The loop is closed at interpreter exit, after the lifespan shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

from mangum._asgi import container_exit, ready_queue

T = TypeVar("T")

logger = logging.getLogger("mangum")

_loop: asyncio.AbstractEventLoop | None = None
_steppable_loop: asyncio.AbstractEventLoop | None = None
"""The container loop, when its ready queue can be stepped (:func:`ready_queue.supports`)."""
_worker: ThreadPoolExecutor | None = None  # created (and its module imported) on first use
_setup_lock = threading.Lock()
_run_lock = threading.Lock()


def container_loop() -> asyncio.AbstractEventLoop:
    """The container's event loop, created on first use."""
    global _loop, _steppable_loop
    loop = _loop
    if loop is None:
        with _setup_lock:
            if _loop is None:
                _loop = asyncio.new_event_loop()
                _steppable_loop = _loop if ready_queue.supports(_loop) else None
                container_exit.on_exit(_close)
            loop = _loop
    return loop


def _worker_pool() -> ThreadPoolExecutor:
    global _worker
    from concurrent.futures import ThreadPoolExecutor

    with _setup_lock:
        if _worker is None:
            _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mangum-loop")
        return _worker


def _run_here(coroutine: Coroutine[Any, Any, T]) -> T:
    loop = _loop or container_loop()
    with _run_lock:
        if loop is _steppable_loop and ready_queue.is_idle(loop):
            # The Task itself, not loop.create_task(): the loop is ours and has no task factory.
            task = asyncio.Task(coroutine, loop=loop)
            if ready_queue.step_until_done(loop, task):
                return task.result()
            # Waiting on I/O or a timer: the loop itself finishes it.
            return loop.run_until_complete(task)
        # run_until_complete, not a cheaper run_forever + stop: anyio recognises the root task of a
        # loop by run_until_complete's done callback, and stops its worker threads when it ends.
        return loop.run_until_complete(coroutine)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion on the container loop and return its result.

    From a thread with a running event loop, runs it on the dedicated worker thread and waits.
    Calling it from a coroutine already running on the container loop is a deadlock, and raises
    :class:`RuntimeError` instead.
    """
    # The exception-free probe: this runs on every invocation.
    running = asyncio._get_running_loop()
    if running is None:
        return _run_here(coroutine)
    if running is _loop:
        coroutine.close()
        raise RuntimeError("the handler was called from inside one of its own invocations")
    return _worker_pool().submit(_run_here, coroutine).result()


def _close() -> None:
    global _loop, _steppable_loop
    loop = _loop
    if loop is None or loop.is_closed():
        return
    with _run_lock:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        _loop = None
        _steppable_loop = None
