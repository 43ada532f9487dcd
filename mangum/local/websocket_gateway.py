"""The local WebSocket API: connections, their events, and the Management API that reaches them.

A client connects to ``ws://host:port/{stage}``. The handshake is held until ``$connect`` has
answered: a 2xx accepts the connection (with the ``Sec-WebSocket-Protocol`` the answer names), any
other status refuses it with that status, and a failed, timed-out or malformed answer with 500.
Each frame is then one MESSAGE invocation, one at a time per connection, in order; a close (by
either side) is one ``$disconnect``.

The Management API is served beside it, on the same port, as API Gateway serves it:
``POST /{stage}/@connections/{id}`` sends the body as one frame (text when it is UTF-8),
``GET`` describes the connection, ``DELETE`` closes it; an unknown connection answers
``410 GoneException``, a post over 128 KB ``413 PayloadTooLargeException``.

A connection idle for ``idle_timeout`` seconds or open for ``max_connection_duration`` is closed
by the gateway (code 1001, "Going away"), as API Gateway does after 10 minutes and 2 hours.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import unquote

from mangum._http.fields import is_field_name, is_field_value
from mangum._sources import builders
from mangum.local.asgi_io import RequestTooLarge, read_body, respond
from mangum.local.authorizers import LocalAuthorizer
from mangum.local.results import HttpAnswer
from mangum.local.serve_config import ServeConfig
from mangum.local.websocket_events import WebSocketClient, connect_event, disconnect_event, message_event
from mangum.local.workers import Outcome, WorkerPool

if TYPE_CHECKING:
    from mangum.types import LambdaEvent, Message, Receive, Scope, Send

logger = logging.getLogger("mangum.serve")

MANAGEMENT_SEGMENT = "@connections"
MAX_POST_BYTES = 128 * 1024
GOING_AWAY = 1001
ABNORMAL_CLOSURE = 1006


_INCOMPLETE_HANDSHAKE = "ASGI callable returned without completing handshake."
_refused_with_a_response: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "refused_with_a_response", default=False
)


class _RefusalIsNoIncompleteHandshake(logging.Filter):
    """Drops uvicorn's "returned without completing handshake" error after the gateway refused an
    upgrade with a whole HTTP response (a ``$connect`` that answered 403): its websockets-sansio
    protocol says so after every denial response, blaming an app that did nothing wrong. The flag
    is a context variable set in the connection's task, the one uvicorn logs from."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg == _INCOMPLETE_HANDSHAKE and _refused_with_a_response.get())


_REFUSAL_FILTER = _RefusalIsNoIncompleteHandshake()


def management_target(raw_path: str, stage_prefix: str) -> str | None:
    """The connection id of a Management API path, ``None`` for any other path (the app's).

    Only ``{stage}/@connections/{id}`` exactly is the Management API (each segment percent-encoded
    or not, as boto3 sends it; an empty id gives ``""``): ``/prod/users/@connections`` or
    ``/prod/x/%40connections/abc`` are paths of the app.
    """
    segments = [unquote(segment) for segment in raw_path.split("/")]
    at = stage_prefix.count("/") + 1
    if len(segments) != at + 2 or segments[at] != MANAGEMENT_SEGMENT:
        return None
    return segments[at + 1] if "/".join(segments[:at]) == stage_prefix else None


async def _refuse_handshake(send: Send, answer: HttpAnswer) -> None:
    """Answer a WebSocket handshake with an HTTP response instead of accepting it."""
    await send({"type": "websocket.http.response.start", "status": answer.status, "headers": answer.headers})
    await send({"type": "websocket.http.response.body", "body": answer.body})
    _refused_with_a_response.set(True)


InvocationObserver: TypeAlias = Callable[[str, str, str, "int | None", bytes, Outcome, float], None]
"""``(source, route, connection id, status, event, outcome, started)`` of an invocation."""


def _status(outcome: Outcome) -> int | None:
    """The ``statusCode`` a WebSocket route's function answered, if any."""
    result = outcome.result
    if outcome.ending != "answered" or result is None or result.error is not None:
        return None
    try:
        answer = result.json()
    except ValueError:
        return None
    status = answer.get("statusCode") if isinstance(answer, dict) else None
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, error_type: str, message: str) -> HttpAnswer:
    headers = [(b"content-type", b"application/json"), (b"x-amzn-errortype", error_type.encode())]
    return HttpAnswer(status, headers, json.dumps({"message": message}).encode())


