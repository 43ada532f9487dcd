"""Serving one streamable HTTP event: the scope and body, the lifespan state, the streaming cycle.

The same steps as the buffered path of :class:`mangum.Mangum`, answering on the stream: a body
that cannot be decoded gets a 400; a failed lifespan startup raises to the runtime before anything
was written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mangum._asgi import loop
from mangum._asgi.http_cycle import log_access, log_deadline
from mangum._asgi.streaming_cycle import run_streaming_cycle
from mangum._http.request import request_body
from mangum._http.scope import http_scope, with_state
from mangum.exceptions import DeadlineExceeded, InvalidBody
from mangum.streaming import ResponseSink
from mangum.streaming.response import HttpStream
from mangum.types import ASGI, LambdaContext, LambdaEvent

if TYPE_CHECKING:
    from mangum._sources.registry import HttpEvent, SourceName
    from mangum.config import Config

logger = logging.getLogger("mangum")

STREAMING_SOURCES: frozenset[SourceName] = frozenset({"function_url", "api_gateway_v1"})
"""The sources that can read a streamed answer: Function URLs and REST APIs. HTTP APIs, ALB,
Lambda@Edge and WebSocket APIs invoke functions for one buffered result only."""


def serve_stream(
    app: ASGI,
    http_event: HttpEvent,
    event: LambdaEvent,
    context: LambdaContext,
    config: Config,
    lifespan_state: Callable[[LambdaContext | None], dict[str, Any] | None],
    sink: ResponseSink,
) -> None:
    """Answer ``http_event`` on ``sink`` as the app produces its response."""
    stream = HttpStream(http_event, config, sink)
    request = http_event.request
    scope = http_scope(request, event, context, config)
    try:
        body = request_body(request)
    except InvalidBody as error:
        logger.warning("Bad request: %s", error)
        stream.respond(400, "Bad Request")
        return
    with_state(scope, lifespan_state(context))
    try:
        loop.run(run_streaming_cycle(app, scope, body, stream), context, config.deadline_margin)
    except DeadlineExceeded as late:
        log_deadline(scope, late)
        if stream.started:
            stream.abort(late)
        else:
            stream.respond(504, "Gateway Timeout")
    if stream.status is not None:
        log_access(scope, stream.status)
