"""Threads a timed-out invocation leaves behind, and when the environment should be given up for them.

At the deadline mangum answers for an app stuck in synchronous code on a worker thread (a sync
route of Starlette or FastAPI hanging in its thread pool), but Python cannot stop a thread: it goes
on running, holding its memory and a place in the pool (anyio lends at most 40 threads, and a
process with 40 stuck ones serves no sync route again). So after each invocation the runtime counts
the threads still running code while no invocation is in progress; when there are
``MANGUM_MAX_LEAKED_THREADS`` of them (default :data:`DEFAULT_MAX_LEAKED_THREADS`, ``0``: never),
it logs so and exits once its answer is posted, and a fresh environment takes its place (Lambda
starts one for the next invocation; ``serve`` replaces its worker).

A thread counts as idle, not leaked, while its innermost Python frame waits: for work in a pool's
queue, on a ``threading`` condition or event (a library's background thread, say), in an event
loop's selector. mangum's own threads (``mangum-*``) and the main thread are never counted. So a
thread stuck in ``Event.wait()`` is not seen; one in ``time.sleep``, a socket read, a lock or a
busy loop is.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from types import FrameType

MAX_LEAKED_THREADS_VARIABLE = "MANGUM_MAX_LEAKED_THREADS"
DEFAULT_MAX_LEAKED_THREADS = 10
_IDLE_FILES = ("queue.py", "threading.py", "selectors.py")
"""Where a waiting thread's innermost Python frame is: a queue, a condition or event, a selector."""
_POOL_WORKER = ("thread.py", "_worker")
"""concurrent.futures' worker loop, innermost while it waits for work (its queue is in C)."""


def max_leaked_threads(environ: Mapping[str, str] | None = None) -> int:
    """The limit ``MANGUM_MAX_LEAKED_THREADS`` sets (a whole number; 0 turns the check off)."""
    text = (os.environ if environ is None else environ).get(MAX_LEAKED_THREADS_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MAX_LEAKED_THREADS
    if not text.isdigit():
        raise ValueError(f"{MAX_LEAKED_THREADS_VARIABLE} must be a whole number, not {text!r}")
    return int(text)


def _waiting(frame: FrameType | None) -> bool:
    if frame is None:
        return True
    code = frame.f_code
    return code.co_filename.endswith(_IDLE_FILES) or (
        code.co_filename.endswith(_POOL_WORKER[0]) and code.co_name == _POOL_WORKER[1]
    )


def leaked_threads() -> list[str]:
    """The names of the threads running code between invocations (see the module docs)."""
    if threading.active_count() <= 1:
        return []
    mine = threading.get_ident()
    main = threading.main_thread()
    # Checked after every invocation, and mangum's own watchdog thread is nearly always there: the
    # frames of every thread are only looked at when some thread could be counted.
    candidates: dict[int, str] = {}
    for thread in threading.enumerate():
        ident = thread.ident
        if (
            ident is not None
            and ident != mine
            and thread is not main
            and not thread.name.startswith("mangum-")
        ):
            candidates[ident] = thread.name
    if not candidates:
        return []
    frames = sys._current_frames()
    return [name for ident, name in candidates.items() if not _waiting(frames.get(ident))]
