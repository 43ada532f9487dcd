"""The WebSocket cycle with plain ASGI apps: what each message does per event, failures, cancellation."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable

import pytest

from mangum.types import ASGI, Message, Receive, Scope, Send
from mangum.websocket.errors import ClientDisconnected
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import websocket_settings
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.client import Client, Container
from tests.websocket.counting import DynamoDbRequests
from tests.websocket.factories import connection_id, message_raw
from tests.websocket.tables import dynamodb_store, table_items

ACCEPT: Message = {"type": "websocket.accept"}


class Boom(Exception):
    pass


class Echo:
    """Accepts, then echoes every text frame; remembers every message it received."""

    def __init__(self) -> None:
        self.received: list[Message] = []
        self.cancelled = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            while True:
                message = await receive()
                self.received.append(message)
                if message["type"] == "websocket.connect":
                    await send(ACCEPT)
                elif message["type"] == "websocket.receive":
                    await send({"type": "websocket.send", "text": message["text"]})
                else:
                    return
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


Containers = Callable[[ASGI], Container]


def connected(container: Container, server: ManagementApiServer) -> Client:
    client = Client(container.invoke, server)
    assert client.connect() == {"statusCode": 200}
    return client


def test_waiting_for_the_next_message_ends_the_invocation_and_cancels_the_app(
    containers: Containers, management_api: ManagementApiServer
) -> None:
    app = Echo()
    client = connected(containers(app), management_api)

    assert client.send("one") == {"statusCode": 200}
    assert client.send("two") == {"statusCode": 200}

    assert client.received == [b"one", b"two"]
    assert app.cancelled == 3  # CONNECT and each MESSAGE: never told that the client left
    assert [message["type"] for message in app.received] == [
        "websocket.connect",
        "websocket.connect",
        "websocket.receive",
        "websocket.connect",
        "websocket.receive",
    ]


def test_disconnect_delivers_the_code_and_reason(
    containers: Containers, runtime: WebSocketRuntime, management_api: ManagementApiServer
) -> None:
    app = Echo()
    client = connected(containers(app), management_api)

    assert client.disconnect(code=1006, reason="abnormal") == {"statusCode": 200}

    assert app.received[-1] == {"type": "websocket.disconnect", "code": 1006, "reason": "abnormal"}
    assert app.cancelled == 1  # only CONNECT: after the disconnect the app returned
    assert table_items(runtime.store) == {}


def test_frames_sent_while_connecting_or_replaying_are_not_posted(
    containers: Containers, management_api: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def welcoming(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        await send({"type": "websocket.send", "text": "welcome"})
        message = await receive()
        await send({"type": "websocket.send", "bytes": message["text"].upper().encode()})

    client = connected(containers(welcoming), management_api)
    assert "dropping a frame sent during $connect" in caplog.text

    client.send("hi")

    assert client.received == [b"HI"]


def test_send_after_the_invocation_ended_is_dropped(
    containers: Containers, management_api: ManagementApiServer
) -> None:
    async def lingering(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        try:
            while True:
                message = await receive()
                await send({"type": "websocket.send", "text": f"got {message['text']}"})
        finally:
            await send({"type": "websocket.send", "text": "finally"})

    client = connected(containers(lingering), management_api)
    client.send("x")

    assert client.received == [b"got x"]


def test_a_client_gone_during_a_message_is_removed_and_the_app_told(
    containers: Containers,
    runtime: WebSocketRuntime,
    management_api: ManagementApiServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    raised: list[BaseException] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        await receive()
        try:
            await send({"type": "websocket.send", "text": "anyone?"})
        except OSError as error:
            raised.append(error)
            raise

    client = connected(containers(app), management_api)
    client.leave_silently()

    assert client.send("hello") == {"statusCode": 200}

    assert len(raised) == 1
    assert isinstance(raised[0], ClientDisconnected)
    assert table_items(runtime.store) == {}
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_an_app_exception_on_connect_is_500_and_writes_nothing(
    containers: Containers,
    runtime: WebSocketRuntime,
    management_api: ManagementApiServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        scope["extensions"]["mangum.websocket"].join("room")
        raise Boom("after accept and join")

    client = Client(containers(app).invoke, management_api)

    assert client.connect() == {"statusCode": 500}

    assert table_items(runtime.store) == {}
    assert not client.live
    assert "Exception in ASGI websocket application on CONNECT" in caplog.text
    assert any(record.exc_info and record.exc_info[0] is Boom for record in caplog.records)


def test_an_app_exception_on_message_is_500_and_keeps_the_connection(
    containers: Containers,
    runtime: WebSocketRuntime,
    management_api: ManagementApiServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(ACCEPT)
        await receive()
        raise Boom("on message")

    client = connected(containers(app), management_api)
    before = table_items(runtime.store)

    assert client.send("x") == {"statusCode": 500}

    assert table_items(runtime.store) == before
    assert "Exception in ASGI websocket application on MESSAGE" in caplog.text


def test_an_app_exception_on_disconnect_is_500_and_still_deletes(
    containers: Containers, runtime: WebSocketRuntime, management_api: ManagementApiServer
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] == "websocket.connect":
            await send(ACCEPT)
            if scope["mangum.event"].event_type == "CONNECT":
                scope["extensions"]["mangum.websocket"].join("room")
        if (await receive())["type"] == "websocket.disconnect":
            raise Boom("on disconnect")

    client = connected(containers(app), management_api)
    assert len(table_items(runtime.store)) == 2

    assert client.disconnect() == {"statusCode": 500}

    assert table_items(runtime.store) == {}


@pytest.mark.parametrize(
    ("messages", "status"),
    [
        pytest.param([], 403, id="returns-without-accepting"),
        pytest.param([{"type": "websocket.close", "code": 1008}], 403, id="closes"),
        pytest.param([ACCEPT, {"type": "websocket.close"}], 403, id="accepts-then-closes"),
        pytest.param([{"type": "websocket.send", "text": "x"}], 500, id="sends-before-accepting"),
        pytest.param([ACCEPT, ACCEPT], 500, id="accepts-twice"),
        pytest.param([{"type": "websocket.accept", "subprotocol": 2}], 500, id="bad-subprotocol"),
        pytest.param(
            [{"type": "websocket.accept", "subprotocol": "a\r\nb"}], 500, id="subprotocol-with-crlf"
        ),
        pytest.param([{"type": "websocket.accept", "headers": [(b"x", "y")]}], 500, id="text-header"),
        pytest.param([{"type": "http.response.start", "status": 200}], 500, id="http-message"),
        pytest.param(
            [
                {"type": "websocket.http.response.start", "status": 401},
                {"type": "websocket.http.response.body"},
            ],
            401,
            id="denies",
        ),
        pytest.param(
            [{"type": "websocket.http.response.start", "status": 401}, ACCEPT],
            500,
            id="accepts-while-denying",
        ),
        pytest.param(
            [
                {"type": "websocket.http.response.start", "status": 401},
                {"type": "websocket.http.response.body", "body": b"x", "more_body": True},
            ],
            500,
            id="leaves-the-denial-incomplete",
        ),
        pytest.param(
            [
                {"type": "websocket.http.response.start", "status": 99},
                {"type": "websocket.http.response.body"},
            ],
            500,
            id="denies-with-a-bad-status",
        ),
    ],
)
def test_connect_answers(
    containers: Containers,
    runtime: WebSocketRuntime,
    management_api: ManagementApiServer,
    messages: list[Message],
    status: int,
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        for message in messages:
            await send(message)

    assert Client(containers(app).invoke, management_api).connect()["statusCode"] == status
    assert table_items(runtime.store) == {}


def test_a_binary_denial_body_is_base64(containers: Containers, management_api: ManagementApiServer) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 429,
                "headers": [(b"content-type", b"application/octet-stream"), (b"retry-after", b"5")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": b"\xff\x00", "more_body": True})
        await send({"type": "websocket.http.response.body", "body": b"\x01"})

    assert Client(containers(app).invoke, management_api).connect() == {
        "statusCode": 429,
        "headers": {"content-type": "application/octet-stream", "retry-after": "5"},
        "body": "/wAB",
        "isBase64Encoded": True,
    }


def test_a_denial_lambda_would_refuse_is_500_and_logged_without_its_values(
    containers: Containers,
    runtime: WebSocketRuntime,
    management_api: ManagementApiServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    denials = iter(
        [
            ([(b"x-token", b"secret\r\nvalue")], b"no"),  # a header value HTTP cannot carry
            ([(b"content-type", b"text/plain")], b"x" * 6_291_556),  # larger than Lambda takes
        ]
    )

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        headers, body = next(denials)
        await send({"type": "websocket.http.response.start", "status": 401, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})

    container = containers(app)
    assert Client(container.invoke, management_api).connect() == {"statusCode": 500}
    assert (
        "unusable response: the app's response does not fit WebSocketResponse: headers.x-token" in caplog.text
    )
    assert "secret" not in caplog.text
    assert Client(container.invoke, management_api).connect() == {"statusCode": 500}
    assert "unusable response: the response exceeds the 6,291,556-byte limit" in caplog.text
    assert table_items(runtime.store) == {}


def test_accept_headers_are_answered(containers: Containers, management_api: ManagementApiServer) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept", "subprotocol": "v1", "headers": [(b"x-session", b"abc")]})

    assert Client(containers(app).invoke, management_api).connect() == {
        "statusCode": 200,
        "headers": {"x-session": "abc", "Sec-WebSocket-Protocol": "v1"},
    }


def test_the_app_refusing_a_replayed_connect_closes_the_connection(
    containers: Containers, runtime: WebSocketRuntime, management_api: ManagementApiServer
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        if scope["mangum.event"].event_type == "CONNECT":
            await send(ACCEPT)
        else:
            await send({"type": "websocket.close", "code": 4001})
            with pytest.raises(ClientDisconnected):
                await send({"type": "websocket.send", "text": "after close"})

    client = connected(containers(app), management_api)

    assert client.send("x") == {"statusCode": 200}

    assert not client.live
    assert client.received == []
    assert table_items(runtime.store) == {}


def test_a_store_failure_is_500_and_logged(
    dynalite_endpoint: str, management_api: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    missing = websocket_settings(
        table=f"missing-{uuid.uuid4().hex}",
        dynamodb_endpoint=dynalite_endpoint,
        api_endpoint=management_api.endpoint("prod"),
    )
    app = Echo()

    with Container(app, WebSocketRuntime(missing)) as container:
        assert Client(container.invoke, management_api).connect() == {"statusCode": 500}
        assert "put_connection failed: ResourceNotFoundException" in caplog.text
        caplog.clear()

        assert container.invoke(message_raw(connection_id(), "x")) == {"statusCode": 500}
    assert "get_connection failed: ResourceNotFoundException" in caplog.text
    assert [message["type"] for message in app.received] == ["websocket.connect"]


def test_a_management_api_failure_is_500_and_logged(
    containers: Containers,
    runtime: WebSocketRuntime,
    management_api: ManagementApiServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = connected(containers(Echo()), management_api)
    management_api.state.forbid(client.id)

    assert client.send("x") == {"statusCode": 500}

    assert "failed: ForbiddenException" in caplog.text
    assert runtime.store.get_connection(client.id) is not None


def test_an_invalid_binary_frame_is_400_without_a_read(
    containers: Containers, runtime: WebSocketRuntime, management_api: ManagementApiServer
) -> None:
    app = Echo()
    container = containers(app)
    client = connected(container, management_api)
    raw = message_raw(client.id, b"x")
    raw["body"] = "not base64!"

    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        assert container.invoke(raw) == {"statusCode": 400}

    assert requests.counts == {}


def test_an_app_that_does_not_accept_the_replayed_connect_misses_the_frame(
    containers: Containers, management_api: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        received.append((await receive())["type"])
        if scope["mangum.event"].event_type == "CONNECT":
            await send(ACCEPT)
        received.append((await receive())["type"])

    client = connected(containers(app), management_api)
    received.clear()

    assert client.send("x") == {"statusCode": 200}

    assert received == ["websocket.connect"]
    assert "did not accept the replayed connect" in caplog.text
