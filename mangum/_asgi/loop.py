"""One event loop per container, reused by every invocation.

The loop is created on first use (``asyncio.new_event_loop()``) and each invocation runs to
completion on it: no ``asyncio.run`` per call, so connection pools, clients and the lifespan task
created on it stay usable from one invocation to the next. When nothing else waits on the loop, the
invocation's task is stepped through the loop's ready queue (the first section below), which finishes
most requests without polling for I/O; a task that waits on I/O or a timer, and every invocation
on a loop that is not the standard library's, runs with ``run_until_complete``. Uses of the loop are
serialised by a lock (Lambda sends one event at a time to an execution environment).

Called from a thread that is already running an event loop (the handler called from async code, a
notebook, a test using an async framework), the invocation cannot run there: it runs on a single
dedicated worker thread, still on the container loop, and the calling thread blocks until it is
done, as for any synchronous call. The caller's loop does not make progress in the meantime.

Lambda Managed Instances send many events at once: a runtime serving them runs the loop on one
thread and shares it (:func:`share`) with the threads handling the invocations; each call then
runs as a task of its own on the running loop, many at a time (:mod:`mangum._asgi.shared`).

The loop is closed at interpreter exit, after the lifespan shutdown.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import signal
import sys
import threading
from _thread import get_ident
from asyncio import events
from collections import deque
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from mangum.deadline import contains_deadline, finish, remaining_time, watching

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor
    from types import FrameType
    from typing import TypeVar

    T = TypeVar("T")
    AsyncgenHooks = tuple[Callable[[Any], None], Callable[[Any], None]]


# --- stepping the ready queue --------------------------------------------------------------------
# Running a task to completion by stepping the loop's ready queue, without polling for I/O.
#
# ``run_until_complete`` costs a selector poll and its bookkeeping on every loop iteration, even for
# an invocation whose every step is ready at once (a request the app answers without waiting on a
# socket or a timer), which is most of them. :func:`step_until_done` runs such a task the way
# ``run_forever`` would, on the same loop and its ready queue, with the loop marked running (so
# ``get_running_loop``, ``current_task``, contextvars, anyio and sniffio see what they always see),
# but runs the queued callbacks itself instead of polling the selector between them.
#
# It gives up, leaving the task pending for ``run_until_complete`` to finish, as soon as the queue
# is empty while the task is not done: the task is waiting on real I/O or a timer. It is used only
# when nothing else waits on the loop (:func:`is_idle`), so that no other task's I/O or due timer is
# left unserved for the invocation's length; and only on the standard library's loops, whose
# internals it relies on (:func:`supports`), never on uvloop's or in debug mode.


_RUN_FOREVER_STEPS = tuple(
    name
    for name in ("run_forever", "_run_forever_setup", "_run_forever_cleanup")
    if hasattr(asyncio.BaseEventLoop, name)
)
"""``run_forever`` and, on Python 3.13+, the setup and clean-up it is made of: a loop that
overrides any of them does more than :func:`step_until_done` writes out, and is not stepped."""


def supports(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop`` is a standard library loop with the internals this module steps, and
    runs them as the standard library writes them (:func:`step_until_done` writes out what
    ``run_forever`` does before and after its iterations)."""
    kind = type(loop)
    return (
        isinstance(loop, asyncio.BaseEventLoop)
        and isinstance(getattr(loop, "_ready", None), deque)
        and isinstance(getattr(loop, "_scheduled", None), list)
        and isinstance(getattr(getattr(loop, "_selector", None), "_fd_to_key", None), dict)
        and all(getattr(kind, name) is getattr(asyncio.BaseEventLoop, name) for name in _RUN_FOREVER_STEPS)
        and not loop.get_debug()
    )


def _drop_cancelled_timers(loop: Any) -> None:
    # What _run_once does when too many timers are cancelled, here when all are (a timeout that
    # never fired): without it, they would keep the loop from looking idle.
    scheduled: list[asyncio.TimerHandle] = loop._scheduled
    if loop._timer_cancelled_count >= len(scheduled) and all(handle.cancelled() for handle in scheduled):
        for handle in scheduled:
            handle._scheduled = False  # type: ignore[attr-defined]  # as _run_once marks them
        scheduled.clear()
        loop._timer_cancelled_count = 0


