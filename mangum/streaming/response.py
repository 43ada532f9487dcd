"""The streamed HTTP answer of one invocation: the JSON prelude once, then each body chunk, to a sink.

:class:`HttpStream` is the streamed target of :func:`mangum._asgi.exchange`: the invocation whose
answer is written to the Runtime API as the application produces it (:meth:`mangum.Mangum.stream`).

The prelude is the buffered result of the same status and headers with an empty body, less the body
fields, so a streamed answer carries exactly the headers its buffered twin would (``exclude_headers``,
repeated names, ``Set-Cookie``), validated the same way:

- Function URL: ``statusCode``, ``headers`` (repeated names joined with ``", "``), ``cookies``;
- API Gateway REST API: ``statusCode``, ``headers`` and ``multiValueHeaders`` (repeated names,
  ``Set-Cookie`` among them), the payload 1.0 layout API Gateway's streaming format also takes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from mangum._asgi import Invocation
from mangum._asgi.streaming import run_streaming_cycle
from mangum._http.response import CollectedResponse, build_result, plain_text
from mangum._sources.registry import HttpSource, detect, http_home
from mangum.exceptions import DeadlineExceeded, ResponseTooLarge, UnsupportedEvent
from mangum.streaming import PRELUDE_DELIMITER, STREAM_LIMIT, ResponseSink

if TYPE_CHECKING:
    from mangum._sources.registry import HttpEvent, SourceName
    from mangum.config import Config
    from mangum.types import ASGI, HTTPScope, LambdaContext, LambdaEvent, Scope

    RunExchange = Callable[[HttpEvent, LambdaEvent, LambdaContext, Invocation[Any]], None]

STREAMING_SOURCES: frozenset[SourceName] = frozenset({"function_url", "api_gateway_v1"})
"""The sources that can read a streamed answer: Function URLs and REST APIs. HTTP APIs, ALB,
Lambda@Edge and WebSocket APIs invoke functions for one buffered result only."""

_SEPARATE_FIRST_CHUNK = 64 * 1024
"""A first chunk at least this large is written on its own rather than copied behind the prelude."""

_BODY_FIELDS = ("body", "isBase64Encoded")


def encode_prelude(
    http_event: HttpEvent, status: int, headers: list[tuple[bytes, bytes]], config: Config
) -> bytes:
    """The prelude for a response to ``http_event``, as compact JSON bytes.

    Raises :class:`~mangum.exceptions.InvalidResponse` for a status outside 100-599 or a header
    with CR or LF, as the buffered path does.
    """
    fields = build_result(http_event.response, http_event.limit, CollectedResponse(status, headers), config)
    for name in _BODY_FIELDS:
        fields.pop(name, None)
    return json.dumps(fields, separators=(",", ":")).encode()


class HttpStream(Invocation[None]):
    """The streamed target of one invocation (a :class:`~mangum._asgi.streaming.StreamTarget`): Lambda's HTTP
    integration response written to ``sink``, refusing to go past ``limit`` bytes in all (Lambda's
    200 MiB by default)."""

    __slots__ = ("_config", "_event", "_limit", "_sent", "_sink", "_started")

    def __init__(
        self,
        context: LambdaContext | None,
        margin: float,
        http_event: HttpEvent,
        config: Config,
        sink: ResponseSink,
        limit: int | None = None,
    ) -> None:
        super().__init__(context, margin)
        self._event = http_event
        self._config = config
        self._sink = sink
        self._limit = STREAM_LIMIT if limit is None else limit
        self._sent = 0
        self._started = False

    @property
    def started(self) -> bool:
        """Whether anything was written."""
        return self._started

    def begin(self, status: int, headers: list[tuple[bytes, bytes]], first: bytes) -> None:
        """Write the prelude, the delimiter and the first body bytes."""
        head = encode_prelude(self._event, status, headers, self._config) + PRELUDE_DELIMITER
        self._reserve(len(head) + len(first))
        self._started = True
        self.status = status
        if len(first) >= _SEPARATE_FIRST_CHUNK:
            self._sink.write(head)
            self._sink.write(first)
        else:
            self._sink.write(head + first)

    def write(self, data: bytes) -> None:
        """Write the next body bytes."""
        self._reserve(len(data))
        self._sink.write(data)

    def abort(self, error: BaseException) -> None:
        """End the stream with the error trailers for ``error``."""
        self._sink.fail(error)

    def _reserve(self, size: int) -> None:
        if self._sent + size > self._limit:
            raise ResponseTooLarge(f"the streamed response would exceed Lambda's {self._limit:,}-byte limit")
        self._sent += size

    # --- as the exchange's target ---------------------------------------------------------------

    def cycle(self, app: ASGI, scope: HTTPScope | Scope, body: bytes) -> Coroutine[Any, Any, None]:
        return run_streaming_cycle(app, scope, body, self)

    def answered(self, result: None) -> None:
        """Nothing to keep: the response went to the sink as it came."""

    def respond(self, status: int, message: str) -> None:
        """A whole plain-text answer of the adapter's own (a 400 for a bad body, a 504)."""
        answer = plain_text(status, message)
        self.begin(answer.status, answer.headers, answer.body)

    def late(self, error: DeadlineExceeded) -> None:
        """The error trailers when the response has begun, else a 504."""
        if self._started:
            self.abort(error)
        else:
            self.respond(504, "Gateway Timeout")


def stream_http(
    event: LambdaEvent, context: LambdaContext, sink: ResponseSink, config: Config, run: RunExchange
) -> bool:
    """Answer ``event`` streamed to ``sink`` when its source can read a streamed answer
    (:data:`STREAMING_SOURCES`): its home reads it and ``run`` (the adapter's exchange) runs the
    application with an :class:`HttpStream` as the target. Returns whether it did; any other event
    is left to the buffered path (:meth:`mangum.Mangum.stream`)."""
    try:
        source = detect(event)
    except UnsupportedEvent:
        return False
    if not isinstance(source, HttpSource) or source.name not in STREAMING_SOURCES:
        return False
    http_event = http_home(source.name).read(event)
    run(http_event, event, context, HttpStream(context, config.deadline_margin, http_event, config, sink))
    return True
