"""Serving one streamable HTTP event: the scope and body, the lifespan state, the streaming cycle.

The same steps as the buffered path of :class:`mangum.Mangum`, answering on the stream: a body
that cannot be decoded gets a 400, a failed lifespan startup a 500 (or, with ``lifespan="on"``,
the error raised to the runtime before anything was written).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mangum.asgi import loop
from mangum.asgi.streaming_cycle import run_streaming_cycle
from mangum.config import Config
from mangum.events.source_checks import is_api_gateway_v1, is_function_url
from mangum.exceptions import InvalidBody, LifespanFailure
from mangum.http.scope import build_http_scope
from mangum.streaming import ResponseSink
from mangum.streaming.response import HttpStream
from mangum.types import ASGI, LambdaContext, LambdaEvent

if TYPE_CHECKING:
    from typing_extensions import TypeIs

    from mangum.events.api_gateway_v1 import ApiGatewayV1Event
    from mangum.events.api_gateway_v2 import FunctionUrlEvent
    from mangum.events.sources import LambdaEventModel

logger = logging.getLogger("mangum")


def streamable(model: LambdaEventModel) -> TypeIs[FunctionUrlEvent | ApiGatewayV1Event]:
    """Whether the event's source can read a streamed answer: Function URLs and REST APIs.

    HTTP APIs, ALB, Lambda@Edge and WebSocket APIs invoke functions for one buffered result only.
    """
    return is_function_url(model) or is_api_gateway_v1(model)


def serve_stream(
    app: ASGI,
    model: FunctionUrlEvent | ApiGatewayV1Event,
    event: LambdaEvent,
    context: LambdaContext,
    config: Config,
    lifespan_state: Callable[[], dict[str, Any] | None],
    lifespan_required: bool,
    sink: ResponseSink,
) -> None:
    """Answer ``model`` on ``sink`` as the app produces its response."""
    stream = HttpStream(model, config, sink)
    scope = build_http_scope(model, event, context, config)
    try:
        body = model.body_bytes()
    except InvalidBody as error:
        logger.warning("Bad request: %s", error)
        stream.respond(400, "Bad Request")
        return
    try:
        state = lifespan_state()
    except LifespanFailure:
        if lifespan_required:
            raise
        stream.respond(500, "Internal Server Error")
        return
    if state is not None:
        scope["state"] = state
    loop.run(run_streaming_cycle(app, scope, body, stream))
