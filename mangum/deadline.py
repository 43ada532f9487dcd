"""The invocation's deadline: Lambda's remaining time minus a safety margin.

Lambda stops an invocation when its time is up and the container is then replaced (a cold start
for the next request). Everything that can wait (the application, AWS requests, cleanup) is
bounded by one :class:`Deadline` instead, computed once per invocation from
``context.get_remaining_time_in_millis()`` minus a margin that leaves time to answer:

.. code-block:: python

    deadline = Deadline.for_invocation(context, config.deadline_margin)  # None: no deadline known
    if deadline is not None:
        await asyncio.wait_for(work, deadline.remaining())

The margin is :data:`DEFAULT_MARGIN` seconds unless the ``MANGUM_DEADLINE_MARGIN_MS`` variable (or
the ``deadline_margin`` argument of :func:`deadline_margin`, read by
:func:`mangum.config.margin_seconds`) says otherwise.

Code that makes AWS requests on behalf of an invocation reads the deadline of the invocation it
serves with :func:`current_deadline`; the invocation sets it with :func:`deadline_scope`. Context
variables follow asyncio tasks, not threads: a thread pool working for an invocation runs each job
in a copy of the submitting context (``contextvars.copy_context().run``).

The second half of the module is the guard that holds the application to that deadline (a watchdog
thread and SIGALRM for blocking code on the main thread, a per-task deadline on a shared loop): see
its section below.
"""

from __future__ import annotations

import asyncio
import logging
import math
import signal
import threading
import time
from _thread import get_ident
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import FrameType
from typing import TYPE_CHECKING

# The margin is part of the configuration (read there, at construction); named here too, where the
# deadline it shapes is computed.
from mangum.config import (
    DEFAULT_MARGIN as DEFAULT_MARGIN,
    MARGIN_VARIABLE as MARGIN_VARIABLE,
    MAX_MARGIN as MAX_MARGIN,
    margin_seconds,
)
from mangum.exceptions import DeadlineExceeded

if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")

deadline_margin = margin_seconds
"""The safety margin in seconds (:func:`mangum.config.margin_seconds`, under its name here)."""

Clock = Callable[[], float]


