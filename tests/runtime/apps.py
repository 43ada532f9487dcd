"""Handlers the runtime tests load through ``_HANDLER`` (``tests.runtime.apps.NAME``).

``echo`` is a plain Lambda function; the ``Mangum`` handlers wrap small Starlette apps. The
streaming apps wait, between two chunks, on a *gate*: a loopback TCP server run by the test (its
port is the request's ``gate`` query parameter), which sends one byte each time the test lets the
app go on. So a test sees each chunk arrive before it allows the next one to be produced.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.types import LambdaContext, Message, Receive, Scope, Send
from tests.support.sse import gated_events


def echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The event back, with what the context says."""
    if event.get("fail"):
        raise ValueError(f"asked to fail: {event['fail']}")
    if event.get("big"):
        return {"value": "x" * int(event["big"])}
    if event.get("unserializable"):
        return {"value": object()}  # deliberately not JSON
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "identity": None if context.identity is None else context.identity.cognito_identity_id,
        "client_app": None if context.client_context is None else context.client_context.client.app_title,
        "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
    }


async def sse(request: Request) -> StreamingResponse:
    """``text/event-stream`` with a cookie and a repeated header, to check the prelude."""
    response = StreamingResponse(gated_events(request), media_type="text/event-stream")
    response.headers["cache-control"] = "no-cache"
    response.headers.append("x-multi", "one")
    response.headers.append("x-multi", "two")
    response.set_cookie("session", "abc")
    response.set_cookie("theme", "dark")
    return response


async def items(request: Request) -> JSONResponse:
    """A JSON answer, the same whether buffered or streamed."""
    body = await request.body()
    return JSONResponse(
        {"path": request.url.path, "query": str(request.query_params), "body": body.decode()},
        headers={"x-app": "items"},
    )


async def broken(request: Request) -> Response:
    """Fails before starting its response."""
    raise LookupError("the app is broken")


async def binary(request: Request) -> Response:
    """Bytes that are not UTF-8: a streamed body is raw, never base64."""
    return Response(bytes(range(256)), media_type="application/octet-stream")


async def plain(request: Request) -> PlainTextResponse:
    """A short text answer."""
    return PlainTextResponse("plain")


routes = [
    Route("/events", sse),
    Route("/items/{name}", items, methods=["GET", "POST"]),
    Route("/broken", broken),
    Route("/binary", binary),
    Route("/plain", plain),
]
app = Starlette(routes=routes)

handler = Mangum(app, lifespan="off")
"""Buffered unless ``MANGUM_INVOKE_MODE`` says otherwise."""
streaming = Mangum(app, lifespan="off", invoke_mode="RESPONSE_STREAM")


async def _incomplete(scope: Scope, receive: Receive, send: Send) -> None:
    """Starts a body, then returns without finishing it."""
    start: Message = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/plain")],
    }
    await send(start)
    await send({"type": "http.response.body", "body": b"half", "more_body": True})


incomplete = Mangum(_incomplete, lifespan="off", invoke_mode="RESPONSE_STREAM")


async def _raising(scope: Scope, receive: Receive, send: Send) -> None:
    """Fails before sending anything (no framework middleware to answer for it)."""
    raise LookupError("the app is broken")


raising = Mangum(_raising, lifespan="off", invoke_mode="RESPONSE_STREAM")


def _note(line: str) -> None:
    with Path(os.environ["RUNTIME_TEST_LIFESPAN_LOG"]).open("a") as file:
        file.write(line + "\n")


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[dict[str, int]]:
    _note("startup")
    yield {"pid": os.getpid()}
    _note("shutdown")


async def _pid(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(request.state.pid))


with_lifespan = Mangum(
    Starlette(routes=[Route("/", _pid)], lifespan=_lifespan), invoke_mode="RESPONSE_STREAM"
)
"""Writes ``startup`` / ``shutdown`` to the file ``$RUNTIME_TEST_LIFESPAN_LOG`` names."""
