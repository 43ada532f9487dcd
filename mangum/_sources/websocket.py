"""API Gateway WebSocket APIs: CONNECT, MESSAGE and DISCONNECT events.

Request: CONNECT carries the handshake's headers and query string in payload 1.0's single- and
multi-value maps (:mod:`.api_gateway_v1` decodes them the same way); MESSAGE carries a frame in
``body``; DISCONNECT the close status code and reason. A client connects to
``wss://{domainName}/{stage}``, so the stage is the mount (none for ``$default``) and the route is
``/``. Events are served by the WebSocket cycle (:mod:`mangum.websocket`), which answers with
:class:`~mangum.responses.WebSocketResponse`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._http.request import Request, header_items
from mangum._http.scope import encode_path
from mangum._sources import api_gateway_v1

if TYPE_CHECKING:
    from mangum._validation.generated.websocket import WebSocketEventDict

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
