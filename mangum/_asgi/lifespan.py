"""The ASGI lifespan protocol, run once per container and shared by every invocation.

Startup runs on the first invocation, on the container's event loop (:mod:`mangum._asgi.loop`);
the application's lifespan task then stays on that loop until the container ends, when shutdown
runs (on SIGTERM or at interpreter exit, see :func:`mangum._asgi.loop.on_shutdown`).

There is one :class:`Lifespan` per application object (:func:`lifespan_for`), so two adapters
wrapping the same application, or an adapter created on every invocation, still start it once.

What the application did during startup decides the :class:`LifespanStatus`:

- it sent ``lifespan.startup.complete``: ``STARTED``; every request gets a shallow copy of the
  ``state`` dict it filled (the ASGI lifespan state extension);
- it raised, returned or sent anything before receiving ``lifespan.startup``: ``UNSUPPORTED``
  (logged once at info level, with the traceback at debug level);
- it sent ``lifespan.startup.failed``, or raised, returned or broke the protocol after receiving
  ``lifespan.startup``, or had not completed startup by the invocation's deadline: ``FAILED``,
  logged once at error level with the cause.

How a status is answered depends on the adapter's ``lifespan`` mode (:meth:`Lifespan.request_state`).

The log lines on ``mangum.lifespan`` are PyPI mangum's (``Waiting for application startup.``,
``Application startup complete.``, ``Exception in 'lifespan' protocol.``, ...), with the cause and
the retry added where there is one.

A failed startup is not final: :func:`start` runs it again on a later invocation, once a backoff
has passed since the failure (:data:`RETRY_INITIAL` seconds, doubling up to :data:`RETRY_MAX`),
with a fresh lifespan scope and state. Invocations during the backoff fail at once, without a log
line each: every attempt that fails is logged once.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mangum._asgi import loop
from mangum.exceptions import LifespanFailure, LifespanUnsupported, UnexpectedMessage

if TYPE_CHECKING:
    from mangum.deadline import Deadline
    from mangum.types import ASGI, Message

logger = logging.getLogger("mangum.lifespan")

SHUTDOWN_TIMEOUT = 0.2
"""Seconds the application gets to finish its shutdown before its lifespan task is cancelled:
Lambda gives the runtime 300 ms after SIGTERM (see :data:`mangum._asgi.shutdown.SHUTDOWN_WINDOW`)."""
RETRY_INITIAL = 1.0
"""Seconds after a failed startup before the next invocation tries again; doubled after each failure."""
RETRY_MAX = 60.0
CANCEL_GRACE_SECONDS = 0.05


class LifespanStatus(enum.Enum):
    """Where the application's lifespan stands."""

    PENDING = enum.auto()
    STARTED = enum.auto()
    UNSUPPORTED = enum.auto()
    FAILED = enum.auto()
    SHUT_DOWN = enum.auto()


# Where the connection stands. Plain ints: an enum costs a measurable part of the import.
_CONNECTING = 0
_STARTUP = 1
_RUNNING = 2
_SHUTDOWN = 3
_PHASE_NAMES = ("CONNECTING", "STARTUP", "RUNNING", "SHUTDOWN")


