"""API Gateway WebSocket APIs: CONNECT, MESSAGE and DISCONNECT events.

Request: CONNECT carries the handshake's headers and query string in payload 1.0's single- and
multi-value maps (:mod:`.api_gateway_v1` decodes them the same way); MESSAGE carries a frame in
``body``; DISCONNECT the close status code and reason. A client connects to
``wss://{domainName}/{stage}``, so the stage is the mount (none for ``$default``) and the route is
``/``. Events are served by the WebSocket cycle (:mod:`mangum.websocket`), which answers with
:class:`~mangum.responses.WebSocketResponse`.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from mangum._http.request import Request, header_items
from mangum._http.scope import encode_path
from mangum._sources import api_gateway_v1
from mangum._sources.registry import SampleBuilder

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mangum._sources import samples
    from mangum._validation.generated.websocket import WebSocketEventDict
    from mangum.types import LambdaEvent

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


def _context(request: samples.SampleRequest, route: str, event_type: str) -> dict[str, object]:
    from mangum._sources import samples  # only a sample needs it, not an event

    return {
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": samples.connection_id(),
        "requestTime": request.clf_time,
        "messageDirection": "IN",
        "stage": "prod",
        "connectedAt": request.epoch_ms,
        "requestTimeEpoch": request.epoch_ms,
        "identity": {"sourceIp": samples.SOURCE_IP, "userAgent": samples.USER_AGENT},
        "requestId": samples.connection_id(),
        "domainName": f"{request.api_id}.execute-api.{samples.REGION}.amazonaws.com",
        "connectionId": samples.connection_id(),
        "apiId": request.api_id,
    }


def connect_sample(request: samples.SampleRequest) -> LambdaEvent:
    """A ``$connect`` event: the handshake's headers and query string."""
    import secrets

    from mangum._sources import samples  # only a sample needs it, not an event

    headers = request.headers(f"{request.api_id}.execute-api.{samples.REGION}.amazonaws.com")
    headers |= {
        "sec-websocket-key": base64.b64encode(secrets.token_bytes(16)).decode(),
        "sec-websocket-version": "13",
    }
    single, multi = samples.query_parameter_maps(request.query)
    event: LambdaEvent = {
        "headers": headers,
        "multiValueHeaders": samples.multi_value(headers),
        "requestContext": _context(request, "$connect", "CONNECT"),
        "isBase64Encoded": False,
    }
    if multi:
        event["queryStringParameters"] = single
        event["multiValueQueryStringParameters"] = multi
    return event


def message_sample(request: samples.SampleRequest) -> LambdaEvent:
    """A message on the ``$default`` route."""
    from mangum._sources import samples  # only a sample needs it, not an event

    context = _context(request, "$default", "MESSAGE") | {"messageId": samples.connection_id()}
    body = request.body if request.body is not None else '{"action": "sendmessage", "data": "hello"}'
    return {"requestContext": context, "body": body, "isBase64Encoded": False}


def disconnect_sample(request: samples.SampleRequest) -> LambdaEvent:
    """A ``$disconnect`` event after the client closed normally."""
    from mangum._sources import samples  # only a sample needs it, not an event

    host = f"{request.api_id}.execute-api.{samples.REGION}.amazonaws.com"
    headers = {"Host": host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
    context = _context(request, "$disconnect", "DISCONNECT") | {
        "disconnectStatusCode": 1000,
        "disconnectReason": "Client closed the connection",
    }
    return {
        "headers": headers,
        "multiValueHeaders": samples.multi_value(headers),
        "requestContext": context,
        "isBase64Encoded": False,
    }


SAMPLES: Mapping[str, SampleBuilder] = {
    "websocket-connect": connect_sample,
    "websocket-message": message_sample,
    "websocket-disconnect": disconnect_sample,
}
"""The sample events this home builds, by name (found by :func:`~mangum._sources.registry.home`)."""
