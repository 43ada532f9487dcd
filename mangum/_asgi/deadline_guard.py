"""Answering before the invocation's deadline, whatever the application is doing.

Lambda stops an invocation when its time is up, and the next request then pays a cold start. So an
application still running ``margin`` seconds before that (the invocation's :class:`Deadline`,
:mod:`mangum.deadline`) is taken down and the invocation answers on its own (a 504 for HTTP):

- **Waiting** (on a socket, a timer, a worker thread): the container loop waits for the task no
  longer than the deadline, then cancels it, giving it :data:`CANCEL_GRACE` seconds to unwind
  (``finally`` blocks, closing connections) before the answer goes out regardless.
- **Blocking the thread** (``time.sleep`` or a busy loop inside ``async def``): no event loop can
  cancel that. A watchdog thread, started with the first invocation that has a deadline, checks
  the invocation in progress every :data:`WATCH_INTERVAL` seconds and, once it is past the point
  the loop gave it (by default halfway through the margin), sends ``SIGALRM`` to the main thread,
  whose handler raises :class:`DeadlineExceeded` where the application is. Python delivers it
  there at the next bytecode (a blocking sleep is interrupted); code inside a C extension that
  never returns to Python cannot be interrupted. This needs the handler to run on the main thread, as Lambda's
  runtimes do, and ``SIGALRM`` not to be the application's own: otherwise only waiting is bounded.

Nothing here runs on an invocation that completes without waiting, beyond noting which one is in
progress for the watchdog.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from mangum.deadline import remaining_time
from mangum.exceptions import DeadlineExceeded

logger = logging.getLogger("mangum")

CANCEL_GRACE = 0.05
"""Seconds a cancelled application gets to unwind before the invocation answers anyway."""
WATCH_INTERVAL = 0.05
"""Seconds between two looks of the watchdog at the invocation in progress."""


def contains_deadline(error: BaseException) -> DeadlineExceeded | None:
    """The :class:`DeadlineExceeded` that ``error`` is or holds (an exception group from a task
    group the application ran), if any."""
    if isinstance(error, DeadlineExceeded):
        return error
    for inner in getattr(error, "exceptions", ()):
        if isinstance(inner, BaseException) and (found := contains_deadline(inner)) is not None:
            return found
    return None


def finish(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any], remaining: float) -> None:
    """Run ``loop`` until ``task`` is done, for ``remaining`` seconds at most; then cancel it and
    raise :class:`DeadlineExceeded` naming where it was waiting."""
    done, _ = loop.run_until_complete(asyncio.wait((task,), timeout=remaining))
    if done:
        return
    from mangum._asgi.stuck import where_stuck

    where = where_stuck(task)
    task.cancel()
    loop.run_until_complete(asyncio.wait((task,), timeout=CANCEL_GRACE))
    if not task.done():
        logger.warning(
            "the application did not stop within %ss of being cancelled: left running", CANCEL_GRACE
        )
    raise DeadlineExceeded(f"waiting at {where}")


# --- the watchdog -------------------------------------------------------------------------------


current: tuple[object, float] | None = None
"""The invocation in progress, as the watchdog sees it: its Lambda context, and the remaining time
(seconds) at which blocking code is interrupted. Set and
cleared by the loop around each invocation (a plain module variable: read by the watchdog thread,
which tolerates a stale read for one interval)."""
watchdog_started = False
"""Whether :func:`start_watchdog` has run (the loop calls it with the first invocation)."""
_fired_for: tuple[object, float] | None = None
_start_lock = threading.Lock()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if current is None or current is not _fired_for:
        return  # a late signal for an invocation that has ended
    if frame is None:
        raise DeadlineExceeded("blocking the thread")
    code = frame.f_code
    raise DeadlineExceeded(f"blocking the thread at {code.co_filename}:{frame.f_lineno} in {code.co_name}")


def _watchdog(main_thread: int) -> None:
    global _fired_for
    while True:
        time.sleep(WATCH_INTERVAL)
        watched = current
        if watched is None or watched is _fired_for:
            continue
        left = remaining_time(watched[0], watched[1])
        if left is not None and left <= 0 and watched is current:
            _fired_for = watched
            signal.pthread_kill(main_thread, signal.SIGALRM)


def stand_down() -> None:
    """No interruption for the rest of the invocation in progress: called by a cycle whose
    application has finished or been cancelled, so that its own cleanup (bounded by its own means)
    is not interrupted."""
    global current
    current = None


def start_watchdog() -> None:
    """Start the watchdog thread and install its ``SIGALRM`` handler, once, from the main thread
    only and only if ``SIGALRM`` has no handler of the application's."""
    global watchdog_started
    with _start_lock:
        if watchdog_started:
            return
        watchdog_started = True
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
            logger.debug("SIGALRM has a handler of the application's: blocking code is not interrupted")
            return
        signal.signal(signal.SIGALRM, _on_alarm)
        threading.Thread(
            target=_watchdog, args=(threading.main_thread().ident,), name="mangum-deadline", daemon=True
        ).start()