class Lifespan:
    """The lifespan connection of one application (see the module docs)."""

    def __init__(self, app: ASGI, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._app = app
        self._clock = clock
        self.failures = 0
        """How many startups failed in a row."""
        self.retry_at = 0.0
        """When (on ``clock``) a failed startup may be tried again."""
        self._begin()

    def _begin(self) -> None:
        """A fresh connection: the state of a startup not yet run."""
        self.status = LifespanStatus.PENDING
        self.reason = ""
        """Why startup did not complete (empty when it did)."""
        self.state: dict[str, Any] = {}
        """The lifespan state the application filled during startup."""
        self._cause: BaseException | None = None
        self._phase = _CONNECTING
        self._task: asyncio.Task[None] | None = None
        self._startup_settled = asyncio.Event()
        self._shutdown_requested = asyncio.Event()
        self._shutdown_settled = asyncio.Event()

    @property
    def started(self) -> bool:
        """Whether startup completed (``STARTED``)."""
        return self.status is LifespanStatus.STARTED

    @property
    def retry_due(self) -> bool:
        """Whether startup failed and its backoff has passed: :func:`start` will run it again."""
        return self.status is LifespanStatus.FAILED and self._clock() >= self.retry_at

    # --- the application's side of the connection ----------------------------------------------

    async def _receive(self) -> Message:
        if self._phase == _CONNECTING:
            self._phase = _STARTUP
            return {"type": "lifespan.startup"}
        if self._phase == _STARTUP:
            self._settle(LifespanStatus.FAILED, "it awaited receive() again before completing startup")
            raise UnexpectedMessage("receive() awaited again before 'lifespan.startup.complete'")
        if self._phase == _RUNNING:
            await self._shutdown_requested.wait()
            self._phase = _SHUTDOWN
            return {"type": "lifespan.shutdown"}
        # Nothing follows 'lifespan.shutdown': wait until the task is cancelled.
        await asyncio.get_running_loop().create_future()
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(self, message: Message) -> None:
        kind = message.get("type")
        # PyPI mangum's line for every message, naming the state as its LifespanCycleState did.
        logger.info(
            "LifespanCycleState.%s:  '%s' event received from application.", _PHASE_NAMES[self._phase], kind
        )
        if self._phase == _CONNECTING:
            self._settle(LifespanStatus.UNSUPPORTED, f"it sent {kind!r} before receiving 'lifespan.startup'")
            raise UnexpectedMessage(f"unexpected {kind!r} before 'lifespan.startup'")
        if self._phase == _STARTUP:
            if kind == "lifespan.startup.complete":
                self._phase = _RUNNING
                self._settle(LifespanStatus.STARTED)
            elif kind == "lifespan.startup.failed":
                self._settle(LifespanStatus.FAILED, f"the application reported: {message.get('message', '')}")
            else:
                self._settle(LifespanStatus.FAILED, f"it sent {kind!r} during startup")
                raise UnexpectedMessage(f"unexpected {kind!r} during lifespan startup")
        elif self._phase == _SHUTDOWN:
            if kind == "lifespan.shutdown.failed":
                logger.error("Lifespan shutdown failure. %s", message.get("message", ""))
            elif kind != "lifespan.shutdown.complete":
                logger.error("unexpected %r during ASGI lifespan shutdown", kind)
                raise UnexpectedMessage(f"unexpected {kind!r} during lifespan shutdown")
            self._shutdown_settled.set()
        else:
            logger.error("unexpected %r from the ASGI lifespan task between startup and shutdown", kind)
            raise UnexpectedMessage(f"unexpected {kind!r} between lifespan startup and shutdown")

    async def _main(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            await self._app(scope, self._receive, self._send)
        except Exception as exc:
            self._ended(f"it raised {type(exc).__name__}", exc)
        else:
            self._ended("it returned", None)
        finally:
            self._startup_settled.set()
            self._shutdown_settled.set()

    def _ended(self, how: str, exc: Exception | None) -> None:
        if self._phase == _CONNECTING:
            self._settle(LifespanStatus.UNSUPPORTED, f"{how} before receiving 'lifespan.startup'", exc)
        elif self._phase == _STARTUP:
            if self.status is LifespanStatus.FAILED:
                self._cause = self._cause or exc
            else:
                self._settle(LifespanStatus.FAILED, f"{how} before sending 'lifespan.startup.complete'", exc)
        elif exc is not None and not isinstance(exc, UnexpectedMessage):
            logger.error("Exception in 'lifespan' protocol.", exc_info=exc)

    def _settle(self, status: LifespanStatus, reason: str = "", cause: BaseException | None = None) -> None:
        """Record the outcome of startup, once, and log it once."""
        if self.status is not LifespanStatus.PENDING:
            return
        self.status, self.reason, self._cause = status, reason, cause
        if status is LifespanStatus.STARTED:
            if self.failures:
                logger.info("Application startup complete (after %d failed attempts).", self.failures)
            else:
                logger.info("Application startup complete.")
            self.failures = 0
        elif status is LifespanStatus.UNSUPPORTED:
            logger.info("ASGI 'lifespan' protocol appears unsupported (%s).", reason)
            if cause is not None:
                logger.debug("the application's lifespan error", exc_info=cause)
        else:
            self.failures += 1
            backoff = min(RETRY_MAX, RETRY_INITIAL * 2 ** (self.failures - 1))
            self.retry_at = self._clock() + backoff
            # One line per failed attempt, in PyPI mangum's words ("Exception in 'lifespan' protocol."
            # first when the application raised), with the traceback.
            raised = cause is not None and not isinstance(cause, UnexpectedMessage)
            logger.error(
                "%sApplication startup failed: %s (attempt %d; tried again after %gs).",
                "Exception in 'lifespan' protocol. " if raised else "",
                reason,
                self.failures,
                backoff,
                exc_info=cause,
            )
        self._startup_settled.set()

    # --- the adapter's side -----------------------------------------------------------------------

    async def startup(self, deadline: Deadline | None = None) -> LifespanStatus:
        """Run the application's startup (once per attempt) and return the settled :attr:`status`.

        When ``deadline`` comes first, the startup task is cancelled and startup has ``FAILED``.
        """
        if self._task is None and self.status is LifespanStatus.PENDING:
            logger.info("Waiting for application startup.")
            self._task = asyncio.get_running_loop().create_task(self._main(), name="mangum-lifespan")
        timeout = None if deadline is None else deadline.remaining()
        try:
            await asyncio.wait_for(self._startup_settled.wait(), timeout)
        except asyncio.TimeoutError:
            task = self._task
            from mangum._asgi.stuck import where_stuck

            stuck = "not started" if task is None else where_stuck(task)
            self._settle(
                LifespanStatus.FAILED,
                f"it had not completed startup within {timeout or 0:.2f}s, the invocation's deadline "
                f"(cancelled in {stuck})",
            )
            if task is not None:
                task.cancel()
                await asyncio.wait((task,), timeout=CANCEL_GRACE_SECONDS)
        return self.status

    async def retry(self) -> None:
        """Forget a failed startup (its task is cancelled if still running) so that it can run again."""
        if not self.retry_due:
            return  # another invocation in flight at the same time has begun the retry already
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait((task,), timeout=CANCEL_GRACE_SECONDS)
        self._begin()

    def request_state(self, *, required: bool) -> dict[str, Any] | None:
        """What a request's ``scope["state"]`` gets after startup: a shallow copy of the lifespan state.

        ``None`` when the application does not support lifespan and ``required`` is false. Raises
        :class:`LifespanUnsupported` when it does not and ``required`` is true, and
        :class:`LifespanFailure` when startup failed or the application has shut down.
        """
        status = self.status
        if status is LifespanStatus.STARTED:
            return dict(self.state)
        if status is LifespanStatus.UNSUPPORTED:
            if required:
                raise LifespanUnsupported(
                    f"lifespan='on' but the application does not support the ASGI lifespan protocol "
                    f"({self.reason})"
                ) from self._cause
            return None
        if status is LifespanStatus.FAILED:
            raise LifespanFailure(
                f"the application's lifespan startup failed ({self.reason})"
            ) from self._cause
        if status is LifespanStatus.SHUT_DOWN:
            raise LifespanFailure("the application's lifespan has already shut down")
        raise RuntimeError("request_state() called before startup()")

    async def shutdown(self) -> None:
        """Deliver ``lifespan.shutdown`` and wait for the application to finish (bounded by
        :data:`SHUTDOWN_TIMEOUT`); a no-op unless startup completed. A startup that has not run
        or failed is not tried again afterwards."""
        if self.status is not LifespanStatus.STARTED:
            if self.status is LifespanStatus.PENDING or self.status is LifespanStatus.FAILED:
                self.status = LifespanStatus.SHUT_DOWN
            return
        self.status = LifespanStatus.SHUT_DOWN
        task = self._task
        if task is None:  # pragma: no cover - STARTED implies the task exists
            return
        logger.info("Waiting for application shutdown.")
        self._shutdown_requested.set()
        try:
            await asyncio.wait_for(self._shutdown_settled.wait(), SHUTDOWN_TIMEOUT)
        except asyncio.TimeoutError:
            logger.error("Application shutdown did not finish within %s seconds.", SHUTDOWN_TIMEOUT)
        if not task.done():
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        logger.info("Application shutdown complete.")


_lifespans: dict[int, Lifespan] = {}
_lifespans_lock = threading.Lock()


def lifespan_for(app: ASGI) -> Lifespan:
    """The one :class:`Lifespan` of ``app`` in this process; its shutdown is registered on creation."""
    with _lifespans_lock:
        existing = _lifespans.get(id(app))
        if existing is not None:
            return existing
        created = Lifespan(app)
        # The registry keeps the Lifespan, which keeps the app, so id(app) cannot be reused.
        _lifespans[id(app)] = created
        loop.on_shutdown(lambda: _shut_down(created))
        return created


def start(lifespan: Lifespan, deadline: Deadline | None = None) -> None:
    """Run startup on the container loop if it has not run yet, or again if it failed and its
    backoff has passed; a no-op otherwise, so call it on every invocation.

    Runs from the calling thread, so that the SIGTERM handler can be installed when that is the
    main thread. ``deadline`` bounds the startup (a startup still running then has failed).
    """
    if lifespan.retry_due:
        loop.run(lifespan.retry())
    if lifespan.status is LifespanStatus.PENDING:
        status = loop.run(lifespan.startup(deadline))
        if status is LifespanStatus.STARTED:
            loop.install_sigterm_handler()


def _shut_down(lifespan: Lifespan) -> None:
    if lifespan.status is not LifespanStatus.STARTED:
        return
    try:
        loop.run(lifespan.shutdown())
    except RuntimeError:
        logger.warning("ASGI lifespan shutdown skipped: the container's event loop is in use")
