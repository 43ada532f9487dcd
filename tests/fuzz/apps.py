"""The applications the fuzz run (:mod:`tests.fuzz.events`) serves mutated events with.

Both echo what they were given, so that whatever reached the app comes back through the response
path: HTTP requests answer 200 with a JSON body of the method, path, query, headers and body size,
the method and raw path again in response headers and each request cookie header as a
``Set-Cookie``; WebSocket connections accept the first subprotocol offered and answer each frame
with its size. :func:`starlette_echo` does it through Starlette's request, routing and WebSocket
classes, :func:`bare_echo` in plain ASGI. JSON is written ASCII-escaped, so that a lone surrogate
or a NUL that reached the app is echoed rather than making the app fail.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from mangum.types import ASGI, Message, Receive, Scope, Send

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"]
"""The methods the Starlette app routes (any other is its 405)."""


def echo_body(
    method: str, path: str, query: list[tuple[str, str]], headers: list[tuple[str, str]], size: int
) -> bytes:
    """The JSON an echo answers with."""
    echoed = {"method": method, "path": path, "query": query, "headers": headers, "body_bytes": size}
    return json.dumps(echoed).encode()


def echo_headers(
    method: str, raw_path: bytes, headers: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """The response headers of an echo: the method and path again, the request's cookies set back."""
    cookies = [(b"set-cookie", value) for name, value in headers if name == b"cookie"]
    return [
        (b"content-type", b"application/json"),
        (b"x-echo-method", method.encode("utf-8", "surrogatepass")),
        (b"x-echo-path", raw_path),
        *cookies,
    ]


async def _http(request: Request) -> Response:
    body = await request.body()
    scope = request.scope
    response = Response(
        echo_body(
            request.method,
            request.url.path,
            request.query_params.multi_items(),
            request.headers.items(),
            len(body),
        )
    )
    response.raw_headers[:] = echo_headers(request.method, scope.get("raw_path") or b"", scope["headers"])
    return response


async def _websocket(websocket: WebSocket) -> None:
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=offered[0] if offered else None)
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        await websocket.send_text(
            json.dumps({"received": len(message.get("text") or message.get("bytes") or "")})
        )


def starlette_echo() -> ASGI:
    """The echo as a Starlette app: every path, :data:`METHODS` and WebSocket connections."""
    return Starlette(
        routes=[Route("/{path:path}", _http, methods=METHODS), WebSocketRoute("/{path:path}", _websocket)]
    )


async def _bare_lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        else:
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _bare_http(scope: Scope, receive: Receive, send: Send) -> None:
    body = b""
    more = True
    while more:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        more = message.get("more_body", False)
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
    query = [(scope["query_string"].decode("latin-1"), "")]
    payload = echo_body(scope["method"], scope["path"], query, headers, len(body))
    raw_headers = echo_headers(scope["method"], scope.get("raw_path") or b"", scope["headers"])
    await send({"type": "http.response.start", "status": 200, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


async def _bare_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            offered = scope.get("subprotocols") or []
            await send({"type": "websocket.accept", "subprotocol": offered[0] if offered else None})
        elif message["type"] == "websocket.receive":
            size = len(message.get("text") or message.get("bytes") or "")
            await send({"type": "websocket.send", "text": json.dumps({"received": size})})
        else:
            return


async def bare_echo(scope: Scope, receive: Receive, send: Send) -> None:
    """The echo in plain ASGI, with a lifespan that starts and stops at once."""
    if scope["type"] == "lifespan":
        await _bare_lifespan(receive, send)
    elif scope["type"] == "http":
        await _bare_http(scope, receive, send)
    else:
        await _bare_websocket(scope, receive, send)
