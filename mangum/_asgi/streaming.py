"""The streamed cycle: one request run, its response passed on as it is produced.

Imported only by a streamed answer (:class:`mangum.streaming.response.HttpStream`): a buffered
invocation never runs it. The request side is the buffered cycle's. On the response side, the first
``http.response.body`` message starts the response (:meth:`StreamTarget.begin` with the status,
the headers and that first chunk) and every later non-empty chunk is written at once: a
``send()`` returns after its chunk was handed to the target, so an app that waits between chunks
is seen waiting between chunks. A write the target refuses (the connection to Lambda broke, the
size limit) is raised into the app's ``send()``, after which ``receive()`` answers
``http.disconnect``; a failure after the response started ends it with :meth:`StreamTarget.abort`
(Lambda's error trailers): the status line is already gone.

Application errors are answered as in the buffered cycle (:mod:`mangum._asgi`), a response already
started ended with an error instead of a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from mangum._asgi import ResponseCollector, describe, log_stopped_after_response, logger
from mangum._http.response import internal_server_error
from mangum.deadline import shielded, stopped_by_deadline
from mangum.exceptions import UnexpectedMessage

if TYPE_CHECKING:
    from mangum.types import ASGI, HTTPScope, Message, Scope


class StreamTarget(Protocol):
    """Where a streamed response goes (:class:`mangum.streaming.response.HttpStream` for Lambda)."""

    @property
    def started(self) -> bool:
        """Whether :meth:`begin` has sent anything."""
        ...

    def begin(self, status: int, headers: list[tuple[bytes, bytes]], first: bytes) -> None:
        """Start the response: its status, raw ASGI headers and first body bytes (maybe empty)."""
        ...

    def write(self, data: bytes) -> None:
        """Send the next body bytes."""
        ...

    def abort(self, error: BaseException) -> None:
        """End a started response with an error."""
        ...


class _StreamingExchange(ResponseCollector):
    """The buffered cycle's collector, with each chunk handed to the target instead of kept.

    The parent validates every message and collects chunks into ``_chunks``; this class empties that
    list into the target after each ``http.response.body`` it took, so nothing accumulates.
    """

    __slots__ = ("_target", "write_error")

    def __init__(self, body: bytes, target: StreamTarget) -> None:
        super().__init__(body)
        self._target = target
        self.write_error: Exception | None = None

    async def send(self, message: Message) -> None:
        await super().send(message)  # validated and collected, or raised
        if message.get("type") == "http.response.body":
            self._pass_on()

    def _pass_on(self) -> None:
        chunks = self._chunks
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        try:
            with shielded():  # a chunk cut off halfway would break the whole stream
                if not self._target.started:
                    self._target.begin(self._status, self._headers, data)
                elif data:
                    self._target.write(data)
        except Exception as error:
            self.write_error = error
            self.release_waiters()
            raise


def _fail(target: StreamTarget, problem: BaseException) -> None:
    if target.started:
        target.abort(problem)
    else:
        answer = internal_server_error()
        target.begin(answer.status, answer.headers, answer.body)


async def run_streaming_cycle(app: ASGI, scope: HTTPScope | Scope, body: bytes, target: StreamTarget) -> None:
    """Run ``app`` on one request, passing its response to ``target`` as it comes (see the module docs).

    Never raises for anything the application does; a ``target`` that fails again while the failure
    is being reported raises that error.
    """
    exchange = _StreamingExchange(body, target)
    raised: Exception | None = None
    try:
        await app(scope, exchange.receive, exchange.send)
    except Exception as exc:
        raised = exc
    except BaseException as stopped:
        if not (exchange.complete and stopped_by_deadline(stopped)):
            raise
        log_stopped_after_response(scope)
        return
    finally:
        exchange.release_waiters()
    where = describe(scope)
    problem: BaseException
    if exchange.write_error is not None:
        problem = exchange.write_error
        logger.error("The response to %s could not be sent on: %s", where, problem, exc_info=problem)
    elif exchange.error is not None:
        problem = exchange.error
        logger.error("ASGI protocol error while handling %s: %s", where, problem, exc_info=raised or problem)
    elif exchange.complete:
        if raised is not None:
            logger.error("Exception in ASGI application after its response to %s", where, exc_info=raised)
        return
    elif raised is not None:
        problem = raised
        logger.error("Exception in ASGI application while handling %s", where, exc_info=raised)
    else:
        problem = UnexpectedMessage("the application returned without completing its response")
        logger.error("ASGI application returned without completing its response to %s", where)
    _fail(target, problem)
