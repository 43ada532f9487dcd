"""The WebSocket source's home: events read with the generated validator, as the HTTP homes read
theirs, into what the model reads; results laid out and validated by the home."""

from __future__ import annotations

import copy

import pytest

from mangum._http.response import CollectedResponse, build_result
from mangum._sources import websocket
from mangum._sources.websocket import ConnectionEvent
from mangum.config import Config
from mangum.events.parse import parse_event
from mangum.events.websocket import WebSocketEvent
from mangum.exceptions import InvalidBody, InvalidEvent, InvalidResponse
from mangum.types import LambdaEvent
from mangum.websocket.cycle import websocket_home
from tests.websocket.factories import connect_raw, connection_id, disconnect_raw, message_raw


def test_the_registry_finds_the_home_and_its_read() -> None:
    assert websocket_home() is websocket
    raw = message_raw("abc=", "hi")
    read = websocket_home().read(raw)
    assert isinstance(read, ConnectionEvent)
    assert (read.kind, read.connection_id) == ("MESSAGE", "abc=")
    assert read.response is websocket.RESPONSE
    assert read.limit == 6_291_556


@pytest.mark.parametrize(
    "raw",
    [
        connect_raw("c1=", subprotocols="chat.v1, chat.v2", query={"room": "a b", "x": "é"}),
        connect_raw("c2=", headers={"X-Forwarded-Proto": "http"}),
        message_raw("m1=", "text"),
        message_raw("m2=", b"\x00\xff"),
        disconnect_raw("d1="),
    ],
    ids=["connect-query", "connect-headers", "message", "binary-message", "disconnect"],
)
def test_the_home_reads_the_request_the_model_reads(raw: LambdaEvent) -> None:
    read = websocket.read(raw)
    model = WebSocketEvent.model_validate(raw)
    request = websocket.request(read.data, "/ws")
    assert (read.kind, read.connection_id) == (model.event_type, model.connection_id)
    assert list(request.headers) == model.header_items()
    assert request.query == model.encoded_query()
    assert (request.mount, request.route, request.caller) == (
        "/prod",
        "/ws",
        model.source_ip,
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("requestContext", "eventType"), "OPEN"),
        (("requestContext", "connectionId"), 7),
        (("headers",), ["not", "a", "map"]),
        (("requestContext", "disconnectStatusCode"), "soon"),
    ],
)
def test_an_invalid_event_is_refused_as_the_model_refuses_it(path: tuple[str, ...], value: object) -> None:
    raw = copy.deepcopy(disconnect_raw(connection_id()))
    target = raw
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InvalidEvent) as by_home:
        websocket.read(raw)
    with pytest.raises(InvalidEvent) as by_model:
        parse_event(raw)
    assert str(by_home.value) == str(by_model.value)
    assert by_home.value.source == "WebSocketEvent"
    assert repr(value) not in str(by_home.value)


def test_the_message_of_each_event() -> None:
    assert websocket.message(websocket.read(message_raw("a=", "hé")).data) == {
        "type": "websocket.receive",
        "text": "hé",
    }
    assert websocket.message(websocket.read(message_raw("a=", b"\x00\xff")).data) == {
        "type": "websocket.receive",
        "bytes": b"\x00\xff",
    }
    assert websocket.message(websocket.read(disconnect_raw("a=", code=1008, reason="no")).data) == {
        "type": "websocket.disconnect",
        "code": 1008,
        "reason": "no",
    }
    raw = disconnect_raw("a=")
    del raw["requestContext"]["disconnectStatusCode"], raw["requestContext"]["disconnectReason"]
    assert websocket.message(websocket.read(raw).data) == {
        "type": "websocket.disconnect",
        "code": 1005,
        "reason": "",
    }
    raw = message_raw("a=", "not base64!")
    raw["isBase64Encoded"] = True
    with pytest.raises(InvalidBody, match="not valid base64"):
        websocket.message(websocket.read(raw).data)


def test_results_are_laid_out_by_the_home_and_validated() -> None:
    config = Config()

    def result(response: CollectedResponse) -> dict[str, object]:
        return build_result(websocket.RESPONSE, websocket.read(connect_raw("r=")).limit, response, config)

    assert result(CollectedResponse(403)) == {"statusCode": 403}
    assert result(CollectedResponse(200, [(b"Sec-WebSocket-Protocol", b"v1")])) == {
        "statusCode": 200,
        "headers": {"Sec-WebSocket-Protocol": "v1"},
    }
    assert result(
        CollectedResponse(401, [(b"content-type", b"text/plain"), (b"x", b"1"), (b"X", b"2")], b"no")
    ) == {
        "statusCode": 401,
        "headers": {"content-type": "text/plain", "x": "1,2"},
        "body": "no",
        "isBase64Encoded": False,
    }
    with pytest.raises(InvalidResponse, match="WebSocketResponse: headers") as refused:
        result(CollectedResponse(401, [(b"bad name", b"secret-value")], b"x"))
    assert "secret-value" not in str(refused.value)