def is_idle(loop: Any) -> bool:
    """Whether nothing but the loop's own wake-up pipe waits on ``loop``: no timer, no watched file."""
    if loop._scheduled:
        _drop_cancelled_timers(loop)
        if loop._scheduled:
            return False
    # The selector's own map of watched files (what get_map() wraps): only the wake-up pipe.
    return len(loop._selector._fd_to_key) <= 1


_EAGER_START = sys.version_info >= (3, 12)
"""Python 3.12+ can run a task's first step as it is created (``eager_start``), when its loop runs."""


def step_until_done(loop: Any, coroutine: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """A task of ``coroutine`` run on ``loop``'s ready queue, the loop marked running, until it is
    done, then the callbacks its completion scheduled (as the last iteration of
    ``run_until_complete`` does). The task is returned done, or waiting on I/O or a timer, for
    ``run_until_complete`` to finish.

    With nothing queued before it, on Python 3.12+, the task's first step runs as it is created
    (``eager_start``): a request answered without waiting is done then, without a trip through the
    ready queue. Otherwise it waits its turn behind what was queued, as a task always has.
    """
    ready: deque[asyncio.Handle] = loop._ready
    # What run_forever does before its iterations (on Python 3.13+, _run_forever_setup), written out
    # without what cannot apply here, each a call on every invocation: the checks that the loop is
    # neither closed nor running (the container loop is closed only at exit, and run() found no
    # loop running on this thread), and coroutine origin tracking (on only in debug mode, which
    # supports() excludes). Its clean-up below is the same.
    old_hooks = sys.get_asyncgen_hooks()
    loop._thread_id = get_ident()
    # The loop's hooks, looked up once per loop: two bound methods are a measurable part of a call.
    hooks = _asyncgen_hooks if loop is _steppable_loop and _asyncgen_hooks is not None else _hooks_of(loop)
    sys.set_asyncgen_hooks(*hooks)
    events._set_running_loop(loop)
    try:
        if _EAGER_START and not ready:
            # eager_start is Python 3.12's, which _EAGER_START checked; mypy reads 3.10's stubs.
            task: asyncio.Task[T] = asyncio.Task(coroutine, loop=loop, eager_start=True)  # type: ignore[call-arg,unused-ignore]
        else:
            task = asyncio.Task(coroutine, loop=loop)
        while not task.done():
            if not ready:
                return task  # waiting on I/O or a timer
            # One iteration's worth, as _run_once: the callbacks queued now, not those they queue.
            for _ in range(len(ready)):
                handle = ready.popleft()
                if not handle._cancelled:  # what _run_once reads
                    handle._run()  # what _run_once calls
        # The iteration run_until_complete ends with: the callbacks the task's completion queued.
        for _ in range(len(ready)):
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()
        return task
    finally:
        loop._stopping = False
        loop._thread_id = None
        events._set_running_loop(None)
        sys.set_asyncgen_hooks(*old_hooks)


def _hooks_of(loop: Any) -> AsyncgenHooks:
    """The asynchronous generator hooks ``loop`` installs while it runs (``firstiter``, ``finalizer``)."""
    return (loop._asyncgen_firstiter_hook, loop._asyncgen_finalizer_hook)


# --- the container's exit ------------------------------------------------------------------------
# Run clean-up once when the container ends: on SIGTERM or at interpreter exit, whichever comes first.
# Two kinds of callbacks, each run once, most recent first:
#
# - *shutdown* callbacks (the ASGI lifespan shutdown) run on SIGTERM or at exit, within the
# shutdown window (:mod:`mangum._asgi.shutdown`, imported only when there is one to run);
# - *exit* callbacks (closing the event loop) run only at interpreter exit, after the shutdown
# ones, so that a process that keeps running after SIGTERM still has a working loop; they are
# skipped after a shutdown that was abandoned, since it may still hold the event loop.

logger = logging.getLogger("mangum")

_shutdown_callbacks: list[Callable[[], None]] = []
_exit_callbacks: list[Callable[[], None]] = []
_state_lock = threading.Lock()
_atexit_registered = False
_sigterm_installed = False
_previous_sigterm: object = None
_abandoned = False


def _ensure_atexit() -> None:
    global _atexit_registered
    with _state_lock:
        if not _atexit_registered:
            atexit.register(_at_exit)
            _atexit_registered = True


def on_shutdown(callback: Callable[[], None]) -> None:
    """Run ``callback`` once on SIGTERM or at interpreter exit, before any exit callback."""
    _shutdown_callbacks.append(callback)
    _ensure_atexit()


def on_exit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once at interpreter exit, after every shutdown callback."""
    _exit_callbacks.append(callback)
    _ensure_atexit()


def _drain(callbacks: list[Callable[[], None]]) -> None:
    # pop() hands each callback to exactly one caller, even if a signal interrupts a drain.
    while callbacks:
        try:
            callback = callbacks.pop()
        except IndexError:
            return
        try:
            callback()
        except Exception:
            logger.exception("Error while shutting down")


def run_shutdown_callbacks(window: float | None = None) -> bool:
    """Run every pending shutdown callback now (what SIGTERM does), on a helper thread, for at
    most ``window`` seconds (:data:`mangum._asgi.shutdown.SHUTDOWN_WINDOW`). Returns whether they
    all finished in time; at once, without a thread, when none is pending."""
    global _abandoned
    if not _shutdown_callbacks:
        return True
    from mangum._asgi.shutdown import run_within

    if run_within(lambda: _drain(_shutdown_callbacks), window):
        return True
    _abandoned = True
    return False


def _at_exit() -> None:
    if run_shutdown_callbacks() and not _abandoned:
        _drain(_exit_callbacks)
    else:
        logger.warning("exit callbacks skipped: an abandoned shutdown may still hold the event loop")


def install_sigterm_handler() -> bool:
    """Install the SIGTERM handler if this is the main thread and it is not installed yet: it runs
    the shutdown callbacks, then the handler that was there before
    (:func:`pass_on`). Returns whether the handler is installed after the call.
    """
    global _sigterm_installed, _previous_sigterm
    if _sigterm_installed:
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    with _state_lock:
        if not _sigterm_installed:
            _previous_sigterm = signal.getsignal(signal.SIGTERM)
            signal.signal(signal.SIGTERM, _on_sigterm)
            _sigterm_installed = True
    return True


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    logger.info("SIGTERM received: shutting down")
    try:
        run_shutdown_callbacks()
    finally:
        # Whatever became of the callbacks (even an import failing while the interpreter ends), the
        # signal is handed on: so nothing lazily imported stands between SIGTERM and this step.
        pass_on(_previous_sigterm, signum, frame)


def pass_on(previous: object, signum: int, frame: FrameType | None) -> None:
    """Hand SIGTERM on to ``previous``, the handler installed before mangum's: call a Python handler,
    leave an ignored signal ignored, and otherwise (the default action, or a handler installed
    outside Python) end the process the default way."""
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


# --- the container loop --------------------------------------------------------------------------


_loop: asyncio.AbstractEventLoop | None = None
_steppable_loop: asyncio.AbstractEventLoop | None = None
"""The container loop, when its ready queue can be stepped (:func:`supports`)."""
_asyncgen_hooks: AsyncgenHooks | None = None
"""The stepped loop's asynchronous generator hooks (:func:`step_until_done` installs them)."""
_shared: asyncio.AbstractEventLoop | None = None
"""The container loop while it serves many invocations at once (:func:`share`)."""
_worker: ThreadPoolExecutor | None = None  # created (and its module imported) on first use
EXIT_GRACE = 0.1
"""Seconds each step of closing the loop at exit may take (Lambda allows the process little more)."""
_setup_lock = threading.Lock()
_run_lock = threading.Lock()


def container_loop() -> asyncio.AbstractEventLoop:
    """The container's event loop, created on first use."""
    global _loop, _steppable_loop, _asyncgen_hooks
    loop = _loop
    if loop is None:
        with _setup_lock:
            if _loop is None:
                _loop = asyncio.new_event_loop()
                _steppable_loop = _loop if supports(_loop) else None
                _asyncgen_hooks = _hooks_of(_loop)
                on_exit(_close)
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
    # The lock and the watch entered and left by hand, not by with statements: this runs on every
    # invocation, and each with statement costs two calls.
    _run_lock.acquire()
    try:
        watch = (
            None
            if context is None
            else watching(context, margin / 2 if alarm_margin is None else alarm_margin)
        )
        if watch is not None:
            watch.__enter__()
        try:
            if loop is _steppable_loop:
                # Stepped until done or waiting when the loop is idle (is_idle(), its common case
                # written out); otherwise created only, for the loop to run (the Task itself, not
                # loop.create_task(): the container loop has no task factory).
                stepped: Any = loop  # a standard library loop, whose internals supports() checked
                if (stepped._scheduled and not is_idle(stepped)) or len(stepped._selector._fd_to_key) > 1:
                    task = asyncio.Task(coroutine, loop=loop)
                else:
                    task = step_until_done(loop, coroutine)
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
            return finish(loop, task, remaining)
        except BaseException as error:
            # Interrupted inside a task group of the application's: the group wraps it.
            late = contains_deadline(error)
            if late is None or late is error:
                raise
            raise late from error
        finally:
            if watch is not None:
                watch.__exit__()
    finally:
        _run_lock.release()


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
    time is down to ``alarm_margin`` (by default half the margin; see :mod:`mangum.deadline`).

    From a thread with a running event loop, runs it on the dedicated worker thread and waits.
    Calling it from a coroutine already running on the container loop is a deadlock, and raises
    :class:`RuntimeError` instead.
    """
    # The exception-free probe: this runs on every invocation.
    running = asyncio._get_running_loop()
    if running is None:
        if _shared is not None:
            from mangum._asgi.shared import run_shared  # only a shared loop needs it

            return run_shared(_shared, coroutine, context, margin)
        return _run_here(coroutine, context, margin, alarm_margin)
    if running is _loop:
        coroutine.close()
        raise RuntimeError("the handler was called from inside one of its own invocations")
    return _worker_pool().submit(_run_here, coroutine, context, margin, alarm_margin).result()


# --- one loop shared by many invocations at once ---------------------------------------------


def share() -> asyncio.AbstractEventLoop:
    """Make the container loop the one every invocation runs on, from any thread, at the same time,
    while the calling thread runs it, until :func:`unshare`: :func:`run` then hands each coroutine
    to it as a task of its own (:mod:`mangum._asgi.shared`). Blocking code is not interrupted by a
    signal then: it blocks every invocation in flight, which the runtime's loop-lag watchdog reports.
    """
    global _shared
    _shared = container_loop()
    return _shared


def unshare() -> None:
    """Back to one invocation at a time on the container loop (the loop has stopped running)."""
    global _shared
    _shared = None


def _close() -> None:
    global _loop, _steppable_loop, _asyncgen_hooks
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
        # A standard library loop tells whether it has asynchronous generators to finalise and a
        # default executor to shut down: each step skipped when there is nothing for it to do (most
        # processes), since running the loop for it is most of an exit's cost.
        stdlib = loop is _steppable_loop
        if not stdlib or getattr(loop, "_asyncgens", True):
            loop.run_until_complete(
                asyncio.wait((loop.create_task(loop.shutdown_asyncgens()),), timeout=EXIT_GRACE)
            )
        if not stdlib or getattr(loop, "_default_executor", True) is not None:
            loop.run_until_complete(
                asyncio.wait((loop.create_task(loop.shutdown_default_executor()),), timeout=EXIT_GRACE)
            )
        loop.close()
        _loop = None
        _steppable_loop = None
        _asyncgen_hooks = None
