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

_shutdown_callbacks: list[Callable[[], None]] = []
_exit_callbacks: list[Callable[[], None]] = []
_state_lock = threading.Lock()
_atexit_registered = False
_sigterm_installed = False


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


def run_shutdown_callbacks() -> None:
    """Run every pending shutdown callback now (what SIGTERM does)."""
    _drain(_shutdown_callbacks)


def _at_exit() -> None:
    _drain(_shutdown_callbacks)
    _drain(_exit_callbacks)


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
