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

Lambda Managed Instances send many events at once: a runtime serving them runs the loop on one
thread and shares it (:func:`share`) with the threads handling the invocations; each call then
runs as a task of its own on the running loop, many at a time.

The loop is closed at interpreter exit, after the lifespan shutdown.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

from _thread import get_ident

from mangum._asgi import container_exit, deadline_guard, ready_queue
from mangum.deadline import remaining_time

T = TypeVar("T")

logger = logging.getLogger("mangum")

_loop: asyncio.AbstractEventLoop | None = None
_steppable_loop: asyncio.AbstractEventLoop | None = None
"""The container loop, when its ready queue can be stepped (:func:`ready_queue.supports`)."""
_shared: asyncio.AbstractEventLoop | None = None
"""The container loop while it serves many invocations at once (:func:`share`)."""
_worker: ThreadPoolExecutor | None = None  # created (and its module imported) on first use
EXIT_GRACE = 0.1
"""Seconds each step of closing the loop at exit may take (Lambda allows the process little more)."""
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


def _run_here(
    coroutine: Coroutine[Any, Any, T], context: object, margin: float, alarm_margin: float | None
) -> T:
    loop = _loop or container_loop()
    with _run_lock:
        watch = None
        if context is not None and get_ident() == deadline_guard.MAIN_THREAD:
            watch = deadline_guard.Watch(context, margin / 2 if alarm_margin is None else alarm_margin)
            watch.__enter__()
        try:
            if loop is _steppable_loop:
                task = ready_queue.stepped_task(loop, coroutine)
                if task.done():
                    return task.result()
            else:
                task = loop.create_task(coroutine)
            # Waiting on I/O or a timer (or the loop was not idle): the loop itself finishes it.
            remaining = None if context is None else remaining_time(context, margin)
            if remaining is None:
                # run_until_complete, not run_forever + stop: anyio recognises the root task of a
                # loop by run_until_complete's done callback, and stops its worker threads when it ends.
                return loop.run_until_complete(task)
            return deadline_guard.finish(loop, task, remaining)
        except BaseException as error:
            # Interrupted inside a task group of the application's: the group wraps it.
            late = deadline_guard.contains_deadline(error)
            if late is None or late is error:
                raise
            raise late from error
        finally:
            if watch is not None:
                watch.__exit__()


def run(
    coroutine: Coroutine[Any, Any, T],
    context: object = None,
    margin: float = 0.0,
    alarm_margin: float | None = None,
) -> T:
    """Run ``coroutine`` to completion on the container loop and return its result.

    With the invocation's Lambda ``context``, it is held to the invocation's deadline (Lambda's
    remaining time minus ``margin`` seconds): raises :class:`~mangum.exceptions.DeadlineExceeded`
    when it was still running then, and code blocking the thread is interrupted once the remaining
    time is down to ``alarm_margin`` (by default half the margin; see :mod:`.deadline_guard`).

    From a thread with a running event loop, runs it on the dedicated worker thread and waits.
    Calling it from a coroutine already running on the container loop is a deadlock, and raises
    :class:`RuntimeError` instead.
    """
    # The exception-free probe: this runs on every invocation.
    running = asyncio._get_running_loop()
    if running is None:
        if _shared is not None:
            return _run_shared(_shared, coroutine, context, margin)
        return _run_here(coroutine, context, margin, alarm_margin)
    if running is _loop:
        coroutine.close()
        raise RuntimeError("the handler was called from inside one of its own invocations")
    return _worker_pool().submit(_run_here, coroutine, context, margin, alarm_margin).result()


# --- one loop shared by many invocations at once ---------------------------------------------


def share() -> asyncio.AbstractEventLoop:
    """Make the container loop the one every invocation runs on, from any thread, at the same time:
    for a runtime serving several invocations at once, each handled on a thread of its own while
    the calling thread runs the loop (``run_until_complete``) until :func:`unshare`.

    From then on :func:`run`, called on any other thread, hands its coroutine to that loop as a task
    of its own, in the calling thread's context (its context variables: the invocation's request
    id), and waits for it; the invocation's deadline cancels that task alone
    (:class:`deadline_guard.TaskDeadline`). Blocking code is not interrupted by a signal then: it blocks
    every invocation in flight, which the runtime's loop-lag watchdog reports.
    """
    global _shared
    _shared = container_loop()
    return _shared


def unshare() -> None:
    """Back to one invocation at a time on the container loop (the loop has stopped running)."""
    global _shared
    _shared = None


def _run_shared(
    loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T], context: object, margin: float
) -> T:
    remaining = None if context is None else remaining_time(context, margin)
    # A task copies the context current when it is created: create it in the caller's.
    caller = contextvars.copy_context()
    outcome: Future[T] = Future()

    def give_up(late: BaseException) -> None:
        if not outcome.done():
            outcome.set_exception(late)

    def begin() -> None:
        task = caller.run(loop.create_task, coroutine)
        deadline = None if remaining is None else deadline_guard.TaskDeadline(task, remaining, give_up)

        def settle(task: asyncio.Task[T]) -> None:
            if deadline is not None:
                deadline.cancel()
            if outcome.done():
                return  # given up at the deadline already
            if task.cancelled():
                if deadline is not None and deadline.where is not None:
                    outcome.set_exception(deadline.exceeded())
                else:  # cancelled from outside: the loop is stopping
                    outcome.set_exception(RuntimeError("the invocation was cancelled: the loop is stopping"))
            elif (error := task.exception()) is not None:
                outcome.set_exception(error)
            else:
                outcome.set_result(task.result())

        task.add_done_callback(settle)

    try:
        loop.call_soon_threadsafe(begin)
    except RuntimeError:  # the loop was closed meanwhile
        coroutine.close()
        raise
    return outcome.result()


def _close() -> None:
    global _loop, _steppable_loop
    loop = _loop
    if loop is None or loop.is_closed():
        return
    with _run_lock:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        # Bounded: a task that swallows its cancellation, or a worker thread that never returns,
        # must not keep the process from exiting.
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=EXIT_GRACE))
        loop.run_until_complete(
            asyncio.wait((loop.create_task(loop.shutdown_asyncgens()),), timeout=EXIT_GRACE)
        )
        loop.run_until_complete(
            asyncio.wait((loop.create_task(loop.shutdown_default_executor()),), timeout=EXIT_GRACE)
        )
        loop.close()
        _loop = None
        _steppable_loop = None
