"""Handlers the ``serve`` tests run in its workers (``tests.local.apps:NAME``).

``echo`` and ``faults`` are plain Lambda functions: the first answers with the event it got (so a
test sees exactly what the gateway sent), the second misbehaves as its path asks. ``handler`` is a
``Mangum`` around a Starlette app with HTTP routes, server-sent events, two pages for the browser
tests and a WebSocket chat with rooms. Streams wait between two events on a *gate* (a loopback TCP
server the test runs, its port in the ``gate`` query parameter), so a test sees each event arrive
before it lets the next one be produced.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from mangum import Mangum
from mangum.streaming import PRELUDE_DELIMITER, ResponseSink
from mangum.types import LambdaContext
from mangum.websocket import EXTENSION_KEY, WebSocketConnections
from tests.support.sse import gated_events

PAGES = Path(__file__).resolve().parent / "pages"


def echo(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The event as the JSON body, with a repeated header and two cookies in the source's layout
    (for a path ending in a name of :data:`SMUGGLED_HEADERS`, a result with that header instead)."""
    path = str(event.get("rawPath") or event.get("path") or "/")
    smuggled = SMUGGLED_HEADERS.get(path.rsplit("/", 1)[-1])
    if smuggled is not None:
        return smuggled_result(smuggled, v2=event.get("version") == "2.0")
    result: dict[str, Any] = {
        "statusCode": 200,
        "headers": {"content-type": "application/json", "x-single": "one"},
        "body": json.dumps(event),
    }
    if event.get("version") == "2.0":
        result["cookies"] = ["a=1; Path=/", "b=2; Path=/"]
    else:
        result["multiValueHeaders"] = {"set-cookie": ["a=1; Path=/", "b=2; Path=/"], "x-multi": ["x", "y"]}
    return result


def faults(event: dict[str, Any], context: LambdaContext) -> object:
    """Misbehave as the request's path says (a WebSocket ``$connect`` with ``?smuggle=1``: answer
    with a subprotocol header HTTP cannot carry)."""
    if (event.get("queryStringParameters") or {}).get("smuggle"):
        return {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "chat\r\nSet-Cookie: stolen=1"}}
    path = event.get("rawPath") or event.get("path") or "/"
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if name == "sleep":
        time.sleep(600)
    if name == "crash":
        os._exit(3)
    if name == "raise":
        raise RuntimeError("the function failed")
    if name == "malformed":
        return {"statusCode": "teapot", "body": "never seen"}
    if name == "bad-base64":
        return {"statusCode": 200, "body": "not base64!", "isBase64Encoded": True}
    if name == "not-an-object":
        return ["just", "a", "list"]
    if name == "large":
        return {"statusCode": 200, "body": "x" * (7 * 1024 * 1024)}
    smuggled = SMUGGLED_HEADERS.get(name)
    if smuggled is not None:
        return smuggled_result(smuggled, v2=event.get("version") == "2.0")
    if name == "binary":
        return {
            "statusCode": 200,
            "body": "AAEC/w==",
            "isBase64Encoded": True,
            "headers": {"content-type": "image/x-test"},
        }
    return {"statusCode": 200, "body": str(os.getpid())}


SMUGGLED_HEADERS: dict[str, tuple[str, str]] = {
    "header-space": ("X Bad", "v"),
    "header-colon": ("X-Bad:", "v"),
    "header-nul": ("x-trace", "secret-value\x00"),
    "header-crlf": ("x-trace", "secret-value\r\nset-cookie: stolen=1"),
    "cookie-control": ("set-cookie", "session=secret-value\x01"),
}
"""Result headers HTTP cannot carry, by the path that asks for them (``faults`` and ``raw_stream``)."""


def smuggled_result(header: tuple[str, str], *, v2: bool) -> dict[str, Any]:
    """A result carrying ``header`` (a cookie in ``cookies`` for payload 2.0)."""
    name, value = header
    if name == "set-cookie":
        spot: dict[str, Any] = {"cookies": [value]} if v2 else {"multiValueHeaders": {name: [value]}}
    else:
        spot = {"headers": {name: value}}
    return {"statusCode": 200, "body": "never seen", **spot}


class RawStream:
    """A streaming handler that writes its own prelude (no ``Mangum`` to check it): the headers
    :data:`SMUGGLED_HEADERS` names for the request's last path segment, or a plain 200."""

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return {"statusCode": 200, "body": "buffered"}

    def stream(self, event: dict[str, Any], context: LambdaContext, sink: ResponseSink) -> None:
        name = (event.get("rawPath") or "/").rstrip("/").rsplit("/", 1)[-1]
        header = SMUGGLED_HEADERS.get(name)
        prelude = {"statusCode": 200} if header is None else smuggled_result(header, v2=True)
        prelude.pop("body", None)
        sink.write(json.dumps(prelude).encode() + PRELUDE_DELIMITER + b"streamed")


