"""Connection ids and WebSocket events shaped like API Gateway's (from the sample events), unique per call."""

from __future__ import annotations

import base64
import functools
import itertools
import json
import uuid
from typing import Any

from pydantic import JsonValue

from mangum.events.websocket import WebSocketEvent
from mangum.types import LambdaEvent
from mangum.websocket.record import ConnectionRecord
from tests.support.event_files import load_event

_request_ids = itertools.count()


def connection_id() -> str:
    """A fresh id such as ``Lg4VfcZlliACF-Q=``: URL-unsafe characters included on purpose."""
    return base64.b64encode(uuid.uuid4().bytes[:10]).decode().replace("/", "-")


def _set_header(raw: dict[str, Any], name: str, value: str) -> None:
    raw["headers"][name] = value
    raw["multiValueHeaders"][name] = [value]


@functools.cache
def _sample_text(name: str) -> str:
    return json.dumps(load_event(name))


def _for_connection(sample: str, connection: str) -> LambdaEvent:
    raw: LambdaEvent = json.loads(_sample_text(sample))  # a fresh copy to change
    context = raw["requestContext"]
    context["connectionId"] = connection
    context["requestId"] = context["extendedRequestId"] = f"request-{next(_request_ids)}"
    return raw


def connect_raw(
    connection: str,
    *,
    subprotocols: str | None = None,
    authorizer: dict[str, JsonValue] | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> LambdaEvent:
    """The sample CONNECT event for ``connection``, with optional handshake extras."""
    raw = _for_connection("apiGatewayWebSocketApiConnect.json", connection)
    if subprotocols is not None:
        _set_header(raw, "Sec-WebSocket-Protocol", subprotocols)
    for name, value in (headers or {}).items():
        _set_header(raw, name, value)
    if authorizer is not None:
        raw["requestContext"]["authorizer"] = authorizer
    if query is not None:
        raw["queryStringParameters"] = query
        raw["multiValueQueryStringParameters"] = {name: [value] for name, value in query.items()}
    return raw


def message_raw(connection: str, frame: str | bytes, *, route_key: str = "$default") -> LambdaEvent:
    """The sample MESSAGE event carrying ``frame``: text as is, bytes base64-encoded as a binary frame."""
    raw = _for_connection("apiGatewayWebSocketApiMessage.json", connection)
    raw["requestContext"]["routeKey"] = route_key
    raw["requestContext"]["messageId"] = f"message-{next(_request_ids)}"
    if isinstance(frame, bytes):
        raw["body"], raw["isBase64Encoded"] = base64.b64encode(frame).decode(), True
    else:
        raw["body"], raw["isBase64Encoded"] = frame, False
    return raw


def disconnect_raw(connection: str, *, code: int = 1001, reason: str = "Going away") -> LambdaEvent:
    """The sample DISCONNECT event for ``connection`` with a close status code and reason."""
    raw = _for_connection("apiGatewayWebSocketApiDisconnect.json", connection)
    raw["requestContext"]["disconnectStatusCode"] = code
    raw["requestContext"]["disconnectReason"] = reason
    return raw


def connect_event(
    connection: str,
    *,
    subprotocols: str | None = None,
    authorizer: dict[str, JsonValue] | None = None,
    query: dict[str, str] | None = None,
) -> WebSocketEvent:
    """The sample CONNECT event for another connection, as a model."""
    raw = connect_raw(connection, subprotocols=subprotocols, authorizer=authorizer, query=query)
    return WebSocketEvent.model_validate(raw)


def record(connection: str | None = None) -> ConnectionRecord:
    """The record of a fresh (or the given) connection, made from the sample CONNECT event."""
    return ConnectionRecord.from_connect_event(connect_event(connection or connection_id()))
