"""Run clean-up once when the container ends: on SIGTERM or at interpreter exit, whichever comes first.

Lambda sends SIGTERM before it stops an execution environment only when an extension is
registered; otherwise the process is frozen and killed without notice, and nothing here runs.

Two kinds of callbacks, each run once, most recent first:

- *shutdown* callbacks (the ASGI lifespan shutdown) run on SIGTERM or at exit;
- *exit* callbacks (closing the event loop) run only at interpreter exit, after the shutdown
  ones, so that a process that keeps running after SIGTERM still has a working loop.

The SIGTERM handler is installed only from the main thread (Python allows no other), at most once
per process. It chains the handler that was there before: a Python handler is called, the default
action is restored and the signal raised again so that the process still ends by SIGTERM, and an
ignored signal stays ignored.

Lambda lets the runtime run for 300 ms after SIGTERM (500 ms with an internal extension), then
kills it. The shutdown callbacks therefore run on a helper thread that is given
:data:`SHUTDOWN_WINDOW` in all: one that blocks its thread (synchronous clean-up without a
timeout) is abandoned when the window closes, and the process goes on ending. After that the exit
callbacks are skipped, since the abandoned callback may still hold the event loop.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

logger = logging.getLogger("mangum")

SHUTDOWN_WINDOW = 0.25
"""Seconds every shutdown callback together may take before they are abandoned."""

_shutdown_callbacks: list[Callable[[], None]] = []
_exit_callbacks: list[Callable[[], None]] = []
_state_lock = threading.Lock()
_atexit_registered = False
_sigterm_installed = False
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
    most ``window`` seconds (:data:`SHUTDOWN_WINDOW`). Returns whether they all finished in time."""
    global _abandoned
    limit = SHUTDOWN_WINDOW if window is None else window
    finished = threading.Event()

    def drain() -> None:
        try:
            _drain(_shutdown_callbacks)
        finally:
            finished.set()

    helper = threading.Thread(target=drain, name="mangum-shutdown", daemon=True)
    try:
        helper.start()
    except RuntimeError:  # interpreter shutdown on some Python versions: no new threads
        drain()
        return True
    if finished.wait(limit):
        return True
    _abandoned = True
    logger.error("shutdown did not finish within %d ms: abandoned, the process goes on ending", limit * 1000)
    return False


def _at_exit() -> None:
    if run_shutdown_callbacks() and not _abandoned:
        _drain(_exit_callbacks)
    else:
        logger.warning("exit callbacks skipped: an abandoned shutdown may still hold the event loop")


def install_sigterm_handler() -> bool:
    """Install the SIGTERM handler if this is the main thread and it is not installed yet.

    Returns whether the handler is installed after the call.
    """
    global _sigterm_installed
    if _sigterm_installed:
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    with _state_lock:
        if not _sigterm_installed:
            previous = signal.getsignal(signal.SIGTERM)
            signal.signal(signal.SIGTERM, _chained_handler(previous))
            _sigterm_installed = True
    return True


_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _chained_handler(previous: _Handler) -> Callable[[int, FrameType | None], None]:
    def handle_sigterm(signum: int, frame: FrameType | None) -> None:
        logger.info("SIGTERM received: shutting down")
        run_shutdown_callbacks()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            # SIG_DFL, or a handler installed outside Python: end the process the default way.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    return handle_sigterm
