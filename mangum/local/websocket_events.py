"""The events an API Gateway WebSocket API sends: ``$connect``, a message on its route, ``$disconnect``.

- ``$connect`` carries the handshake's headers (``Sec-WebSocket-Protocol`` among them: the
  subprotocols the client offers) and query string in payload 1.0's single- and multi-value maps;
- a message is routed by the route selection expression ``$request.body.action``: a text frame
  holding a JSON object whose ``action`` is a string goes to that route, anything else to
  ``$default``; a binary frame arrives base64 with ``isBase64Encoded: true``;
- ``$disconnect`` carries the close code and reason (1006 when the connection dropped).

Every event of a connection shares its ``connectionId``, ``connectedAt`` and identity. The events
are laid out by the WebSocket source's builders (:mod:`mangum._sources.builders`), which the sample
events use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from pydantic import JsonValue

from mangum._sources import builders
from mangum._sources.builders import DEFAULT_ROUTE as DEFAULT_ROUTE, route_key as route_key
from mangum.types import LambdaEvent


@dataclass(frozen=True, slots=True)
class WebSocketClient:
    """What API Gateway knows of a connection from its handshake."""

    connection_id: str
    source_ip: str
    user_agent: str
    stage: str
    domain: str
    api_id: str
    connected_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    authorizer: dict[str, JsonValue] | None = None
    """``requestContext.authorizer`` of every event of the connection, when an authorizer allowed it."""


def connect_event(client: WebSocketClient, headers: list[tuple[str, str]], query: str) -> LambdaEvent:
    """The ``$connect`` event of a handshake with these headers (names lower-cased) and raw query."""
    return builders.websocket_connect_event(client, headers, query, datetime.now(timezone.utc))


def message_event(client: WebSocketClient, frame: str | bytes) -> LambdaEvent:
    """The event of one frame from the client, on its route."""
    return builders.websocket_message_event(client, frame, datetime.now(timezone.utc))


def disconnect_event(client: WebSocketClient, code: int, reason: str) -> LambdaEvent:
    """The ``$disconnect`` event after the connection closed with ``code`` and ``reason``."""
    return builders.websocket_disconnect_event(client, code, reason, datetime.now(timezone.utc))
