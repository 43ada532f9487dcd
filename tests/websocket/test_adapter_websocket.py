"""``Mangum(app)`` serving WebSocket events end to end: the same handler as for HTTP."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from mangum.adapter import Mangum
from mangum.exceptions import ConfigurationError, LifespanFailure
from mangum.local_context import LocalContext
from mangum.types import ASGI, LambdaEvent, Receive, Scope, Send
from mangum.websocket.settings import WebSocketSettings
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.apps import fastapi_chat, starlette_chat
from tests.websocket.apps.chat import SUBPROTOCOL, connections_of
from tests.websocket.client import Client
from tests.websocket.factories import connect_raw, connection_id
from tests.websocket.tables import table_items

CONTEXT = LocalContext()


def handled_by(handler: Mangum) -> Callable[[LambdaEvent], dict[str, object]]:
    return partial(handler, context=CONTEXT)


@pytest.mark.parametrize("make_app", [starlette_chat.make_app, fastapi_chat.make_app])
def test_a_chat_through_the_handler(
    settings: WebSocketSettings, management_api: ManagementApiServer, make_app: Callable[[], ASGI]
) -> None:
    handler = Mangum(make_app(), websocket=settings)
    ann, bob = Client(handled_by(handler), management_api), Client(handled_by(handler), management_api)

    assert ann.connect(query={"name": "ann", "room": "hall"}, subprotocols=SUBPROTOCOL) == {
        "statusCode": 200,
        "headers": {"Sec-WebSocket-Protocol": SUBPROTOCOL},
    }
    assert bob.connect(query={"name": "bob", "room": "hall"}) == {"statusCode": 200}
    assert ann.send(json.dumps({"action": "say", "group": "hall", "text": "hi"})) == {"statusCode": 200}
    assert bob.send(b"\x01\x02") == {"statusCode": 200}
    assert bob.disconnect(code=1000, reason="done") == {"statusCode": 200}

    said = json.dumps({"from": "ann", "text": "hi"}).encode()
    assert ann.received == [said, b'{"delivered":2,"gone":0}', b"bob left (1000 done)"]
    assert bob.received == [said, b"\x02\x01"]
    assert set(table_items_of(settings)) == {(f"conn#{ann.id}", "record"), ("group#hall", f"conn#{ann.id}")}


def table_items_of(settings: WebSocketSettings) -> dict[tuple[str, str], object]:
    from mangum.websocket.stores.dynamodb import ConnectionStore

    return dict(table_items(ConnectionStore.from_settings(settings)))


def test_settings_come_from_the_environment(
    settings: WebSocketSettings, management_api: ManagementApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.dynamodb_endpoint is not None
    assert settings.api_endpoint is not None
    monkeypatch.setenv("MANGUM_WEBSOCKET_TABLE", settings.table)
    monkeypatch.setenv("MANGUM_DYNAMODB_ENDPOINT", settings.dynamodb_endpoint)
    monkeypatch.setenv("MANGUM_WEBSOCKET_API_ENDPOINT", settings.api_endpoint)
    ann = Client(handled_by(Mangum(starlette_chat.make_app())), management_api)

    assert ann.connect(query={"name": "ann"}) == {"statusCode": 200}
    ann.send(json.dumps({"action": "echo", "text": "from the environment"}))

    assert ann.received == [b"from the environment"]
    assert set(table_items_of(settings)) == {(f"conn#{ann.id}", "record")}


def test_a_missing_table_setting_fails_the_websocket_event_not_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MANGUM_WEBSOCKET_TABLE", raising=False)
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    with pytest.raises(ConfigurationError, match="MANGUM_WEBSOCKET_TABLE"):
        Mangum(app)(connect_raw(connection_id()), CONTEXT)
    assert seen == []


def test_the_runtime_is_built_once_and_lifespan_state_reaches_the_scope(
    settings: WebSocketSettings, management_api: ManagementApiServer
) -> None:
    stores: list[object] = []

    async def endpoint(websocket: WebSocket) -> None:
        stores.append(connections_of(websocket).store)
        await websocket.accept()
        await websocket.receive_text()
        context = websocket.scope["aws.context"]
        await websocket.send_text(f"{websocket.state.greeting} {context.function_name}")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        yield {"greeting": "hello from"}

    handler = Mangum(Starlette(routes=[WebSocketRoute("/", endpoint)], lifespan=lifespan), websocket=settings)
    client = Client(handled_by(handler), management_api)

    client.connect()
    client.send("x")
    client.send("y")

    assert client.received == [b"hello from local-function"] * 2
    assert len(stores) == 3
    assert stores[0] is stores[1] is stores[2]
    assert len(table_items_of(settings)) == 1


def test_a_failed_lifespan_startup_raises_before_the_app_or_the_store_is_reached(
    settings: WebSocketSettings, management_api: ManagementApiServer
) -> None:
    reached: list[str] = []

    async def endpoint(websocket: WebSocket) -> None:
        reached.append("endpoint")
        await websocket.accept()

    database: dict[str, str] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        yield {"url": database["url"]}  # KeyError: the database is not configured

    handler = Mangum(Starlette(routes=[WebSocketRoute("/", endpoint)], lifespan=lifespan), websocket=settings)
    client = Client(handled_by(handler), management_api)
    # In "auto" mode too, as PyPI mangum raises for a failed startup.
    with pytest.raises(LifespanFailure, match="KeyError"):
        client.connect()
    assert reached == []
    assert table_items_of(settings) == {}


def test_websocket_settings_are_checked_when_the_handler_is_made() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        pass

    with pytest.raises(ConfigurationError, match="websocket must be WebSocketSettings"):
        Mangum(app, websocket={"table": "chat"})  # type: ignore[arg-type]  # the mistake under test


def test_a_message_app_blocking_the_thread_is_interrupted_answered_500_and_the_connection_kept(
    settings: WebSocketSettings, management_api: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    async def blocks_on_hang(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        message = await receive()
        if message.get("text") == "hang":
            time.sleep(30)  # noqa: ASYNC251  # the fault under test: no event loop can cancel it
        await send({"type": "websocket.send", "text": "fine"})

    handler = Mangum(blocks_on_hang, lifespan="off", websocket=settings, deadline_margin=0.6)
    client = Client(lambda raw: handler(raw, LocalContext(timeout_ms=1500)), management_api)
    client.connect()

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="mangum"):
        assert client.send("hang") == {"statusCode": 500}
    assert time.monotonic() - started < 1.5, "answered after Lambda's deadline"
    assert "blocking the thread at" in caplog.text
    assert "in blocks_on_hang" in caplog.text
    # The cleanup after the app was not interrupted: the connection is still there, and served.
    assert client.send("next") == {"statusCode": 200}
    assert client.received == [b"fine"]
