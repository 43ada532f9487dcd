"""The loop-lag watchdog: which invocation blocked the event loop that every invocation shares, and
for how long.

With many invocations in flight on one event loop (:mod:`mangum.runtime.concurrent`), code that
blocks the loop's thread (``time.sleep``, a synchronous HTTP client or database driver, a long
computation inside ``async def``) stalls every one of them. A thread of its own asks the loop,
every :data:`INTERVAL` seconds, to run a callback; when the loop has not run it within the
threshold, the watchdog notes the task the loop is running, the invocation that task serves and
where its code is, then waits for the loop to come back and logs one WARNING line on
``mangum.runtime``, with that invocation's request id (a delay while no task runs, the loop's
thread waiting for the interpreter lock the lanes hold, say, is only logged at DEBUG)::

    The event loop was blocked for 1502 ms by invocation 8f0c... at app.py:31 in report: ...

Tasks know their invocation through their context (``Task.get_context``, Python 3.12+; on older
versions a task factory notes each task's invocation as it is created). The
threshold is ``MANGUM_LOOP_LAG_MS`` milliseconds (:data:`DEFAULT_THRESHOLD` by default; 0 turns the
watchdog off).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from collections.abc import Coroutine, Generator
from contextvars import Context
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from mangum.runtime.log import InvocationScope, current_invocation

logger = logging.getLogger("mangum.runtime")

T = TypeVar("T")

THRESHOLD_VARIABLE = "MANGUM_LOOP_LAG_MS"
DEFAULT_THRESHOLD = 0.1
"""Seconds the loop may go without running a ready callback before the watchdog reports it."""
INTERVAL = 0.05
"""Seconds between two probes of the loop."""
FRAMES = 3
"""How many of the innermost frames of the blocking code the line names."""


def threshold_from_environment() -> float | None:
    """``MANGUM_LOOP_LAG_MS`` in seconds (:data:`DEFAULT_THRESHOLD` when unset, ``None`` for 0: off);
    raises :class:`ValueError` for a value that is not a number of milliseconds from 0."""
    text = os.environ.get(THRESHOLD_VARIABLE, "").strip()
    if not text:
        return DEFAULT_THRESHOLD
    millis = float(text)
    if not millis >= 0 or millis == float("inf"):
        raise ValueError(f"{THRESHOLD_VARIABLE} must be a number of milliseconds from 0, not {text!r}")
    return millis / 1000 or None


_TASK_CONTEXT = sys.version_info >= (3, 12)
"""Python 3.12+: a task tells its context. Before, :func:`_recording_factory` notes each task's
invocation as the task is created."""
_scopes: WeakKeyDictionary[asyncio.Future[Any], InvocationScope] = WeakKeyDictionary()


def _recording_factory(
    loop: asyncio.AbstractEventLoop,
    coroutine: Coroutine[Any, Any, T] | Generator[Any, None, T],
    /,
    *,
    context: Context | None = None,
) -> asyncio.Future[T]:
    task: asyncio.Future[T]
    if context is None:
        task = asyncio.Task(coroutine, loop=loop)
    else:  # created inside the context it is given, a task copies that context, on every version
        task = context.run(asyncio.Task, coroutine, loop=loop)
    scope = current_invocation.get() if context is None else context.get(current_invocation)
    if scope is not None:
        _scopes[task] = scope
    return task


def request_of(task: asyncio.Task[Any] | None) -> str:
    """The request id of the invocation ``task`` works for, as far as its context tells."""
    if task is None:
        return ""
    if sys.version_info >= (3, 12):
        scope = task.get_context().get(current_invocation)
    else:
        scope = _scopes.get(task)
    return "" if scope is None else scope.request_id


def _where(thread: int) -> str:
    frame = sys._current_frames().get(thread)
    places: list[str] = []
    while frame is not None and len(places) < FRAMES:
        places.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(places) or "an unknown place"


class LoopLagWatchdog:
    """Watches ``loop``, run by the thread ``loop_thread``, from a thread of its own (see the module
    docs). Every stall it saw is in :attr:`stalls` as ``(request id, seconds, where)``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, loop_thread: int, threshold: float) -> None:
        self._loop = loop
        self._loop_thread = loop_thread
        self.threshold = threshold
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="mangum-loop-lag", daemon=True)
        self.stalls: list[tuple[str, float, str]] = []
        if not _TASK_CONTEXT and loop.get_task_factory() is None:
            loop.set_task_factory(_recording_factory)

    def start(self) -> LoopLagWatchdog:
        """Start watching; returns the watchdog."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching (the thread ends within one interval)."""
        self._stopping.set()
        if self._loop.get_task_factory() is _recording_factory:
            self._loop.set_task_factory(None)

    def _watch(self) -> None:
        while not self._stopping.wait(INTERVAL):
            answered = threading.Event()
            asked = time.monotonic()
            try:
                self._loop.call_soon_threadsafe(answered.set)
            except RuntimeError:  # the loop is closed
                return
            if answered.wait(self.threshold):
                continue
            # Late now: note who is running before the loop moves on.
            task = asyncio.current_task(self._loop)
            request, where = request_of(task), _where(self._loop_thread)
            while not answered.wait(INTERVAL):
                if self._stopping.is_set():
                    return
            if task is None:
                # No task was running: the loop waited for the interpreter (other threads holding
                # the GIL), or ran its own callbacks. Nothing of an invocation's to name.
                logger.debug(
                    "the event loop answered %.0f ms late, no task running", 1000 * (time.monotonic() - asked)
                )
                continue
            self._report(request, time.monotonic() - asked, where)

    def _report(self, request: str, seconds: float, where: str) -> None:
        self.stalls.append((request, seconds, where))
        logger.warning(
            "The event loop was blocked for %.0f ms by invocation %s at %s: every invocation in flight "
            "waited meanwhile. Don't block the loop: await, or run blocking code in a thread "
            "(run_in_threadpool, asyncio.to_thread, or a sync route, which frameworks run in threads).",
            seconds * 1000,
            request or "unknown",
            where,
            extra={"aws_request_id": request, "blockedMs": round(seconds * 1000)},
        )
