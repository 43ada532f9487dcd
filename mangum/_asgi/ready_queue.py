"""Running a task to completion by stepping the loop's ready queue, without polling for I/O.

``run_until_complete`` costs a selector poll and its bookkeeping on every loop iteration, even for
an invocation whose every step is ready at once (a request the app answers without waiting on a
socket or a timer), which is most of them. :func:`step_until_done` runs such a task the way
``run_forever`` would, on the same loop and its ready queue, with the loop marked running (so
``get_running_loop``, ``current_task``, contextvars, anyio and sniffio see what they always see),
but runs the queued callbacks itself instead of polling the selector between them.

It gives up, leaving the task pending for ``run_until_complete`` to finish, as soon as the queue
is empty while the task is not done: the task is waiting on real I/O or a timer. It is used only
when nothing else waits on the loop (:func:`is_idle`), so that no other task's I/O or due timer is
left unserved for the invocation's length; and only on the standard library's loops, whose
internals it relies on (:func:`supports`), never on uvloop's or in debug mode.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from asyncio import events
from collections import deque
from typing import Any


def supports(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop`` is a standard library loop with the internals this module steps."""
    return (
        isinstance(loop, asyncio.BaseEventLoop)
        and isinstance(getattr(loop, "_ready", None), deque)
        and isinstance(getattr(loop, "_scheduled", None), list)
        and isinstance(getattr(getattr(loop, "_selector", None), "_fd_to_key", None), dict)
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


_RUN_FOREVER_SETUP = hasattr(asyncio.BaseEventLoop, "_run_forever_setup")
"""Python 3.13+ has what run_forever does before and after its iterations as two methods."""


def step_until_done(loop: Any, task: asyncio.Task[Any]) -> bool:
    """Run ``loop``'s ready callbacks until ``task`` is done, then the callbacks its completion
    scheduled (as the last iteration of ``run_until_complete`` does). Returns whether it is done;
    when not, the task waits on I/O or a timer and ``run_until_complete`` must finish it."""
    ready: deque[asyncio.Handle] = loop._ready
    if _RUN_FOREVER_SETUP:
        loop._run_forever_setup()
    else:  # Python 3.10-3.12: the same, as their run_forever writes it out
        old_hooks = sys.get_asyncgen_hooks()
        loop._thread_id = threading.get_ident()
        sys.set_asyncgen_hooks(
            firstiter=loop._asyncgen_firstiter_hook, finalizer=loop._asyncgen_finalizer_hook
        )
        events._set_running_loop(loop)
    try:
        while True:
            # One iteration's worth, as _run_once: the callbacks queued now, not those they queue.
            for _ in range(len(ready)):
                handle = ready.popleft()
                if not handle._cancelled:  # what _run_once reads
                    handle._run()  # what _run_once calls
            if task.done():
                break
            if not ready:
                return False
        # The iteration run_until_complete ends with: the callbacks the task's completion queued.
        for _ in range(len(ready)):
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()
        return True
    finally:
        if _RUN_FOREVER_SETUP:
            loop._run_forever_cleanup()
        else:
            loop._stopping = False
            loop._thread_id = None
            events._set_running_loop(None)
            sys.set_asyncgen_hooks(*old_hooks)
