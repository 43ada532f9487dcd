"""API Gateway WebSocket APIs: CONNECT, MESSAGE and DISCONNECT events.

Request: CONNECT carries the handshake's headers and query string in payload 1.0's single- and
multi-value maps (:mod:`.api_gateway_v1` decodes them the same way); MESSAGE carries a frame in
``body``; DISCONNECT the close status code and reason. A client connects to
``wss://{domainName}/{stage}``, so the stage is the mount (none for ``$default``) and the route is
``/``. :func:`read` validates an event with the generated validator into a
:class:`ConnectionEvent`, which the WebSocket cycle
(:mod:`mangum.websocket.cycle`) serves.

Result: the status, the headers joined per name (the chosen subprotocol on ``$connect``, a denial
response's headers), and a body only when there is one: the layout of
:class:`~mangum.responses.WebSocketResponse`, validated before the body is serialized into it, as
for the HTTP sources (:func:`~mangum._http.response.build_result`). Lambda's 6 MB limit applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._http.request import Request, decode_body, header_items
from mangum._http.response import (
    LAMBDA_RESPONSE_LIMIT,
    EncodedBody,
    ResponseHeader,
    ResponseShape,
    joined_headers,
)
from mangum._http.scope import encode_path
from mangum._sources import api_gateway_v1
from mangum._sources.registry import WEBSOCKET, event_schema, validated
from mangum._validation.validators import LazyValidator

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mangum._validation.generated.results import WebSocketResponseDict
    from mangum._validation.generated.websocket import WebSocketEventDict
    from mangum.types import Message


class ConnectionEvent:
    """One validated WebSocket event, as the WebSocket cycle needs it: the event's fields (the
    generated validator's output, snake_case keys), which event of which connection it is, how its
    result is laid out, and the largest result Lambda accepts (bytes)."""

    __slots__ = ("connection_id", "data", "kind", "limit", "response")

    def __init__(self, data: WebSocketEventDict, response: ResponseShape, limit: int) -> None:
        self.data = data
        context = data["request_context"]
        self.kind = context["event_type"]
        self.connection_id = context["connection_id"]
        self.response = response
        self.limit = limit


DEFAULT_STAGE = "$default"

query_items = api_gateway_v1.query_items
encoded_query = api_gateway_v1.encoded_query


def stage_mount(stage: str) -> str:
    """The percent-encoded mount of a stage: ``/{stage}``, or nothing for a ``$default`` stage."""
    return "" if stage == DEFAULT_STAGE else encode_path(f"/{stage}")


def request(data: WebSocketEventDict, route: str = "/") -> Request:
    """The request of a connection's CONNECT event (the handshake); ``route`` is the path the app
    is given (``Mangum(websocket_path=...)``), since the event has none."""
    context = data["request_context"]
    identity = context["identity"]
    # Positionally: a named tuple's keyword arguments cost twice as much on the hot path.
    return Request(
        "GET",  # method
        None,  # protocol
        stage_mount(context["stage"]),  # mount
        encode_path(route),  # route
        identity["source_ip"] if identity else None,  # caller
        header_items(data),  # headers
        encoded_query(data),  # query
        data["body"],  # body
        data["is_base64_encoded"],  # body_base64
    )


def message(data: WebSocketEventDict) -> Message:
    """The ASGI message a MESSAGE or DISCONNECT event delivers: a frame, or the close code and reason.

    A MESSAGE body flagged ``isBase64Encoded`` is a binary frame (raises
    :class:`~mangum.exceptions.InvalidBody` when it is not valid base64).
    """
    context = data["request_context"]
    if context["event_type"] == "DISCONNECT":
        code = context["disconnect_status_code"]
        return {
            "type": "websocket.disconnect",
            "code": 1005 if code is None else code,  # 1005: no status code was received
            "reason": context["disconnect_reason"] or "",
        }
    if data["is_base64_encoded"]:
        return {"type": "websocket.receive", "bytes": decode_body(data["body"], True)}
    return {"type": "websocket.receive", "text": data["body"] or ""}


VALIDATOR: LazyValidator[WebSocketEventDict] = LazyValidator(
    event_schema("websocket"), WEBSOCKET.model, "name"
)


def result(status: int, headers: list[ResponseHeader], body: EncodedBody) -> WebSocketResponseDict:
    """The WebSocket result layout (see the module docs): ``headers`` and the body only when present."""
    laid_out: WebSocketResponseDict = {"statusCode": status}
    joined = joined_headers(headers)
    if joined:
        laid_out["headers"] = joined
    if body.text:
        laid_out["body"] = body.text
        laid_out["isBase64Encoded"] = body.base64
    return laid_out


RESPONSE = ResponseShape("WebSocketResponse", result)


def read(event: Mapping[str, object]) -> ConnectionEvent:
    """Validate a WebSocket event (CONNECT, MESSAGE or DISCONNECT)."""
    return ConnectionEvent(validated(VALIDATOR, event), RESPONSE, LAMBDA_RESPONSE_LIMIT)
