"""The inspector of ``serve``: ``http://HOST:PORT/_mangum/``, outside any stage.

It keeps the last :data:`KEPT` invocations (:class:`InvocationRecord`: when, which source, the
method and path, the status answered, how long it took, the Lambda request id, the event the
function received, its result, the log lines its worker printed meanwhile and the authorizer's
decision) and serves:

- ``GET /_mangum/``: the page and its script (:mod:`mangum.local.inspector_page`);
- ``GET /_mangum/api/invocations`` and ``.../invocations/{id}``: the list, and one in full;
- ``GET /_mangum/api/connections``: the open WebSocket connections;
- ``GET /_mangum/api/stream``: server-sent events, ``invocation`` for each new one and
  ``connections`` when the set of connections changes;
- ``POST /_mangum/api/connections/{id}/messages`` and ``.../{id}/disconnect``: a message to a
  connection, or its closing, sent through the gateway's own Management API (the same route, and
  the same checks, as any client of ``/@connections``).

With a management key in force (``--host`` beyond loopback), its data and actions also need the
key: the banner prints the page's address with ``#key=...``, which the page sends with each
request.

It is never served across origins: there is no CORS header, and a request that a browser marks as
coming from another site (``Sec-Fetch-Site``), or whose ``Origin`` is not the page's own, is
refused with 403 before anything is read or done. A page of another site can still open the
inspector in a tab, but not read it, frame it or act through it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, unquote

from pydantic import JsonValue

from mangum.local.asgi_io import RequestTooLarge, read_body, respond
from mangum.local.inspector_page import PAGE, SCRIPT
from mangum.local.management_key import KEY_HEADER
from mangum.local.results import HttpAnswer

if TYPE_CHECKING:
    from mangum.local.websocket_gateway import WebSocketGateway
    from mangum.local.workers import Outcome
    from mangum.types import Message, Receive, Scope, Send

    ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/_mangum"
KEPT = 200
"""How many invocations the inspector keeps."""
LOG_LINES_KEPT = 200
"""How many log lines it keeps per invocation."""
_KEEPALIVE_SECONDS = 15.0
_CONNECTIONS_CHECK_SECONDS = 0.5
_MAX_MESSAGE = 128 * 1024
_SAME_SITE_FETCHES = ("same-origin", "none")
_NO_STORE = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
_PAGE_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    (b"content-security-policy", b"default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
    *_NO_STORE,
]
_SCRIPT_HEADERS = [(b"content-type", b"text/javascript; charset=utf-8"), *_NO_STORE]


@dataclass
class InvocationRecord:
    """One invocation as the inspector shows it."""

    source: str
    """The registry name of the source: ``api_gateway_v1``, ``api_gateway_v2``, ``alb``, ``function_url`` or
    ``websocket``."""
    method: str
    """The HTTP method, or the WebSocket route (``$connect``, ``$default``...)."""
    path: str
    """The request path, or the WebSocket connection id."""
    status: int | None
    duration_ms: float
    request_id: str
    """The Lambda request id (empty when the function was not invoked)."""
    event: bytes = b""
    result: bytes = b""
    error: str | None = None
    authorizer: dict[str, JsonValue] | None = None
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    number: int = 0

    def summary(self) -> dict[str, JsonValue]:
        """The list row."""
        return {
            "id": self.number,
            "time": self.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "source": self.source,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "durationMs": round(self.duration_ms, 2),
            "requestId": self.request_id,
            "authorized": None if self.authorizer is None else self.authorizer.get("verdict"),
        }


def _decoded(data: bytes) -> JsonValue:
    if not data:
        return None
    try:
        decoded: JsonValue = json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")
    return decoded


def _json(status: int, payload: JsonValue) -> HttpAnswer:
    headers = [(b"content-type", b"application/json"), *_NO_STORE]
    return HttpAnswer(status, headers, json.dumps(payload).encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def same_origin(scope: Scope) -> bool:
    """Whether a request may read or act: not marked by the browser as from another site, and with
    no ``Origin`` but the page's own (``http://`` + its ``Host``)."""
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site is not None and fetch_site not in _SAME_SITE_FETCHES:
        return False
    origin = _header(scope, b"origin")
    return origin is None or origin == f"http://{_header(scope, b'host')}"


