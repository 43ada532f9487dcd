"""The container's shutdown window: the shutdown callbacks run on a helper thread, bounded in time,
and what SIGTERM does once they have run.

Imported only when there is a shutdown to run (:func:`mangum._asgi.loop.run_shutdown_callbacks`
with a callback pending, or SIGTERM): the callbacks themselves and when they run are
:mod:`mangum._asgi.loop`'s.

Lambda sends SIGTERM before it stops an execution environment only when an extension is
registered; otherwise the process is frozen and killed without notice, and nothing here runs.

Lambda lets the runtime run for 300 ms after SIGTERM (500 ms with an internal extension), then kills
it. The shutdown callbacks therefore run on a helper thread that is given :data:`SHUTDOWN_WINDOW` in
all: one that blocks its thread (synchronous clean-up without a timeout) is abandoned when the window
closes, and the process goes on ending.

The SIGTERM handler is installed only from the main thread (Python allows no other), at most once
per process, and hands the signal on to the handler that was there before
(:func:`mangum._asgi.loop.pass_on`, which needs no import: it runs even if this module cannot be
imported any more): a Python handler is called, the default action is restored and the signal raised
again so that the process still ends by SIGTERM, and an ignored signal stays ignored.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger("mangum")

SHUTDOWN_WINDOW = 0.25
"""Seconds every shutdown callback together may take before they are abandoned."""


def run_within(work: Callable[[], None], window: float | None = None) -> bool:
    """Run ``work`` on a helper thread for at most ``window`` seconds (:data:`SHUTDOWN_WINDOW`).
    Returns whether it finished in time; when it did not, it is abandoned, logged as an error."""
    limit = SHUTDOWN_WINDOW if window is None else window
    finished = threading.Event()

    def run() -> None:
        try:
            work()
        finally:
            finished.set()

    helper = threading.Thread(target=run, name="mangum-shutdown", daemon=True)
    try:
        helper.start()
    except RuntimeError:  # interpreter shutdown on some Python versions: no new threads
        run()
        return True
    if finished.wait(limit):
        return True
    logger.error("shutdown did not finish within %d ms: abandoned, the process goes on ending", limit * 1000)
    return False
