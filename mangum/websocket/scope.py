"""``build_websocket_scope``: the ASGI ``websocket`` scope (spec version 2.5) of one connection.

A connection's scope always comes from its CONNECT event, the only event that carries the
handshake: on CONNECT from the event itself, on MESSAGE and DISCONNECT from the CONNECT event kept
in the connection's record. Headers, query string, client, server and protocol are derived by the
same helpers as an HTTP scope (:mod:`mangum.http`).

Paths: a client connects to ``wss://{domainName}/{stage}``, so the stage is the mount, as for a
REST API (see ``docs/paths.md``): ``root_path`` is ``/{stage}`` and ``path`` is ``/{stage}`` plus
the configured ``websocket_path`` (``/`` by default), so ``path`` minus ``root_path`` is that path.
A WebSocket API has no request path of its own: routes are chosen by ``requestContext.routeKey``
(``$connect``, ``$default``, a custom key), which apps read from ``scope["mangum.event"]``;
``websocket_path`` lets an app whose WebSocket route is elsewhere (``/ws``) run unchanged.
``api_gateway_base_path`` does not apply (there is no path to strip).

Other keys: ``scheme`` is ``wss`` (``ws`` when ``X-Forwarded-Proto`` says http); ``subprotocols``
are the comma-separated values of every ``Sec-WebSocket-Protocol`` header, in order; ``aws.event``
and ``mangum.event`` are the *current* event (raw and model), ``mangum.connect_event`` the CONNECT
event model (its ``requestContext.authorizer`` holds the authorizer context); ``state`` is a
shallow copy of the lifespan state; ``extensions`` holds :data:`EXTENSION_KEY` (the
connections API bound to this connection) and ``websocket.http.response`` (denial responses on
CONNECT).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from mangum._http.scope import WEBSOCKET_ASGI, connection_scope, with_state
from mangum._sources import websocket as websocket_source
from mangum.events.websocket import WebSocketEvent
from mangum.types import LambdaContext, LambdaEvent, WebSocketScope

if TYPE_CHECKING:
    from mangum._http.request import Request
    from mangum._validation.generated.websocket import WebSocketEventDict
    from mangum.websocket.api import WebSocketConnections

EXTENSION_KEY = "mangum.websocket"
"""Where the app finds its :class:`~mangum.websocket.api.WebSocketConnections` in ``scope["extensions"]``."""
DENIAL_EXTENSION_KEY = "websocket.http.response"
SUBPROTOCOL_HEADER = "sec-websocket-protocol"


def offered_subprotocols(handshake: Request) -> list[str]:
    """The subprotocols the client offered in the handshake: every ``Sec-WebSocket-Protocol``
    value split at commas, in order."""
    return [
        protocol
        for name, value in handshake.headers
        if name.lower() == SUBPROTOCOL_HEADER
        for protocol in (part.strip() for part in value.split(","))
        if protocol
    ]


def build_websocket_scope(
    connect_event: WebSocketEvent,
    event: WebSocketEvent,
    raw_event: LambdaEvent,
    context: LambdaContext | None,
    state: dict[str, object] | None,
    connections: WebSocketConnections,
    path: str = "/",
    *,
    handshake: Request | None = None,
) -> WebSocketScope:
    """The scope of ``connect_event``'s connection while ``event`` (raw: ``raw_event``) is handled;
    ``path`` is what the app sees after the stage (``Mangum(websocket_path=...)``).

    ``handshake`` is the connection's request when the caller read it already (a CONNECT event
    read by its home, :func:`mangum._sources.websocket.request`, with the same ``path``); otherwise
    it is read from ``connect_event``'s fields."""
    if handshake is None:
        fields = cast("WebSocketEventDict", connect_event.model_dump(by_alias=False))
        handshake = websocket_source.request(fields, path)
    shared = connection_scope(handshake, "", raw_event, context)
    scope: WebSocketScope = {
        "type": "websocket",
        "asgi": WEBSOCKET_ASGI.copy(),
        **shared,
        "scheme": "ws" if shared["scheme"] == "http" else "wss",
        "subprotocols": offered_subprotocols(handshake),
        "extensions": {EXTENSION_KEY: connections, DENIAL_EXTENSION_KEY: {}},
        "mangum.event": event,
        "mangum.connect_event": connect_event,
    }
    with_state(scope, state)
    return scope
