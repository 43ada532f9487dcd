"""The exchange: the one place an ASGI HTTP exchange with the application is run.

Every HTTP invocation goes ``detect → home.read → exchange → home.result`` (docs/structure.md). The
adapter reads the event and lays out the result; in between, :func:`exchange` does what every way of
answering shares, once:

1. the request body decoded (a body that cannot be: a plain-text 400, logged as a warning);
2. the lifespan ``state`` given to the scope (:mod:`mangum._asgi.lifespan`);
3. the application run on the container loop (:func:`mangum._asgi.loop.run`), held to the
   invocation's deadline: when the deadline comes first, an ERROR line naming where the application
   was, and a 504;
4. the access log line, ``GET /items/1 200`` at INFO on ``mangum.http``, as PyPI mangum logs it.

Where the answer goes is the :class:`Invocation`'s, the per-invocation object that also holds the
Lambda context and the deadline margin: :class:`Buffered` collects the response whole (a buffered
Lambda result, the custom handlers' response), :class:`mangum.streaming.response.HttpStream` writes
it to the Runtime API as the application produces it.

The cycles (:func:`run_http_cycle`, and :func:`mangum._asgi.streaming.run_streaming_cycle`,
imported only by a streamed answer): the application receives the whole request body in a single
``http.request`` message, then ``http.disconnect`` once its response is complete (a ``receive()``
made earlier waits until then, as a client that stays connected would).

Application errors never escape: an exception before or during the response, returning without a
complete response, or a message the protocol does not allow at that point all give a plain-text
500 (a streamed response already started is ended with an error instead) and an error log with the
traceback on the ``mangum.http`` logger. An exception raised after the response was complete (a
background task, say) is logged and the complete response is kept, as a server that had already
sent it would; so is one the invocation's deadline stopped then (:mod:`mangum.deadline`).

Trailers: the scope does not advertise the ``http.response.trailers`` extension, because a Lambda
response cannot carry trailers. An application that sends ``http.response.trailers`` anyway, after
its last body chunk, has them discarded; the response is complete at the last body chunk.

These modules know nothing about Lambda events: the adapter (:mod:`mangum.adapter`) wires them to the
sources' homes and the response builders.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from mangum._asgi import loop
from mangum._http.request import Request, request_body
from mangum._http.response import CollectedResponse, gateway_timeout, internal_server_error, plain_text
from mangum.deadline import Deadline, stopped_by_deadline
from mangum.exceptions import DeadlineExceeded, InvalidBody, UnexpectedMessage

if TYPE_CHECKING:
    from mangum.types import (
        ASGI,
        HTTPDisconnectEvent,
        HTTPRequestEvent,
        HTTPScope,
        LambdaContext,
        Message,
        Scope,
    )

    # Only annotations name it, so it is not built at import.
    StateSource = Callable[[LambdaContext | None], dict[str, Any] | None]
    """What gives a request the lifespan ``state``: the adapter's, from the invocation's context;
    it starts the lifespan on the first invocation and raises when it failed."""

logger = logging.getLogger("mangum.http")

T = TypeVar("T")


# --- the invocation -------------------------------------------------------------------------------


class Invocation(Generic[T]):
    """One invocation on its way through :func:`exchange`: its Lambda ``context``, the ``margin``
    (seconds) its deadline keeps back from Lambda's, and where the answer goes, which a subclass
    says: :meth:`cycle` runs the application, :meth:`answered` takes the cycle's result,
    :meth:`respond` gives an answer of the adapter's own, :meth:`late` the answer when the deadline
    came first. ``status`` is the status answered (``None`` until then), for the access log.

    One object per invocation, so that many in flight at once (Lambda Managed Instances,
    :func:`mangum._asgi.loop.share`) never share any of it.
    """

    __slots__ = ("context", "margin", "status")

    def __init__(self, context: LambdaContext | None, margin: float) -> None:
        self.context = context
        self.margin = margin
        self.status: int | None = None

    @property
    def deadline(self) -> Deadline | None:
        """The invocation's deadline, computed now (``None`` when the context tells no time)."""
        return Deadline.for_invocation(self.context, self.margin)

    def cycle(self, app: ASGI, scope: HTTPScope | Scope, body: bytes) -> Coroutine[Any, Any, T]:
        """The coroutine that runs ``app`` on the request, handing its response on."""
        raise NotImplementedError

    def answered(self, result: T) -> None:
        """The cycle's result, once it has run."""
        raise NotImplementedError

    def respond(self, status: int, message: str) -> None:
        """A whole plain-text answer of the adapter's own (a 400 for a bad body)."""
        raise NotImplementedError

    def late(self, error: DeadlineExceeded) -> None:
        """Answer an invocation whose deadline came before the application's answer."""
        raise NotImplementedError