raw_stream = RawStream()


def _note(line: str) -> None:
    log = os.environ.get("SERVE_TEST_LIFESPAN_LOG")
    if log:
        with Path(log).open("a") as file:
            file.write(f"{line} {os.getpid()}\n")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, int]]:
    _note("startup")
    yield {"pid": os.getpid()}
    _note("shutdown")


async def pid(request: Request) -> PlainTextResponse:
    """The worker's process id (from the lifespan state)."""
    return PlainTextResponse(str(request.state.pid))


async def inspect(request: Request) -> JSONResponse:
    """What the app sees of the request."""
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "root_path": request.scope.get("root_path", ""),
            "query": request.query_params.multi_items(),
            "cookies": request.cookies,
            "body": body.hex(),
            "client": request.client.host if request.client else None,
            "url": str(request.url),
        }
    )


async def binary(request: Request) -> Response:
    """The request body back, reversed, as bytes that are not text."""
    return Response((await request.body())[::-1], media_type="application/octet-stream")


async def cookies(request: Request) -> Response:
    response = PlainTextResponse("cookies", headers={"x-app": "cookies"})
    response.headers.append("x-multi", "one")
    response.headers.append("x-multi", "two")
    response.set_cookie("theme", "dark")
    response.set_cookie("session", "abc", httponly=True)
    return response


async def events(request: Request) -> StreamingResponse:
    """Server-sent events, waiting on the gate between two."""
    return StreamingResponse(
        gated_events(request), media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


def hang_sync(request: Request) -> PlainTextResponse:
    """A synchronous route that never ends: Starlette runs it on a worker thread, which Python
    cannot stop once the invocation has timed out."""
    time.sleep(600)
    return PlainTextResponse("never")


async def page(request: Request) -> HTMLResponse:
    """A test page for the browser (``pages/NAME.html``)."""
    return HTMLResponse((PAGES / f"{request.path_params['name']}.html").read_text())


async def chat(websocket: WebSocket) -> None:
    """Rooms: join ``?room=`` on connect (``?deny=1`` refuses, ``?protocol=1`` picks the first
    subprotocol offered); ``{"action": "broadcast", "text"}`` goes to the room, ``{"action":
    "whoami"}`` answers the connection id and route, anything else is echoed to the sender."""
    connections: WebSocketConnections = websocket.scope["extensions"][EXTENSION_KEY]
    event = websocket.scope["mangum.event"]
    params = websocket.query_params
    if params.get("deny"):
        await websocket.close()
        return
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=offered[0] if params.get("protocol") and offered else None)
    if event.event_type == "CONNECT":
        connections.join(params.get("room", "lobby"))
        return
    try:
        message = await websocket.receive()
        if message.get("bytes") is not None:
            await websocket.send_bytes(message["bytes"][::-1])
            return
        text = message.get("text") or ""
        try:
            command = json.loads(text)
        except ValueError:
            command = None
        if isinstance(command, dict) and command.get("action") == "broadcast":
            connections.broadcast(params.get("room", "lobby"), command.get("text", ""))
        elif isinstance(command, dict) and command.get("action") == "whoami":
            context = event.request_context
            await websocket.send_json({"connection_id": event.connection_id, "route": context.route_key})
        else:
            await websocket.send_text(f"echo: {text}")
    except WebSocketDisconnect:
        _note(f"disconnect {event.connection_id}")


app = Starlette(
    routes=[
        Route("/pid", pid),
        Route("/hang-sync", hang_sync),
        Route("/inspect/{rest:path}", inspect, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/binary", binary, methods=["POST"]),
        Route("/cookies", cookies),
        Route("/events", events),
        Route("/pages/{name}", page),
        WebSocketRoute("/", chat),
    ],
    lifespan=lifespan,
)

handler = Mangum(app)


async def echo_socket(websocket: WebSocket) -> None:
    """Accepts, and echoes each frame with the path the app saw."""
    await websocket.accept()
    with suppress(WebSocketDisconnect):
        text = await websocket.receive_text()
        await websocket.send_text(f"{websocket.scope['path']}: {text}")


socket_at_ws = Starlette(routes=[WebSocketRoute("/ws", echo_socket)])
"""An app whose WebSocket route is ``/ws``, as uvicorn users write one (an ASGI app, for serve to wrap)."""
socket_at_ws_unmapped = Mangum(socket_at_ws)
"""... in Mangum as it is: API Gateway's WebSocket API has no path, so the app refuses every connection."""
socket_at_ws_mapped = Mangum(socket_at_ws, websocket_path="/ws")
"""... in Mangum with ``websocket_path``: reached at the stage's WebSocket URL."""
