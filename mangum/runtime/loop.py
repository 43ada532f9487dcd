"""The invocation loop: ``/next``, the handler, ``/response`` or ``/error``, again.

A handler with a ``stream(event, context, sink)`` method (a :class:`mangum.Mangum`) is given a
:class:`~mangum.runtime.client.StreamedResponse` as its sink; when it wrote to it, the answer was
streamed, otherwise its return value is posted buffered. Any other handler is called as Lambda
calls it, ``handler(event, context)``, and its result posted as JSON.

An exception from the handler (or an event, context or result that cannot be converted) is posted
to ``/error`` in the managed runtime's shape and logged; the loop goes on. An exception once a
stream has started ends the stream with error trailers instead. A 5xx answer (to ``/next``,
``/response`` or ``/error``: a non-recoverable state, the Runtime API reference says) ends the loop
with :class:`~mangum.runtime.client.RuntimeApiError` at once, with nothing more posted: the process
exits (status 1); so does a ``/next`` that cannot be reached. An answer whose connection breaks (a
streamed one's: :class:`~mangum.runtime.client.StreamBroken`) is lost alone.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable

from mangum.runtime.client import NextInvocation, RuntimeApiClient, RuntimeApiError
from mangum.runtime.context import FunctionInfo, build_context
from mangum.runtime.errors import InitError, error_payload
from mangum.runtime.leaks import MAX_LEAKED_THREADS_VARIABLE, leaked_threads, max_leaked_threads
from mangum.runtime.log import InvocationScope, current_invocation, current_request
from mangum.streaming import HTTP_INTEGRATION_CONTENT_TYPE, ResponseSink

logger = logging.getLogger("mangum.runtime")

Handler = Callable[..., object]
StreamingHandler = Callable[[object, object, ResponseSink], object]


class MarshalError(TypeError):
    """The handler's result cannot be serialized to JSON."""


def _to_json(result: object) -> bytes:
    try:
        return json.dumps(result).encode()
    except (TypeError, ValueError) as error:
        raise MarshalError(f"Unable to marshal response: {error}") from None


def _event(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError as error:
        raise InitError("Runtime.UnmarshalError", f"Unable to unmarshal input: {error}") from None


def _too_large(request_id: str) -> dict[str, object]:
    message = "The result is larger than Lambda accepts for a buffered response (6,291,556 bytes)."
    return {"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge", "requestId": request_id}


def _set_trace_id(trace_id: str | None) -> None:
    # The X-Ray SDK reads the invocation's trace header from here, as on the managed runtime.
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)


def handle(
    client: RuntimeApiClient,
    handler: Handler,
    stream: StreamingHandler | None,
    function: FunctionInfo,
    invocation: NextInvocation,
    *,
    among_many: bool = False,
    then_next: Callable[[], bool] | None = None,
) -> None:
    """Run one invocation and post its answer.

    ``then_next`` tells, once the handler has run, whether a buffered answer may carry the next
    ``GET /next`` (:meth:`~mangum.runtime.client.RuntimeApiClient.post_response`): not when the loop
    is about to end.

    Its request id (for the log lines) and X-Ray trace header go where the code it runs finds them:
    the process's (``os.environ["_X_AMZN_TRACE_ID"]``) when it is the only invocation in flight;
    with ``among_many``, a context variable of its own (:mod:`mangum.runtime.log`), which the tasks
    and threads it starts inherit and the other invocations in flight do not see.
    """
    trace = invocation.headers.get("lambda-runtime-trace-id")
    if not among_many:
        current_request.id = invocation.request_id
        _set_trace_id(trace)
        _answer(client, handler, stream, function, invocation, then_next)
        return
    scope = InvocationScope(invocation.request_id, trace)
    token = current_invocation.set(scope)
    try:
        _answer(client, handler, stream, function, invocation)
    finally:
        scope.end()
        current_invocation.reset(token)


def _answer(
    client: RuntimeApiClient,
    handler: Handler,
    stream: StreamingHandler | None,
    function: FunctionInfo,
    invocation: NextInvocation,
    then_next: Callable[[], bool] | None = None,
) -> None:
    request_id = invocation.request_id
    response = None
    try:
        context = build_context(function, request_id, invocation.headers)
        event = _event(invocation.event)
        if stream is not None:
            response = client.open_stream(request_id, HTTP_INTEGRATION_CONTENT_TYPE)
            result = stream(event, context, response)
            if response.opened:
                response.finish()
                return
        else:
            result = handler(event, context)
        if client.post_response(request_id, _to_json(result), then_next=then_next) == 413:
            # Refused: the invocation is still open, and fails as Lambda reports it for other runtimes.
            client.post_error(request_id, _too_large(request_id))
    except RuntimeApiError as error:
        if error.status is not None:
            raise  # a 5xx: the environment is broken, nothing more is posted, the runtime exits
        # The connection broke (a streamed answer's, say): this answer is lost, the API may still
        # be there for the next one (if not, /next says so).
        logger.error("Invocation %s could not be answered: %s", request_id, error)
    except Exception as error:
        logger.error("Invocation %s failed: %s: %s", request_id, type(error).__name__, error, exc_info=error)
        if response is not None and response.opened:
            response.fail(error)
        else:
            client.post_error(request_id, error_payload(error, request_id))


def streaming_entry(handler: Handler) -> StreamingHandler | None:
    """The handler's ``stream(event, context, sink)`` method (a :class:`mangum.Mangum`'s), if any."""
    found = getattr(handler, "stream", None)
    return found if callable(found) else None


def serve(client: RuntimeApiClient, handler: Handler, invocations: int | None = None) -> None:
    """Serve invocations until the Runtime API fails, or ``invocations`` of them when given, or
    timed-out invocations have left ``MANGUM_MAX_LEAKED_THREADS`` threads running
    (:mod:`mangum.runtime.leaks`: the environment is then given up for a fresh one)."""
    stream = streaming_entry(handler)
    function = FunctionInfo.from_environment()
    limit = max_leaked_threads()
    served = 0

    def too_many_leaked() -> list[str]:
        leaked = leaked_threads() if limit else []
        return leaked if len(leaked) >= limit > 0 else []

    def goes_on() -> bool:
        return served + 1 != invocations and not too_many_leaked()

    while invocations is None or served < invocations:
        handle(client, handler, stream, function, client.next_invocation(), then_next=goes_on)
        served += 1
        if client.next_requested:
            continue  # it was asked for once the handler had run: the loop goes on
        leaked = too_many_leaked()
        if leaked:
            logger.error(
                "%d threads still running after their invocations ended (%s): exiting, so that a fresh "
                "environment serves the next invocation (%s=%d)",
                len(leaked),
                ", ".join(leaked[:5]),
                MAX_LEAKED_THREADS_VARIABLE,
                limit,
            )
            return