class Deadline(tuple[float, Clock]):
    """A moment on ``clock`` (``time.monotonic`` by default) by which the work must be done.

    A tuple of ``(at, clock)`` with those two names, as a named tuple is: written out rather than a
    dataclass or a ``typing.NamedTuple``, since it is created on the adapter's import path, where
    creating either is a measurable part of a cold start (a named tuple's class about 0.6M
    instructions, a plain class a tenth of it).
    """

    __slots__ = ()

    def __new__(cls, at: float, clock: Clock = time.monotonic) -> Deadline:
        return tuple.__new__(cls, (at, clock))

    def __getnewargs__(self) -> tuple[float, Clock]:
        return (self[0], self[1])

    @property
    def at(self) -> float:
        """The moment, on :attr:`clock`."""
        return self[0]

    @property
    def clock(self) -> Clock:
        """The clock :attr:`at` is read on."""
        return self[1]

    def __repr__(self) -> str:
        return f"Deadline(at={self[0]!r}, clock={self[1]!r})"

    @classmethod
    def after(cls, seconds: float, *, clock: Clock = time.monotonic) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(clock() + seconds, clock)

    @classmethod
    def for_invocation(
        cls, context: object, margin: float, *, clock: Clock = time.monotonic
    ) -> Deadline | None:
        """The deadline of the invocation ``context`` belongs to, ``margin`` seconds before Lambda's.

        ``None`` when the context tells no remaining time (``None``, a dict, a stand-in without
        ``get_remaining_time_in_millis``, or one that answers something other than a positive
        number): the work is then bounded only by each client's own timeouts.
        """
        seconds = remaining_time(context, margin)
        return None if seconds is None else cls(clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.clock() >= self.at

    def extended(self, seconds: float) -> Deadline:
        """The same deadline moved ``seconds`` later (cleanup after a failure may use part of the margin)."""
        return Deadline(self.at + seconds, self.clock)

    def within(self, seconds: float) -> Deadline:
        """This deadline, or ``seconds`` from now if that comes first."""
        return Deadline(min(self.at, self.clock() + seconds), self.clock)


def remaining_millis(context: object) -> float | None:
    """``context.get_remaining_time_in_millis()`` when it is a finite number, else ``None``."""
    probe = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(probe):
        return None
    try:
        millis = probe()
    except Exception:  # a stand-in context may raise anything; a deadline is then unknown
        return None
    if isinstance(millis, bool) or not isinstance(millis, int | float) or not math.isfinite(millis):
        return None
    return millis


def remaining_time(context: object, margin: float) -> float | None:
    """Seconds the invocation may still use: Lambda's remaining time minus ``margin``, at least 0.

    ``None`` when ``context`` does not tell the remaining time, or tells none at all (0: a
    stand-in; see :meth:`Deadline.for_invocation`).
    """
    millis = remaining_millis(context)
    if millis is None or millis <= 0:
        return None
    return max(0.0, millis / 1000 - margin)


_current: ContextVar[Deadline | None] = ContextVar("mangum_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the invocation being served in this context, if one was set."""
    return _current.get()


@contextmanager
def deadline_scope(deadline: Deadline | None) -> Iterator[Deadline | None]:
    """Make ``deadline`` the :func:`current_deadline` inside the block (``None`` clears it)."""
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


# --- the guard: holding an invocation to its deadline --------------------------------------------
# Answering before the invocation's deadline, whatever the application is doing.
#
# Lambda stops an invocation when its time is up, and the next request then pays a cold start. So an
# application still running ``margin`` seconds before that (the invocation's :class:`Deadline`,
# :mod:`mangum.deadline`) is taken down and the invocation answers on its own (a 504 for HTTP):
#
# - **Waiting** (on a socket, a timer, a worker thread): the container loop waits for the task no
# longer than the deadline, then cancels it, giving it :data:`CANCEL_GRACE` seconds to unwind
# (``finally`` blocks, closing connections) before the answer goes out regardless. A task that
# ends with a result once cancelled (a response that was complete, a background task after it)
# keeps its result.
# - **Blocking the thread** (``time.sleep`` or a busy loop inside ``async def``): no event loop can
# cancel that. A watchdog thread, started with the first invocation that has a deadline, notes
# each invocation in progress and, at the point the loop gave it (by default halfway through the
# margin), sends ``SIGALRM`` to the main thread, whose handler raises :class:`DeadlineExceeded`
# where the application is. Python delivers it there at the next bytecode (a blocking sleep is
# interrupted); code inside a C extension that never returns to Python cannot be interrupted.
#
# Only code running inside a task on the loop is interrupted (the application's, and what it calls),
# never the loop's own machinery between tasks, nor what mangum marks with :func:`shielded`: its
# work on the application's behalf (writing a streamed chunk, a request to AWS, a WebSocket
# cycle's own steps). A signal that arrives anywhere else is let go, and the watchdog tries again
# :data:`WATCH_INTERVAL` seconds later. This needs the handler to run on the main thread, as
# Lambda's runtimes do, and ``SIGALRM`` not to be the application's: an invocation on another
# thread, or after the application took ``SIGALRM``, has only its waiting bounded.
#
# Many invocations at once on one loop (:func:`mangum._asgi.loop.share`, Lambda Managed Instances)
# each have a :class:`mangum._asgi.shared.TaskDeadline` on their own task: the deadline cancels that
# task alone, and no signal is sent (it would interrupt whichever invocation the thread was running,
# not the late one).

logger = logging.getLogger("mangum")


CANCEL_GRACE = 0.05
"""Seconds a cancelled application gets to unwind before the invocation answers anyway."""
WATCH_INTERVAL = 0.05
"""Seconds between two looks of the watchdog for a new invocation, or between two attempts."""

SHIELDED: ContextVar[bool] = ContextVar("mangum.shielded", default=False)
"""Whether the code running is mangum's work on the application's behalf (see :func:`shielded`)."""

MAIN_THREAD = threading.main_thread().ident
"""The thread ``SIGALRM`` interrupts: only an invocation handled there is watched."""


def contains_deadline(error: BaseException) -> DeadlineExceeded | None:
    """The :class:`DeadlineExceeded` that ``error`` is or holds (an exception group from a task
    group the application ran), if any."""
    if isinstance(error, DeadlineExceeded):
        return error
    for inner in getattr(error, "exceptions", ()):
        if isinstance(inner, BaseException) and (found := contains_deadline(inner)) is not None:
            return found
    return None


def stopped_by_deadline(error: BaseException) -> bool:
    """Whether ``error`` is how a deadline stops an application: its cancellation, or
    :class:`DeadlineExceeded` (maybe inside an exception group)."""
    return isinstance(error, asyncio.CancelledError) or contains_deadline(error) is not None


@contextmanager
def shielded(shield: bool = True) -> Iterator[None]:
    """Mark mangum's work on the application's behalf (a chunk half-written must not be cut off);
    ``shielded(False)`` lifts the mark again, for the application's task a shielded cycle starts
    (tasks inherit the mark)."""
    token = SHIELDED.set(shield)
    try:
        yield
    finally:
        SHIELDED.reset(token)


def _interruptible() -> bool:
    """Whether the code the signal arrived in may be interrupted: inside a task, not shielded."""
    loop = asyncio._get_running_loop()
    return loop is not None and asyncio.current_task(loop) is not None and not SHIELDED.get()


class _Expiry:
    """What happens when the time is up: the task is cancelled, then the loop stopped after the
    grace if the task is still running."""

    __slots__ = ("loop", "stopper", "task", "where")

    def __init__(self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[object]) -> None:
        self.loop = loop
        self.task = task
        self.where: str | None = None
        self.stopper: asyncio.TimerHandle | None = None

    def __call__(self) -> None:
        from mangum._asgi.stuck import where_stuck

        self.where = where_stuck(self.task)
        self.task.cancel()
        self.stopper = self.loop.call_later(CANCEL_GRACE, self.loop.stop)


def log_left_running() -> None:
    """The WARNING line of a cancelled application that did not end within :data:`CANCEL_GRACE`."""
    logger.warning("the application did not stop within %ss of being cancelled: left running", CANCEL_GRACE)


def finish(loop: asyncio.AbstractEventLoop, task: asyncio.Task[T], remaining: float) -> T:
    """``task``'s result, the loop run for ``remaining`` seconds at most; then the task is
    cancelled and, unless it still ends with a result within the grace, :class:`DeadlineExceeded`
    raised, naming where it was waiting."""
    expiry = _Expiry(loop, task)
    timer = loop.call_later(remaining, expiry)
    try:
        # run_until_complete, not run_forever + stop: anyio recognises the root task of a loop by
        # run_until_complete's done callback, and stops its worker threads when it ends.
        return loop.run_until_complete(task)
    except BaseException as error:
        if expiry.where is None or not (isinstance(error, RuntimeError | asyncio.CancelledError)):
            raise
        if not task.done():
            log_left_running()
        raise DeadlineExceeded(f"waiting at {expiry.where}") from None
    finally:
        timer.cancel()
        if expiry.stopper is not None:
            expiry.stopper.cancel()


# --- the watchdog -------------------------------------------------------------------------------
# One thread per process, started with the first watched invocation, and one slot: the invocation in
# progress on the main thread, the only thread ``SIGALRM`` can interrupt. Everything about an
# invocation (its context, its margin, whether it was signalled) is its :class:`Watch`'s; the slot
# only points at the one being watched, set and cleared by :func:`watching` around the invocation.


class Watch:
    """One invocation watched on the main thread: its Lambda ``context``, the seconds before
    Lambda's deadline (``margin``) at which blocking code is interrupted, and whether the watchdog
    has signalled it (``fired``). A context manager (:func:`watching`): inside it the watch is the
    watchdog's (for the watchdog thread) and :data:`WATCHED` (for the invocation's own tasks, which
    :func:`stand_down` reads), and neither after it."""

    __slots__ = ("context", "fired", "margin", "token")

    def __init__(self, context: object, margin: float) -> None:
        self.context = context
        self.margin = margin
        self.fired = False
        self.token: Token[Watch | None] | None = None

    def __enter__(self) -> Watch:
        if not WATCHDOG.started:
            start_watchdog()
        self.token = WATCHED.set(self)
        WATCHDOG.watched = self
        return self

    def __exit__(self, *exc_info: object) -> None:
        if WATCHDOG.watched is self:  # stand_down(), written out: this runs on every invocation
            WATCHDOG.watched = None
        if self.token is not None:
            WATCHED.reset(self.token)

    def stand_down(self) -> None:
        """No interruption of this invocation from now on."""
        if WATCHDOG.watched is self:
            WATCHDOG.watched = None


def watching(context: object, margin: float) -> Watch | None:
    """The watch of the invocation of ``context``, to run it in (``with``), when it runs on the main
    thread: code blocking the thread then is interrupted (:class:`DeadlineExceeded` raised in it)
    ``margin`` seconds before Lambda's deadline. ``None``, nothing to watch, for a ``None`` context
    or on any other thread (a signal reaches the main thread only)."""
    if context is None or get_ident() != MAIN_THREAD:
        return None
    return Watch(context, margin)


class Watchdog:
    """The process's watchdog: whether its thread was started (:func:`start_watchdog`, once), and
    the invocation in progress on the main thread (``watched``), as the thread sees it. The one main
    thread has one such invocation at a time, and the thread tolerates a stale read for one
    interval; invocations on other threads, or many at once on a loop shared with them
    (:class:`mangum._asgi.shared.TaskDeadline`), are never watched: a signal cannot single one of
    them out."""

    __slots__ = ("started", "watched")

    def __init__(self) -> None:
        self.started = False
        self.watched: Watch | None = None


WATCHED: ContextVar[Watch | None] = ContextVar("mangum.watched", default=None)
"""The watch of the invocation whose code is running (tasks inherit it from the invocation)."""
WATCHDOG = Watchdog()
"""The one watchdog of the process."""
_start_lock = threading.Lock()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    watched = WATCHDOG.watched
    if watched is None or not watched.fired:
        return  # a late signal for an invocation that has ended
    if not _interruptible():
        watched.fired = False  # not in the application's code right now: the watchdog tries again
        return
    if frame is None:
        raise DeadlineExceeded("blocking the thread")
    code = frame.f_code
    raise DeadlineExceeded(f"blocking the thread at {code.co_filename}:{frame.f_lineno} in {code.co_name}")


def _alarm_time(watched: Watch) -> float | None:
    """When (``time.monotonic``) the invocation ``watched`` is to be interrupted, if it has a deadline."""
    millis = remaining_millis(watched.context)
    if millis is None or millis <= 0:
        return None  # a context that tells no time (or none left from the start) is not watched
    return time.monotonic() + millis / 1000 - watched.margin


def _watchdog(main_thread: int) -> None:
    seen: Watch | None = None
    alarm_at: float | None = None
    while True:
        now = time.monotonic()
        pause = WATCH_INTERVAL if alarm_at is None or alarm_at <= now else min(WATCH_INTERVAL, alarm_at - now)
        time.sleep(pause)
        watched = WATCHDOG.watched
        if watched is None or watched.fired:
            continue
        if watched is not seen:
            seen, alarm_at = watched, _alarm_time(watched)
        if alarm_at is None or time.monotonic() < alarm_at or watched is not WATCHDOG.watched:
            continue
        if signal.getsignal(signal.SIGALRM) is not _on_alarm:
            continue  # the application has taken SIGALRM since: it is not ours to send
        watched.fired = True
        signal.pthread_kill(main_thread, signal.SIGALRM)


def start_watchdog() -> None:
    """Start the watchdog thread and install its ``SIGALRM`` handler, once; called on the main
    thread, and only if ``SIGALRM`` has no handler of the application's."""
    with _start_lock:
        if WATCHDOG.started:
            return
        WATCHDOG.started = True
        if signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL:
            logger.debug("SIGALRM has a handler of the application's: blocking code is not interrupted")
            return
        signal.signal(signal.SIGALRM, _on_alarm)
        threading.Thread(target=_watchdog, args=(MAIN_THREAD,), name="mangum-deadline", daemon=True).start()


def stand_down() -> None:
    """No interruption for the rest of the invocation whose code calls it: called by a cycle whose
    application has finished or been cancelled, so that the watchdog does not signal its cleanup."""
    watched = WATCHED.get()
    if watched is not None:
        watched.stand_down()
