"""``build_websocket_scope``: the ASGI ``websocket`` scope (spec version 2.5) of one connection.

A connection's scope always comes from its CONNECT event, the only event that carries the
handshake: on CONNECT from the event itself, on MESSAGE and DISCONNECT from the CONNECT event kept
in the connection's record. Headers, query string, client, server and protocol are derived by the
same helpers as an HTTP scope (:mod:`mangum.http`).

Paths: a client connects to ``wss://{domainName}/{stage}``, so the stage is the mount, as for a
REST API (see ``docs/paths.md``): ``root_path`` is ``/{stage}`` and ``path`` is ``/{stage}/``, so
``path`` minus ``root_path`` is ``/``. A WebSocket API has no request path of its own: routes are
chosen by ``requestContext.routeKey`` (``$connect``, ``$default``, a custom key), which apps read
from ``scope["mangum.event"]``. ``api_gateway_base_path`` does not apply (there is no path to strip).

Other keys: ``scheme`` is ``wss`` (``ws`` when ``X-Forwarded-Proto`` says http); ``subprotocols``
are the comma-separated values of every ``Sec-WebSocket-Protocol`` header, in order; ``aws.event``
and ``mangum.event`` are the *current* event (raw and model), ``mangum.connect_event`` the CONNECT
event model (its ``requestContext.authorizer`` holds the authorizer context); ``state`` is a
shallow copy of the lifespan state; ``extensions`` holds :data:`EXTENSION_KEY` (the
connections API bound to this connection) and ``websocket.http.response`` (denial responses on
CONNECT).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum.events.websocket import WebSocketEvent
from mangum.http.endpoints import client_address, server_address
from mangum.http.headers import asgi_headers
from mangum.http.paths import encode_path, scope_path
from mangum.http.protocol import http_version, request_scheme
from mangum.types import LambdaContext, LambdaEvent, Scope

if TYPE_CHECKING:
    from mangum.websocket.api import WebSocketConnections

WEBSOCKET_ASGI_VERSIONS: dict[str, str] = {"version": "3.0", "spec_version": "2.5"}
EXTENSION_KEY = "mangum.websocket"
"""Where the app finds its :class:`~mangum.websocket.api.WebSocketConnections` in ``scope["extensions"]``."""
DENIAL_EXTENSION_KEY = "websocket.http.response"
SUBPROTOCOL_HEADER = "sec-websocket-protocol"
_DEFAULT_STAGE = "$default"


def offered_subprotocols(event: WebSocketEvent) -> list[str]:
    """The subprotocols the client offered: every ``Sec-WebSocket-Protocol`` value split at commas."""
    return [
        protocol
        for value in event.get_header_values(SUBPROTOCOL_HEADER)
        for protocol in (part.strip() for part in value.split(","))
        if protocol
    ]


def stage_mount(stage: str) -> str:
    """The percent-encoded mount of a stage: ``/{stage}``, or nothing for a ``$default`` stage."""
    return "" if stage == _DEFAULT_STAGE else encode_path(f"/{stage}")


def build_websocket_scope(
    connect_event: WebSocketEvent,
    event: WebSocketEvent,
    raw_event: LambdaEvent,
    context: LambdaContext | None,
    state: dict[str, object] | None,
    connections: WebSocketConnections,
) -> Scope:
    """The scope of ``connect_event``'s connection while ``event`` (raw: ``raw_event``) is handled."""
    scheme = request_scheme(connect_event.get_header("x-forwarded-proto"))
    paths = scope_path(stage_mount(connect_event.request_context.stage), "/", "")
    scope: Scope = {
        "type": "websocket",
        "asgi": WEBSOCKET_ASGI_VERSIONS.copy(),
        "http_version": http_version(None),
        "scheme": "ws" if scheme == "http" else "wss",
        "path": paths.path,
        "raw_path": paths.raw_path,
        "root_path": paths.root_path,
        "query_string": connect_event.encoded_query().encode("utf-8", errors="replace"),
        "headers": asgi_headers(connect_event.header_items()),
        "client": client_address(connect_event.source_ip),
        "server": server_address(
            connect_event.get_header("host"), connect_event.get_header("x-forwarded-port"), scheme
        ),
        "subprotocols": offered_subprotocols(connect_event),
        "extensions": {EXTENSION_KEY: connections, DENIAL_EXTENSION_KEY: {}},
        "aws.event": raw_event,
        "aws.context": context,
        "mangum.event": event,
        "mangum.connect_event": connect_event,
    }
    if state is not None:
        scope["state"] = state.copy()
    return scope
