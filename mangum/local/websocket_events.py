"""The events an API Gateway WebSocket API sends: ``$connect``, a message on its route, ``$disconnect``.

- ``$connect`` carries the handshake's headers (``Sec-WebSocket-Protocol`` among them: the
  subprotocols the client offers) and query string in payload 1.0's single- and multi-value maps;
- a message is routed by the route selection expression ``$request.body.action``: a text frame
  holding a JSON object whose ``action`` is a string goes to that route, anything else to
  ``$default``; a binary frame arrives base64 with ``isBase64Encoded: true``;
- ``$disconnect`` carries the close code and reason (1006 when the connection dropped).

Every event of a connection shares its ``connectionId``, ``connectedAt`` and identity.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pydantic import JsonValue

from mangum._sources import samples
from mangum.local.events import multi_values, single_values
from mangum.types import LambdaEvent

DEFAULT_ROUTE = "$default"


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


def route_key(frame: str | bytes) -> str:
    """The route of a frame under ``$request.body.action``."""
    if isinstance(frame, bytes):
        return DEFAULT_ROUTE
    try:
        body = json.loads(frame)
    except ValueError:
        return DEFAULT_ROUTE
    action = body.get("action") if isinstance(body, dict) else None
    return action if isinstance(action, str) and action else DEFAULT_ROUTE


def _context(client: WebSocketClient, route: str, event_type: str) -> dict[str, object]:
    now = datetime.now(timezone.utc)
    context: dict[str, object] = {
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": samples.connection_id(),
        "requestTime": samples.clf_time(now),
        "messageDirection": "IN",
        "stage": client.stage,
        "connectedAt": samples.epoch_ms(client.connected_at),
        "requestTimeEpoch": samples.epoch_ms(now),
        "identity": {"sourceIp": client.source_ip, "userAgent": client.user_agent},
        "requestId": samples.connection_id(),
        "domainName": client.domain,
        "connectionId": client.connection_id,
        "apiId": client.api_id,
    }
    if client.authorizer is not None:
        context["authorizer"] = client.authorizer
    return context


def connect_event(client: WebSocketClient, headers: list[tuple[str, str]], query: str) -> LambdaEvent:
    """The ``$connect`` event of a handshake with these headers (names lower-cased) and raw query."""
    single, multi = samples.query_parameter_maps(query)
    event: LambdaEvent = {
        "headers": single_values(headers),
        "multiValueHeaders": multi_values(headers),
        "requestContext": _context(client, "$connect", "CONNECT"),
        "isBase64Encoded": False,
    }
    if multi:
        event["queryStringParameters"] = single
        event["multiValueQueryStringParameters"] = multi
    return event


def message_event(client: WebSocketClient, frame: str | bytes) -> LambdaEvent:
    """The event of one frame from the client, on its route."""
    context = _context(client, route_key(frame), "MESSAGE") | {"messageId": samples.connection_id()}
    if isinstance(frame, bytes):
        return {"requestContext": context, "body": base64.b64encode(frame).decode(), "isBase64Encoded": True}
    return {"requestContext": context, "body": frame, "isBase64Encoded": False}


def disconnect_event(client: WebSocketClient, code: int, reason: str) -> LambdaEvent:
    """The ``$disconnect`` event after the connection closed with ``code`` and ``reason``."""
    headers = [("Host", client.domain), ("x-api-key", ""), ("X-Forwarded-For", ""), ("x-restapi", "")]
    context = _context(client, "$disconnect", "DISCONNECT") | {
        "disconnectStatusCode": code,
        "disconnectReason": reason,
    }
    return {
        "headers": single_values(headers),
        "multiValueHeaders": multi_values(headers),
        "requestContext": context,
        "isBase64Encoded": False,
    }
