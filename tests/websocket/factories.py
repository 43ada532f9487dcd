"""Connection ids and CONNECT events shaped like API Gateway's, unique per call."""

from __future__ import annotations

import base64
import uuid

from pydantic import JsonValue

from mangum.events.websocket import WebSocketEvent
from mangum.websocket.record import ConnectionRecord
from tests.conftest import load_event


def connection_id() -> str:
    """A fresh id such as ``Lg4VfcZlliACF-Q=``: URL-unsafe characters included on purpose."""
    return base64.b64encode(uuid.uuid4().bytes[:10]).decode().replace("/", "-")


def connect_event(
    connection: str,
    *,
    subprotocols: str | None = None,
    authorizer: dict[str, JsonValue] | None = None,
    query: dict[str, str] | None = None,
) -> WebSocketEvent:
    """The sample CONNECT event for another connection, with optional handshake extras."""
    raw = load_event("apiGatewayWebSocketApiConnect.json")
    raw["requestContext"]["connectionId"] = connection
    if subprotocols is not None:
        raw["headers"]["Sec-WebSocket-Protocol"] = subprotocols
        raw["multiValueHeaders"]["Sec-WebSocket-Protocol"] = [subprotocols]
    if authorizer is not None:
        raw["requestContext"]["authorizer"] = authorizer
    if query is not None:
        raw["queryStringParameters"] = query
        raw["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
    return WebSocketEvent.model_validate(raw)


def record(connection: str | None = None) -> ConnectionRecord:
    """The record of a fresh (or the given) connection, made from the sample CONNECT event."""
    return ConnectionRecord.from_connect_event(connect_event(connection or connection_id()))
