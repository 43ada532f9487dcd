"""One ASGI HTTP request/response cycle, run to completion and collected whole.

The application receives the whole request body in a single ``http.request`` message, then
``http.disconnect`` once its response is complete (a ``receive()`` made earlier waits until then,
as a client that stays connected would). Every ``http.response.body`` chunk is collected and the
response returned in one piece, as a buffered Lambda result (streamed answers are
:mod:`mangum._asgi.streaming_cycle`'s).

Application errors never escape: an exception before or during the response, returning without a
complete response, or a message the protocol does not allow at that point all give a plain-text
500 and an error log (with the traceback) on the ``mangum.http`` logger. An exception raised after
the response was complete (a background task, say) is logged and the complete response is kept,
as a server that had already sent it would; so is one the invocation's deadline stopped then
(:mod:`mangum.deadline`).

Each request is logged at INFO on ``mangum.http`` once answered (:func:`log_access`), as
PyPI mangum logs it: ``GET /items/1 200``.

Trailers: the scope does not advertise the ``http.response.trailers`` extension, because a Lambda
response cannot carry trailers. An application that sends ``http.response.trailers`` anyway, after
its last body chunk, has them discarded; the response is complete at the last body chunk.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, NoReturn

from mangum._http.response import CollectedResponse, internal_server_error
from mangum.deadline import stopped_by_deadline
from mangum.exceptions import DeadlineExceeded, UnexpectedMessage

if TYPE_CHECKING:
    from mangum.types import ASGI, HTTPDisconnectEvent, HTTPRequestEvent, HTTPScope, Message, Scope

logger = logging.getLogger("mangum.http")


# Where the response stands. Plain ints: compared on every message the app sends.
_AWAITING_START = 0
_SENDING_BODY = 1
_COMPLETE = 2


class _ResponseCollector:
    """The receive/send pair handed to the application, collecting what it sends."""

    __slots__ = (
        "_body",
        "_chunks",
        "_complete",
        "_finished",
        "_headers",
        "_phase",
        "_request_delivered",
        "_status",
        "error",
    )

    def __init__(self, body: bytes) -> None:
        self._body = body
        self._request_delivered = False
        self._phase = _AWAITING_START
        self._status = 0
        self._headers: list[tuple[bytes, bytes]] = []
        self._chunks: list[bytes] = []
        self._complete: asyncio.Event | None = None
        self._finished = False
        self.error: UnexpectedMessage | None = None

    @property
    def complete(self) -> bool:
        return self._phase == _COMPLETE

    async def receive(self) -> HTTPRequestEvent | HTTPDisconnectEvent:
        if not self._request_delivered:
            self._request_delivered = True
            return {"type": "http.request", "body": self._body, "more_body": False}
        if self._phase != _COMPLETE and not self._finished:
            # The client stays connected until the response is complete.
            if self._complete is None:
                self._complete = asyncio.Event()
            await self._complete.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message.get("type")
        phase = self._phase
        if phase == _SENDING_BODY and kind == "http.response.body":
            self._append(message)
        elif phase == _AWAITING_START and kind == "http.response.start":
            self._start(message)
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

    def _start(self, message: Message) -> None:
        status = message.get("status")
        if type(status) is not int:
            self._violate("'http.response.start' needs an int 'status'")
        try:
            headers = [(name, value) for name, value in message.get("headers", ())]
        except (TypeError, ValueError):
            self._violate("'http.response.start' headers must be an iterable of (name, value) pairs")
        for name, value in headers:
            if not isinstance(name, bytes) or not isinstance(value, bytes):
                self._violate("'http.response.start' headers must be pairs of bytes")
        self._status = status
        self._headers = headers
        self._phase = _SENDING_BODY

    def _append(self, message: Message) -> None:
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
    the stage or base path); nothing is formatted unless INFO is enabled for it."""
    if logger.isEnabledFor(logging.INFO):
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        logger.info("%s %s %s", scope.get("method"), path, status)


def _describe(scope: HTTPScope | Scope) -> str:
    return f"{scope.get('method', '?')} {scope.get('path', '?')}"


def log_deadline(scope: HTTPScope | Scope, late: DeadlineExceeded) -> None:
    """The ERROR line of a request the invocation's deadline cut short, naming where the
    application was (it is answered 504, or its stream ended with an error)."""
    logger.error(
        "No answer to %s before the invocation's deadline: the application was %s",
        _describe(scope),
        late.where,
        exc_info=late,
    )


def log_stopped_after_response(scope: HTTPScope | Scope) -> None:
    """The WARNING line of an application the deadline stopped after its response was complete
    (a background task, say): the response stands."""
    logger.warning(
        "ASGI application still running after its response to %s: stopped at the invocation's deadline",
        _describe(scope),
    )


async def run_http_cycle(app: ASGI, scope: HTTPScope | Scope, body: bytes) -> CollectedResponse:
    """Run ``app`` on one request and collect its response; application failures give a 500.

    Never raises for anything the application does (see the module docs); only ``BaseException``
    subclasses that are not ``Exception`` (cancellation, ``SystemExit``) propagate.
    """
    exchange = _ResponseCollector(body)
    try:
        await app(scope, exchange.receive, exchange.send)
    except Exception as exc:
        if exchange.error is not None:
            logger.error(
                "ASGI protocol error while handling %s: %s", _describe(scope), exchange.error, exc_info=exc
            )
            return internal_server_error()
        if exchange._phase == _COMPLETE:
            logger.error(
                "Exception in ASGI application after its response to %s", _describe(scope), exc_info=exc
            )
            return exchange.response()
        logger.error("Exception in ASGI application while handling %s", _describe(scope), exc_info=exc)
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
            _describe(scope),
            exchange.error,
            exc_info=exchange.error,
        )
        return internal_server_error()
    if not exchange.complete:
        logger.error("ASGI application returned without completing its response to %s", _describe(scope))
        return internal_server_error()
    return exchange.response()
