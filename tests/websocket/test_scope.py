"""The ASGI websocket scope built from CONNECT events, key by key."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from mangum.events.websocket import WebSocketEvent
from mangum.types import LambdaEvent, WebSocketScope
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.scope import build_websocket_scope
from mangum.websocket.settings import websocket_settings
from tests.support.event_files import load_event
from tests.websocket.factories import connect_raw, connection_id, message_raw


@pytest.fixture(scope="module")
def runtime() -> WebSocketRuntime:
    # Creating clients opens no connection: nothing here talks to AWS.
    return WebSocketRuntime(websocket_settings(table="scope-tests", region="eu-west-1"))


def scope_of(
    runtime: WebSocketRuntime, raw: LambdaEvent, *, state: dict[str, object] | None = None
) -> WebSocketScope:
    event = WebSocketEvent.model_validate(raw)
    return build_websocket_scope(event, event, raw, None, state, runtime(event))


def test_the_sample_connect_event(runtime: WebSocketRuntime) -> None:
    raw = load_event("apiGatewayWebSocketApiConnect.json")
    event = WebSocketEvent.model_validate(raw)
    connections = runtime(event)

    scope = build_websocket_scope(event, event, raw, None, None, connections)

    assert scope["type"] == "websocket"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.5"}
    assert scope["http_version"] == "1.1"
    assert scope["scheme"] == "wss"
    assert (scope["root_path"], scope["path"], scope["raw_path"]) == ("/prod", "/prod/", b"/prod/")
    assert scope["query_string"] == b""
    assert scope["headers"][0] == (b"host", b"fjnq7njcv2.execute-api.us-east-1.amazonaws.com")
    assert (b"sec-websocket-key", b"+W5xw47OHh3OTFsWKjGu9Q==") in scope["headers"]
    assert len(scope["headers"]) == len(raw["headers"])
    assert scope["client"] == ("166.90.225.1", 0)
    assert scope["server"] == ("fjnq7njcv2.execute-api.us-east-1.amazonaws.com", 443)
    assert scope["subprotocols"] == []
    assert scope["extensions"] == {"mangum.websocket": connections, "websocket.http.response": {}}
    assert connections.connection_id == "BFHPhfCWIAMCKlQ="
    assert scope["aws.event"] is raw
    assert scope["mangum.event"] is event
    assert scope["mangum.connect_event"] is event
    assert "state" not in scope


def test_subprotocols_are_every_offered_value_in_order(runtime: WebSocketRuntime) -> None:
    raw = connect_raw(connection_id(), subprotocols="chat.v2, ,chat.v1")
    raw["multiValueHeaders"]["Sec-WebSocket-Protocol"].append("mqtt")

    assert scope_of(runtime, raw)["subprotocols"] == ["chat.v2", "chat.v1", "mqtt"]


def test_plain_ws_when_the_client_came_over_http(runtime: WebSocketRuntime) -> None:
    raw = connect_raw(connection_id(), headers={"X-Forwarded-Proto": "http", "X-Forwarded-Port": "80"})

    scope = scope_of(runtime, raw)

    assert scope["scheme"] == "ws"
    assert scope["server"] == ("fjnq7njcv2.execute-api.us-east-1.amazonaws.com", 80)


def test_query_parameters_are_encoded_back(runtime: WebSocketRuntime) -> None:
    query = {"room": "a b", "token": "x&y=z", "name": "zoë"}

    scope = scope_of(runtime, connect_raw(connection_id(), query=query))

    assert dict(parse_qsl(scope["query_string"].decode("ascii"))) == query


def test_a_default_stage_is_no_mount(runtime: WebSocketRuntime) -> None:
    raw = connect_raw(connection_id())
    raw["requestContext"]["stage"] = "$default"

    scope = scope_of(runtime, raw)

    assert (scope["root_path"], scope["path"], scope["raw_path"]) == ("", "/", b"/")


def test_state_is_the_invocations_own(runtime: WebSocketRuntime) -> None:
    # The lifespan hands each invocation a copy of its state (as for HTTP); the scope carries it.
    state: dict[str, object] = {"db": "pool"}

    scope = scope_of(runtime, connect_raw(connection_id()), state=state)

    assert scope["state"] is state


def test_later_events_keep_the_handshake_but_name_themselves(runtime: WebSocketRuntime) -> None:
    connection = connection_id()
    connect = WebSocketEvent.model_validate(connect_raw(connection, query={"room": "hall"}))
    raw = message_raw(connection, "hi", route_key="say")
    message = WebSocketEvent.model_validate(raw)

    scope = build_websocket_scope(connect, message, raw, None, None, runtime(message))

    assert scope["query_string"] == b"room=hall"
    assert (
        scope["headers"]
        == build_websocket_scope(connect, connect, {}, None, None, runtime(connect))["headers"]
    )
    assert scope["aws.event"] is raw
    assert scope["mangum.event"] is message
    assert scope["mangum.connect_event"] is connect
