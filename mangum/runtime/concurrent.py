"""Many invocations at once in one process: ``AWS_LAMBDA_MAX_CONCURRENCY`` (Lambda Managed Instances).

On Lambda Managed Instances an execution environment takes concurrent ``/next`` and ``/response``
requests, up to ``AWS_LAMBDA_MAX_CONCURRENCY``. With that variable set, ``python -m mangum.runtime``
serves that many invocations at once, the way an ASGI server does: one process, one event loop,
one lifespan, every request in flight on it.

- **Lanes.** ``N`` threads, each with its own keep-alive connection to the Runtime API, run the
  invocation loop of :mod:`mangum.runtime.loop`: ``/next``, the handler, ``/response``. No more
  than ``N`` invocations are ever in flight, and an invocation waits for nothing but its own work.
- **One loop.** The main thread runs the container's event loop (:func:`mangum._asgi.loop.share`).
  A :class:`~mangum.Mangum` handler called on a lane does its pure work (reading the event,
  building the result) there and hands the application's coroutine to that loop as a task of its
  own, so the application, its lifespan (started once, by the first invocation) and its
  connection pools serve every invocation together. Any other handler runs on its lane's thread.
- **Each invocation its own.** Its request id (in every log line) and X-Ray trace header
  (:func:`mangum.runtime.log.trace_id`) live in a context variable, not in the process
  environment; its deadline cancels its own task alone (Managed Instances do not enforce
  timeouts: the deadline is mangum's, an answer before the caller gives up). Blocking code cannot
  be interrupted by a signal here; the loop-lag watchdog (:mod:`mangum.runtime.loop_lag`) names
  the invocation that blocked the loop.
- **Isolation.** An application error, an event that is not JSON or an answer whose connection
  broke fails only its invocation; the lane logs it and goes on. A ``/next`` that fails means the
  Runtime API is gone, and a 5xx answer that the environment is broken: the runtime ends, with
  status 1.
- **SIGTERM** runs the lifespan shutdown on the loop, then ends the process by SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Mapping

from mangum._asgi import loop as container
from mangum.runtime.client import RuntimeApiClient, RuntimeApiError
from mangum.runtime.context import FunctionInfo
from mangum.runtime.loop import Handler, StreamingHandler, handle, streaming_entry
from mangum.runtime.loop_lag import LoopLagWatchdog, threshold_from_environment

logger = logging.getLogger("mangum.runtime")

MAX_CONCURRENCY_VARIABLE = "AWS_LAMBDA_MAX_CONCURRENCY"
LIMIT = 1600
"""The most ``PerExecutionEnvironmentMaxConcurrency`` Lambda allows."""


def max_concurrency(environ: Mapping[str, str] | None = None) -> int | None:
    """``AWS_LAMBDA_MAX_CONCURRENCY``: how many invocations to serve at once (``None`` when unset:
    one at a time, as ever). Raises :class:`ValueError` for a value that is not a whole number
    from 1 to :data:`LIMIT`."""
    text = (os.environ if environ is None else environ).get(MAX_CONCURRENCY_VARIABLE, "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= LIMIT:
        raise ValueError(f"{MAX_CONCURRENCY_VARIABLE} must be a whole number from 1 to {LIMIT}, not {text!r}")
    return int(text)


class _Stop(Exception):
    """Why the runtime stops: the error a lane met, or SIGTERM."""

    def __init__(self, cause: BaseException | None) -> None:
        super().__init__(str(cause))
        self.cause = cause


class ConcurrentRuntime:
    """``concurrency`` lanes on the Runtime API at ``address`` serving ``handler``, the loop on the
    thread that calls :meth:`run` (see the module docs)."""

    def __init__(
        self, address: str, handler: Handler, concurrency: int, invocations: int | None = None
    ) -> None:
        self.address = address
        self.handler = handler
        self.concurrency = concurrency
        self._stream: StreamingHandler | None = streaming_entry(handler)
        self._function = FunctionInfo.from_environment()
        self._remaining = invocations
        self._lock = threading.Lock()
        self._lanes_left = concurrency
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Future[None] | None = None
        self.watchdog: LoopLagWatchdog | None = None

    def run(self) -> None:
        """Serve until the Runtime API fails (raises :class:`RuntimeApiError`), SIGTERM, or the
        number of invocations given was served."""
        clients = [RuntimeApiClient(self.address) for _ in range(self.concurrency)]
        loop = self._loop = container.share()
        self._stopped = loop.create_future()
        threshold = threshold_from_environment()
        if threshold is not None:
            self.watchdog = LoopLagWatchdog(loop, threading.get_ident(), threshold).start()
        sigterm = self._catch_sigterm(loop)
        for number, client in enumerate(clients, 1):
            lane = threading.Thread(target=self._lane, args=(client,), name=f"mangum-lane-{number}")
            lane.daemon = True
            lane.start()
        try:
            # A coroutine, not the future: run_until_complete makes it the loop's root task, which
            # anyio recognises (its worker threads, running sync routes, live as long as it does).
            loop.run_until_complete(_until(self._stopped))
        except _Stop as stop:
            if stop.cause is not None:
                raise stop.cause from None
            # SIGTERM: the lifespan shutdown has run; the process ends the way the signal ends it.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
        finally:
            if sigterm:
                loop.remove_signal_handler(signal.SIGTERM)
            if self.watchdog is not None:
                self.watchdog.stop()
            container.unshare()

    def _catch_sigterm(self, loop: asyncio.AbstractEventLoop) -> bool:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return False  # the application's own handler stays
        loop.add_signal_handler(signal.SIGTERM, self._on_sigterm)
        return True

    def _on_sigterm(self) -> None:
        logger.info("SIGTERM received: shutting down")

        def shut_down() -> None:
            # On a thread: the lifespan shutdown runs on the loop, which must keep running for it.
            container.run_shutdown_callbacks()
            self._finish(_Stop(None))

        threading.Thread(target=shut_down, name="mangum-shutdown-wait", daemon=True).start()

    def _finish(self, outcome: BaseException | None) -> None:
        """End :meth:`run` (from any thread) with ``outcome`` raised, or normally for ``None``."""
        loop, stopped = self._loop, self._stopped
        if loop is None or stopped is None:
            return

        def settle() -> None:
            if stopped.done():
                return
            if outcome is None:
                stopped.set_result(None)
            else:
                stopped.set_exception(outcome)

        with contextlib.suppress(RuntimeError):  # the loop is closed: run() has returned already
            loop.call_soon_threadsafe(settle)

    def _take(self) -> bool:
        with self._lock:
            if self._remaining is None:
                return True
            if self._remaining <= 0:
                return False
            self._remaining -= 1
            return True

    def _lane(self, client: RuntimeApiClient) -> None:
        try:
            while self._take():
                try:
                    invocation = client.next_invocation()
                except RuntimeApiError as error:
                    self._finish(_Stop(error))
                    return
                try:
                    handle(client, self.handler, self._stream, self._function, invocation, among_many=True)
                except RuntimeApiError as error:
                    if error.status is not None:
                        # A 5xx: the Runtime API says the environment is broken; the runtime must end.
                        self._finish(_Stop(error))
                        return
                    # Its answer could not be sent (the connection broke): that invocation alone is
                    # lost (Lambda reports it failed); the connection reopens for the next one.
                    logger.error(
                        "Invocation %s could not be answered: %s",
                        invocation.request_id,
                        error,
                        extra={"aws_request_id": invocation.request_id},
                    )
        except BaseException as error:  # SystemExit from the handler, say: the process ends with it
            self._finish(_Stop(error))
            return
        with self._lock:
            self._lanes_left -= 1
            last = self._lanes_left == 0
        if last:
            self._finish(None)


async def _until(stopped: asyncio.Future[None]) -> None:
    await stopped


def serve_concurrently(
    address: str, handler: Handler, concurrency: int, invocations: int | None = None
) -> None:
    """Serve ``handler`` ``concurrency`` invocations at a time (see the module docs)."""
    ConcurrentRuntime(address, handler, concurrency, invocations).run()