@dataclass
class LiveConnection:
    """An open connection: who it is, and the frames and close waiting to go out to it."""

    client: WebSocketClient
    outbox: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)
    last_active: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    last_active_at: float = field(default_factory=time.monotonic)
    opened_at: float = field(default_factory=time.monotonic)
    close_code: int | None = None
    """Set when the gateway closed it (the code the ``$disconnect`` reports)."""

    def touch(self) -> None:
        """The client sent a frame (or was sent one): not idle."""
        self.last_active = datetime.now(timezone.utc)
        self.last_active_at = time.monotonic()

    def close(self, code: int) -> None:
        """Close from the gateway's side."""
        if self.close_code is None:
            self.close_code = code
            self.outbox.put_nowait({"type": "websocket.close", "code": code})


class WebSocketGateway:
    """The WebSocket API of ``serve`` (see the module docs)."""

    def __init__(
        self, config: ServeConfig, pool: WorkerPool, authorizer: LocalAuthorizer | None = None
    ) -> None:
        self.config = config
        self.pool = pool
        self.authorizer = authorizer
        self.connections: dict[str, LiveConnection] = {}
        self.on_invocation: InvocationObserver | None = None
        """Told of each invocation (the inspector)."""
        logging.getLogger("uvicorn.error").addFilter(_REFUSAL_FILTER)  # added once, however often

    # --- connections ----------------------------------------------------------------------------

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One WebSocket connection, from the handshake to ``$disconnect``."""
        config = self.config
        await receive()  # websocket.connect
        path = scope["path"]
        if path.rstrip("/") != config.stage_prefix:
            below = (
                path.removeprefix(config.stage_prefix) if path.startswith(config.stage_prefix + "/") else path
            )
            logger.warning(
                "WebSocket upgrade to %s refused (403): the WebSocket API is at %s, with no path below "
                "the stage, as on AWS; the app sees its websocket_path there ('/' by default): a route "
                "at %s needs Mangum(app, websocket_path=%r)",
                path,
                config.websocket_url,
                below,
                below,
            )
            await send({"type": "websocket.close", "code": 1008})  # the handshake is refused (403)
            return
        headers = [
            (name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in scope["headers"]
        ]
        agent = next((value for name, value in headers if name == "user-agent"), "")
        client = WebSocketClient(
            connection_id=builders.connection_id(),
            source_ip=(scope.get("client") or ("127.0.0.1", 0))[0],
            user_agent=agent,
            stage=config.stage,
            domain=config.authority,
            api_id=config.api_id,
        )
        query = scope.get("query_string", b"").decode("latin-1")
        if self.authorizer is not None:
            decision = await self.authorizer.websocket(connect_event(client, headers, query), headers, query)
            if decision.refusal is not None:
                await _refuse_handshake(send, decision.refusal)
                return
            client = replace(client, authorizer=decision.context)
        outcome = await self._invoke(connect_event(client, headers, query))
        status, answer_headers = self._connect_answer(outcome)
        if not 200 <= status < 300:
            body = json.dumps({"message": "Forbidden" if status == 403 else "Internal server error"}).encode()
            await _refuse_handshake(send, HttpAnswer(status, [], body))
            return
        subprotocol = answer_headers.get("sec-websocket-protocol")
        await send({"type": "websocket.accept", "subprotocol": subprotocol})
        live = LiveConnection(client)
        self.connections[client.connection_id] = live
        logger.info("WebSocket %s connected", client.connection_id)
        writer = asyncio.ensure_future(self._write(live, send))
        code, reason = ABNORMAL_CLOSURE, ""
        try:
            code, reason = await self._read(live, receive)
        finally:
            self.connections.pop(client.connection_id, None)
            writer.cancel()
            if live.close_code is not None:
                code, reason = live.close_code, "Going away" if live.close_code == GOING_AWAY else ""
            await self._invoke(disconnect_event(client, code, reason))
            logger.info("WebSocket %s disconnected (%d)", client.connection_id, code)

    def _connect_answer(self, outcome: Outcome) -> tuple[int, dict[str, str]]:
        result = outcome.result
        if outcome.ending != "answered" or result is None or result.error is not None:
            return 500, {}
        try:
            answer = result.json()
        except ValueError:
            answer = None
        if answer is None:
            return 200, {}  # a function that returns nothing accepts
        status = answer.get("statusCode") if isinstance(answer, dict) else None
        if isinstance(status, bool) or not isinstance(status, int):
            logger.error("malformed $connect response: statusCode must be a number")
            return 500, {}
        found = answer.get("headers")
        headers = {
            str(name).lower(): str(value)
            for name, value in (found if isinstance(found, dict) else {}).items()
        }
        if not all(is_field_name(name) and is_field_value(value) for name, value in headers.items()):
            logger.error("malformed $connect response: a header HTTP cannot carry")
            return 500, {}
        return status, headers

    async def _read(self, live: LiveConnection, receive: Receive) -> tuple[int, str]:
        """Frames from the client, each invoked in turn, until it closes: its close code and reason."""
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return int(message.get("code", 1005)), str(message.get("reason") or "")
            frame = message.get("text")
            if frame is None:
                frame = message.get("bytes") or b""
            live.touch()
            outcome = await self._invoke(message_event(live.client, frame))
            if outcome.ending != "answered" or outcome.result is None or outcome.result.error is not None:
                logger.error("WebSocket message of %s: the invocation failed", live.client.connection_id)

    async def _write(self, live: LiveConnection, send: Send) -> None:
        """Send what the Management API queued; close when the limits pass."""
        config = self.config
        while True:
            idle_ends = live.last_active_at + config.idle_timeout
            life_ends = live.opened_at + config.max_connection_duration
            wait = (
                None
                if live.close_code is not None
                else max(0.01, min(idle_ends, life_ends) - time.monotonic())
            )
            try:
                message = await asyncio.wait_for(live.outbox.get(), wait)
            except asyncio.TimeoutError:
                if time.monotonic() >= min(live.last_active_at + config.idle_timeout, life_ends):
                    logger.info(
                        "WebSocket %s: closed by the gateway's time limits", live.client.connection_id
                    )
                    live.close(GOING_AWAY)
                continue
            await send(message)
            if message["type"] == "websocket.close":
                return

    async def _invoke(self, event: LambdaEvent) -> Outcome:
        payload = json.dumps(event).encode()
        started = time.monotonic()
        outcome = await self.pool.invoke(payload)
        if self.on_invocation is not None:
            context = event["requestContext"]
            self.on_invocation(
                "websocket",
                context["routeKey"],
                context["connectionId"],
                _status(outcome),
                payload,
                outcome,
                started,
            )
        return outcome

    async def close_all(self, code: int = GOING_AWAY) -> None:
        """Close every connection: 1001 when the server is stopping, 1012 when its workers are
        replaced (``--reload``)."""
        for live in list(self.connections.values()):
            live.close(code)

    # --- the Management API ---------------------------------------------------------------------

    async def management(self, scope: Scope, connection_id: str, receive: Receive, send: Send) -> None:
        """``POST`` / ``GET`` / ``DELETE /{stage}/@connections/{id}`` (``connection_id`` from
        :func:`management_target`)."""
        if not connection_id:
            await respond(send, _error(403, "ForbiddenException", "Forbidden"))
            return
        method = scope["method"]
        try:
            body = await read_body(receive, MAX_POST_BYTES)
        except RequestTooLarge:
            await respond(send, _error(413, "PayloadTooLargeException", "Message too long"))
            return
        live = self.connections.get(connection_id)
        if live is None or live.close_code is not None:
            await respond(send, _error(410, "GoneException", f"connection {connection_id} is gone"))
            return
        if method == "POST":
            try:
                live.outbox.put_nowait({"type": "websocket.send", "text": body.decode()})
            except UnicodeDecodeError:
                live.outbox.put_nowait({"type": "websocket.send", "bytes": body})
            live.touch()
            await respond(send, HttpAnswer(200, [], b""))
        elif method == "GET":
            client = live.client
            description = {
                "ConnectedAt": _iso(client.connected_at),
                "Identity": {"SourceIp": client.source_ip, "UserAgent": client.user_agent},
                "LastActiveAt": _iso(live.last_active),
            }
            await respond(
                send,
                HttpAnswer(200, [(b"content-type", b"application/json")], json.dumps(description).encode()),
            )
        elif method == "DELETE":
            live.close(1000)
            await respond(send, HttpAnswer(204, [], b""))
        else:
            await respond(send, _error(403, "ForbiddenException", "Forbidden"))