class Inspector:
    """The records and the ``/_mangum/`` routes (see the module docs). ``management`` is the
    gateway's ASGI app: the actions go through its Management API route, with
    ``management_headers`` (the ``Host`` and the key it asks for)."""

    def __init__(
        self,
        websockets: WebSocketGateway,
        stage_prefix: str,
        management: ASGIApp,
        management_headers: list[tuple[bytes, bytes]],
        key: str | None = None,
    ) -> None:
        self._websockets = websockets
        self._key = key
        self._management_headers = management_headers
        self._stage_prefix = stage_prefix
        self._management = management
        self.records: deque[InvocationRecord] = deque(maxlen=KEPT)
        self._logs: OrderedDict[str, list[str]] = OrderedDict()
        self._subscribers: set[asyncio.Queue[InvocationRecord]] = set()
        self._count = 0

    # --- recording -------------------------------------------------------------------------------

    def record(self, record: InvocationRecord) -> None:
        """Keep an invocation and tell the live pages."""
        self._count += 1
        record.number = self._count
        if len(self.records) == KEPT:
            self._logs.pop(self.records[0].request_id, None)
        self.records.append(record)
        for queue in self._subscribers:
            queue.put_nowait(record)

    def record_outcome(
        self,
        source: str,
        method: str,
        path: str,
        status: int | None,
        event: bytes,
        outcome: Outcome,
        started: float,
        authorizer: dict[str, JsonValue] | None = None,
    ) -> None:
        """Keep an invocation of the function: ``started`` is when it was asked for
        (``time.monotonic()``), ``status`` what the client got."""
        result = outcome.result
        error = None
        if outcome.ending != "answered":
            error = outcome.ending.replace("_", " ")
        elif result is not None and result.error is not None:
            error = f"{result.error.error_type}: {result.error.error_message}"
        self.record(
            InvocationRecord(
                source=source,
                method=method,
                path=path,
                status=status,
                duration_ms=(time.monotonic() - started) * 1000,
                request_id=outcome.request_id,
                event=event,
                result=b"" if result is None else result.body,
                error=error,
                authorizer=authorizer,
            )
        )

    def log(self, request_id: str, line: str) -> None:
        """A line a worker printed during (or just after) invocation ``request_id``."""
        lines = self._logs.get(request_id)
        if lines is None:
            lines = self._logs[request_id] = []
            while len(self._logs) > KEPT * 2:  # authorizer invocations have no row of their own
                self._logs.popitem(last=False)
        if len(lines) < LOG_LINES_KEPT:
            lines.append(line)

    def detail(self, record: InvocationRecord) -> dict[str, JsonValue]:
        """An invocation in full."""
        authorizer = record.authorizer
        authorizer_logs: list[JsonValue] = []
        if authorizer is not None and isinstance(authorizer.get("requestId"), str):
            authorizer_logs = list(self._logs.get(str(authorizer["requestId"]), []))
        return {
            **record.summary(),
            "event": _decoded(record.event),
            "result": _decoded(record.result),
            "error": record.error,
            "logs": list(self._logs.get(record.request_id, [])),
            "authorizer": None if authorizer is None else {**authorizer, "logs": authorizer_logs},
        }

    def connections(self) -> list[dict[str, JsonValue]]:
        """The open WebSocket connections."""
        return [
            {
                "connectionId": live.client.connection_id,
                "connectedAt": live.client.connected_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "sourceIp": live.client.source_ip,
                "userAgent": live.client.user_agent,
                "principalId": (live.client.authorizer or {}).get("principalId"),
            }
            for live in list(self._websockets.connections.values())
            if live.close_code is None
        ]

    # --- serving ---------------------------------------------------------------------------------

    async def serve(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """A request under ``/_mangum`` (``path`` is what follows it)."""
        method = scope["method"]
        if method == "GET" and path in ("", "/", "/inspector.js"):
            # The page and its script hold no data: they are served to anyone who asks.
            if path == "":
                await respond(send, HttpAnswer(308, [(b"location", f"{PREFIX}/".encode())], b""))
            elif path == "/":
                await respond(send, HttpAnswer(200, _PAGE_HEADERS, PAGE.encode()))
            else:
                await respond(send, HttpAnswer(200, _SCRIPT_HEADERS, SCRIPT.encode()))
            return
        if not same_origin(scope):
            await respond(send, _json(403, {"message": "the inspector is not served across origins"}))
            return
        if not self._has_key(scope):
            await respond(send, _json(403, {"message": "the inspector needs the management key"}))
            return
        parts = path.strip("/").split("/")
        if parts[0] != "api" or len(parts) < 2:
            await respond(send, _json(404, {"message": "Not Found"}))
            return
        route = parts[1:]
        if method == "GET" and route == ["stream"]:
            await self._stream(receive, send)
        elif method == "GET" and route == ["invocations"]:
            await respond(send, _json(200, [record.summary() for record in reversed(self.records)]))
        elif method == "GET" and route[0] == "invocations" and len(route) == 2:
            found = next((record for record in self.records if str(record.number) == route[1]), None)
            answer = (
                _json(404, {"message": "no such invocation"})
                if found is None
                else _json(200, self.detail(found))
            )
            await respond(send, answer)
        elif method == "GET" and route == ["connections"]:
            await respond(send, _json(200, self.connections()))  # type: ignore[arg-type]  # list is invariant
        elif method == "POST" and route[0] == "connections" and len(route) == 3:
            await self._act(unquote(route[1]), route[2], receive, send)
        else:
            await respond(send, _json(404, {"message": "Not Found"}))

    def _has_key(self, scope: Scope) -> bool:
        """With a management key in force (``--host`` beyond loopback), whether the request carries
        it: in the ``X-Mangum-Management-Key`` header, or as ``key`` in the query (an EventSource
        cannot send headers)."""
        if self._key is None:
            return True
        expected = self._key.encode()
        given = _header(scope, KEY_HEADER)
        if given is not None and hmac.compare_digest(given.encode("latin-1"), expected):
            return True
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        return any(hmac.compare_digest(value.encode(), expected) for value in query.get("key", []))

    async def _act(self, connection_id: str, action: str, receive: Receive, send: Send) -> None:
        try:
            body = await read_body(receive, _MAX_MESSAGE)
        except RequestTooLarge:
            await respond(send, _json(413, {"message": "Message too long"}))
            return
        if action not in ("messages", "disconnect"):
            await respond(send, _json(404, {"message": "Not Found"}))
            return
        method = "POST" if action == "messages" else "DELETE"
        status, answer = await self._through_management_api(method, connection_id, body)
        await respond(
            send, HttpAnswer(status, [(b"content-type", b"application/json"), *_NO_STORE], answer or b"{}")
        )

    async def _through_management_api(
        self, method: str, connection_id: str, body: bytes
    ) -> tuple[int, bytes]:
        """``method /{stage}/@connections/{id}`` on the gateway itself, as a client would send it."""
        path = f"{self._stage_prefix}/@connections/{quote(connection_id, safe='')}"
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [*self._management_headers, (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 0),
            "server": None,
        }
        sent = False
        status = 500
        parts: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()  # the request has no more to give
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                parts.append(bytes(message.get("body", b"")))

        await self._management(scope, receive, capture)
        return status, b"".join(parts)

    async def _stream(self, receive: Receive, send: Send) -> None:
        """Server-sent events until the page goes away."""
        queue: asyncio.Queue[InvocationRecord] = asyncio.Queue()
        self._subscribers.add(queue)
        headers = [(b"content-type", b"text/event-stream"), *_NO_STORE]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        gone = asyncio.ensure_future(_disconnected(receive))
        known: list[dict[str, JsonValue]] | None = None
        last_sent = time.monotonic()
        try:
            await send({"type": "http.response.body", "body": b"retry: 1000\n\n", "more_body": True})
            while not gone.done():
                arrival = asyncio.ensure_future(queue.get())
                await asyncio.wait(
                    {arrival, gone}, timeout=_CONNECTIONS_CHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )
                chunks: list[bytes] = []
                if arrival.done():
                    chunks.append(_event("invocation", arrival.result().summary()))
                else:
                    arrival.cancel()
                current = self.connections()
                if current != known:
                    known = current
                    chunks.append(_event("connections", current))  # type: ignore[arg-type]  # invariant list
                if not chunks and time.monotonic() - last_sent > _KEEPALIVE_SECONDS:
                    chunks.append(b": keep-alive\n\n")
                if chunks:
                    last_sent = time.monotonic()
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
        finally:
            self._subscribers.discard(queue)
            gone.cancel()


def _event(name: str, data: JsonValue) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


async def _disconnected(receive: Callable[[], Awaitable[Message]]) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
