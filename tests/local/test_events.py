"""Every event ``serve`` builds validates against its model, and mangum reads back the request it
was built from (method, path, query, headers, cookies, body)."""

from __future__ import annotations

from typing import get_args

import pytest

from mangum._http.request import request_body
from mangum._sources.registry import detect
from mangum._sources.samples import sample_event
from mangum.events import (
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    FunctionUrlEvent,
    WebSocketEvent,
    parse_event,
)
from mangum.local.events import BUILDERS, GatewayRequest, HttpSourceName
from mangum.local.websocket_events import (
    WebSocketClient,
    connect_event,
    disconnect_event,
    message_event,
    route_key,
)

MODELS = {
    "api_gateway_v1": ApiGatewayV1Event,
    "api_gateway_v2": ApiGatewayV2Event,
    "alb": AlbEvent,
    "function_url": FunctionUrlEvent,
}
BINARY = bytes(range(256))
REPEATED = {"api_gateway_v1": ["a", "b"], "api_gateway_v2": ["a,b"], "function_url": ["a,b"], "alb": ["b"]}
"""A repeated header as each source carries it (ALB without multi-value headers keeps the last)."""


def _request(
    body: bytes, content_type: str, *, path: str = "/a b/c", raw_path: str = "/a%20b/c"
) -> GatewayRequest:
    return GatewayRequest(
        method="POST",
        path=path,
        raw_path=raw_path,
        query="x=1&x=2&y=%C3%A9",
        headers=(
            ("host", "127.0.0.1:3000"),
            ("content-type", content_type),
            ("cookie", "one=1; two=2"),
            ("x-repeat", "a"),
            ("x-repeat", "b"),
            ("user-agent", "pytest"),
        ),
        body=body,
        source_ip="127.0.0.2",
        host="127.0.0.1:3000",
        port=3000,
    )


@pytest.mark.parametrize("source", get_args(HttpSourceName))
@pytest.mark.parametrize(
    ("body", "content_type", "base64"),
    [
        (BINARY, "application/octet-stream", True),
        ('{"é": 1}'.encode(), "application/json", False),
        (b"", "text/plain", False),
    ],
)
def test_http_events_validate_and_read_back(
    source: HttpSourceName, body: bytes, content_type: str, base64: bool
) -> None:
    event = BUILDERS[source](_request(body, content_type), "$default", "abc123")
    assert isinstance(parse_event(event), MODELS[source])
    assert event["isBase64Encoded"] is base64
    request = detect(event).read(event).request  # type: ignore[union-attr]  # every HTTP source has read
    assert request.method == "POST"
    assert request.route in ("/a b/c", "/a%20b/c")
    assert request_body(request) == body
    headers = dict(request.headers)
    assert headers["x-forwarded-for"] == "127.0.0.2"
    assert headers["cookie"].replace(" ", "") == "one=1;two=2"
    values = [value for name, value in request.headers if name == "x-repeat"]
    assert values == REPEATED[source]
    caller = request.caller
    assert caller == "127.0.0.2"


def test_rest_event_has_the_stage_in_its_context_path() -> None:
    event = BUILDERS["api_gateway_v1"](_request(b"", "text/plain"), "prod", "abc123")
    assert event["requestContext"]["path"] == "/prod/a b/c"
    assert detect(event).read(event).request.mount == "/prod"  # type: ignore[union-attr]  # an HTTP source


def test_each_request_has_its_own_id_and_time() -> None:
    first, second = (
        BUILDERS["api_gateway_v2"](_request(b"", "text/plain"), "$default", "api") for _ in range(2)
    )
    assert first["requestContext"]["requestId"] != second["requestContext"]["requestId"]
    assert first["requestContext"]["timeEpoch"] <= second["requestContext"]["timeEpoch"]


CLIENT = WebSocketClient("Abc123=", "127.0.0.2", "pytest", "prod", "127.0.0.1:3000", "api")


def test_websocket_events_validate_and_share_the_connection() -> None:
    headers = [("host", "127.0.0.1:3000"), ("sec-websocket-protocol", "chat.v1, chat.v2")]
    events = [
        connect_event(CLIENT, headers, "room=red&room=blue"),
        message_event(CLIENT, '{"action": "join"}'),
        message_event(CLIENT, b"\x00\xff"),
        disconnect_event(CLIENT, 1001, "Going away"),
    ]
    parsed = [parse_event(event) for event in events]
    assert all(isinstance(model, WebSocketEvent) for model in parsed)
    kinds = [model.event_type for model in parsed if isinstance(model, WebSocketEvent)]
    assert kinds == ["CONNECT", "MESSAGE", "MESSAGE", "DISCONNECT"]
    assert {event["requestContext"]["connectionId"] for event in events} == {"Abc123="}
    assert len({event["requestContext"]["connectedAt"] for event in events}) == 1
    assert events[0]["multiValueQueryStringParameters"] == {"room": ["red", "blue"]}
    assert events[0]["headers"]["sec-websocket-protocol"] == "chat.v1, chat.v2"
    assert events[1]["requestContext"]["routeKey"] == "join"
    assert (events[2]["isBase64Encoded"], events[2]["body"]) == (True, "AP8=")
    assert events[3]["requestContext"]["disconnectStatusCode"] == 1001


@pytest.mark.parametrize(
    ("frame", "route"),
    [
        ('{"action": "send"}', "send"),
        ('{"action": ""}', "$default"),
        ('{"action": 1}', "$default"),
        ("[1]", "$default"),
        ("text", "$default"),
        (b"{}", "$default"),
    ],
)
def test_route_selection_by_action(frame: str | bytes, route: str) -> None:
    assert route_key(frame) == route


def _layout(value: object) -> object:
    """The shape of an event: its keys, nested, without the values (nor the header names, which are
    the request's)."""
    if isinstance(value, dict):
        return {
            key: "headers" if key in ("headers", "multiValueHeaders") else _layout(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_layout(item) for item in value[:1]]
    return type(value).__name__


@pytest.mark.parametrize("source", get_args(HttpSourceName))
def test_a_served_event_and_a_sample_of_its_source_are_laid_out_alike(source: HttpSourceName) -> None:
    # One builder per source lays out both: the same keys at every level, for the same request.
    served = BUILDERS[source](
        _request(b'{"n": 1}', "application/json", path="/a/b", raw_path="/a/b"), "prod", "api"
    )
    sample = sample_event(
        source,
        method="POST",
        path="/a/b?x=1&x=2&y=%C3%A9",
        body='{"n": 1}',
        headers=[("Cookie", "one=1")],
    )
    assert _layout(served) == _layout(sample)
    assert type(parse_event(served)) is type(parse_event(sample)) is MODELS[source]