class Buffered(Invocation[CollectedResponse]):
    """The target of a buffered answer: the application's response collected whole, in
    ``response`` once :func:`exchange` has returned (a 504 when the deadline came first)."""

    __slots__ = ("response",)

    response: CollectedResponse

    def cycle(
        self, app: ASGI, scope: HTTPScope | Scope, body: bytes
    ) -> Coroutine[Any, Any, CollectedResponse]:
        return run_http_cycle(app, scope, body)

    def answered(self, result: CollectedResponse) -> None:
        self.response = result
        self.status = result.status

    def respond(self, status: int, message: str) -> None:
        self.response = plain_text(status, message)

    def late(self, error: DeadlineExceeded) -> None:
        self.answered(gateway_timeout())


def exchange(
    app: ASGI,
    scope: HTTPScope | Scope,
    request: Request | bytes,
    invocation: Invocation[T],
    state: StateSource | None = None,
) -> None:
    """Run one ASGI HTTP exchange of ``app``: ``request`` (its body decoded here, or the body
    already) on ``scope``, the answer to ``invocation`` (see the module docs).

    Raises only what ``state`` raises (:class:`~mangum.exceptions.LifespanFailure`, and
    :class:`~mangum.exceptions.LifespanUnsupported` with ``lifespan="on"``), and what a streamed
    target raises while it reports a failure: everything the application does is answered.
    """
    if isinstance(request, Request):
        try:
            body = request_body(request)
        except InvalidBody as error:
            logger.warning("Bad request: %s", error)
            invocation.respond(400, "Bad Request")
            return
    else:  # a custom handler's body, handed to the app as the handler made it
        body = request
    if state is not None:
        lifespan_state = state(invocation.context)
        if lifespan_state is not None:
            scope["state"] = lifespan_state
    try:
        invocation.answered(
            loop.run(invocation.cycle(app, scope, body), invocation.context, invocation.margin)
        )
    except DeadlineExceeded as late:
        log_deadline(scope, late)
        invocation.late(late)
    # log_access()'s own check, made here: most invocations do not log at INFO, and skip a call.
    if invocation.status is not None and logger.isEnabledFor(logging.INFO):
        log_access(scope, invocation.status)


# --- the cycle: one request, its response collected ----------------------------------------------

# Where the response stands. Plain ints: compared on every message the app sends.
_AWAITING_START = 0
_SENDING_BODY = 1
_COMPLETE = 2


class ResponseCollector:
    """The receive/send pair handed to the application, collecting what it sends (the streamed
    cycle's exchange, :mod:`mangum._asgi.streaming`, passes each chunk on instead)."""

    __slots__ = ("_body", "_chunks", "_complete", "_finished", "_headers", "_phase", "_status", "error")

    _status: int
    _headers: list[tuple[bytes, bytes]]
    # Both set by 'http.response.start', and read only once the response has started.

    def __init__(self, body: bytes) -> None:
        self._body: bytes | None = body  # None once delivered
        self._phase = _AWAITING_START
        self._chunks: list[bytes] = []
        self._complete: asyncio.Event | None = None
        self._finished = False
        self.error: UnexpectedMessage | None = None

    @property
    def complete(self) -> bool:
        return self._phase == _COMPLETE

    async def receive(self) -> HTTPRequestEvent | HTTPDisconnectEvent:
        body = self._body
        if body is not None:
            self._body = None
            return {"type": "http.request", "body": body, "more_body": False}
        if self._phase != _COMPLETE and not self._finished:
            # The client stays connected until the response is complete.
            if self._complete is None:
                self._complete = asyncio.Event()
            await self._complete.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        # Both kinds of message every response sends are handled here, written out rather than in
        # methods of their own: this runs on every invocation.
        kind = message.get("type")
        phase = self._phase
        if phase == _SENDING_BODY and kind == "http.response.body":
            chunk = message.get("body", b"")
            if type(chunk) is not bytes:
                if not isinstance(chunk, bytes | bytearray | memoryview):
                    self._violate("'http.response.body' needs a bytes 'body'")
                chunk = bytes(chunk)
            if chunk:
                self._chunks.append(chunk)
            if not message.get("more_body", False):
                self._phase = _COMPLETE
                if self._complete is not None:
                    self._complete.set()
        elif phase == _AWAITING_START and kind == "http.response.start":
            status = message.get("status")
            if type(status) is not int:
                self._violate("'http.response.start' needs an int 'status'")
            headers: list[tuple[bytes, bytes]] = []
            all_bytes = True
            try:
                for name, value in message.get("headers", ()):
                    headers.append((name, value))
                    if type(name) is not bytes or type(value) is not bytes:
                        all_bytes = all_bytes and isinstance(name, bytes) and isinstance(value, bytes)
            except (TypeError, ValueError):
                self._violate("'http.response.start' headers must be an iterable of (name, value) pairs")
            if not all_bytes:
                self._violate("'http.response.start' headers must be pairs of bytes")
            self._status = status
            self._headers = headers
            self._phase = _SENDING_BODY
        elif phase == _COMPLETE and kind == "http.response.trailers":
            logger.debug("discarding http.response.trailers: Lambda responses cannot carry trailers")
        else:
            self._violate(f"unexpected ASGI message {kind!r} {self._where()}")

    def _where(self) -> str:
        if self._phase == _AWAITING_START:
            return "before 'http.response.start'"
        if self._phase == _SENDING_BODY:
            return "while sending the response body"
        return "after the response was complete"

    def _violate(self, problem: str) -> NoReturn:
        error = UnexpectedMessage(problem)
        if self.error is None:
            self.error = error
        raise error

    def release_waiters(self) -> None:
        """Answer any ``receive()`` pending or to come with ``http.disconnect``: the exchange is over."""
        self._finished = True
        if self._complete is not None:
            self._complete.set()

    def response(self) -> CollectedResponse:
        chunks = self._chunks
        return CollectedResponse(
            self._status, self._headers, chunks[0] if len(chunks) == 1 else b"".join(chunks)
        )


def log_access(scope: HTTPScope | Scope, status: int) -> None:
    """The access log line of one answered request, ``METHOD PATH STATUS``, at INFO on
    ``mangum.http``: PyPI mangum's line, with the path it routed (``path`` without ``root_path``,
    the stage or base path). Its caller checks that INFO is enabled for it: nothing is formatted
    otherwise."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    logger.info("%s %s %s", scope.get("method"), path, status)


def describe(scope: HTTPScope | Scope) -> str:
    """The request in a log line: ``METHOD PATH``."""
    return f"{scope.get('method', '?')} {scope.get('path', '?')}"


def log_deadline(scope: HTTPScope | Scope, late: DeadlineExceeded) -> None:
    """The ERROR line of a request the invocation's deadline cut short, naming where the
    application was (it is answered 504, or its stream ended with an error)."""
    logger.error(
        "No answer to %s before the invocation's deadline: the application was %s",
        describe(scope),
        late.where,
        exc_info=late,
    )


def log_stopped_after_response(scope: HTTPScope | Scope) -> None:
    """The WARNING line of an application the deadline stopped after its response was complete
    (a background task, say): the response stands."""
    logger.warning(
        "ASGI application still running after its response to %s: stopped at the invocation's deadline",
        describe(scope),
    )


async def run_http_cycle(app: ASGI, scope: HTTPScope | Scope, body: bytes) -> CollectedResponse:
    """Run ``app`` on one request and collect its response; application failures give a 500.

    Never raises for anything the application does (see the module docs); only ``BaseException``
    subclasses that are not ``Exception`` (cancellation, ``SystemExit``) propagate.
    """
    exchange = ResponseCollector(body)
    try:
        await app(scope, exchange.receive, exchange.send)
    except Exception as exc:
        if exchange.error is not None:
            logger.error(
                "ASGI protocol error while handling %s: %s", describe(scope), exchange.error, exc_info=exc
            )
            return internal_server_error()
        if exchange._phase == _COMPLETE:
            logger.error(
                "Exception in ASGI application after its response to %s", describe(scope), exc_info=exc
            )
            return exchange.response()
        logger.error("Exception in ASGI application while handling %s", describe(scope), exc_info=exc)
        return internal_server_error()
    except BaseException as stopped:
        if exchange._phase == _COMPLETE and stopped_by_deadline(stopped):
            log_stopped_after_response(scope)
            return exchange.response()
        raise
    finally:
        exchange.release_waiters()
    if exchange.error is not None:
        # The application swallowed the error raised into it; it still broke the protocol.
        logger.error(
            "ASGI protocol error while handling %s: %s",
            describe(scope),
            exchange.error,
            exc_info=exchange.error,
        )
        return internal_server_error()
    if exchange._phase != _COMPLETE:
        logger.error("ASGI application returned without completing its response to %s", describe(scope))
        return internal_server_error()
    return exchange.response()
