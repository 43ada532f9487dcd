"""Apps that end by raising their framework's disconnect exception have ended normally: the FastAPI
tutorial's endpoint (``WebSocketDisconnect`` out of ``receive_text``) answers 200 and logs at
debug level; an exception of the app's own after the disconnect is still a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

import pytest
from fastapi import FastAPI, WebSocket
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute

from mangum.adapter import Mangum
from mangum.local_context import LocalContext
from mangum.types import ASGI
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.client import Client
from tests.websocket.tables import table_items


def fastapi_tutorial() -> ASGI:
    """The first endpoint of FastAPI's WebSockets tutorial, as written there."""
    app = FastAPI()

    @app.websocket("/")
    async def websocket_endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        while True:
            data = await websocket.receive_text()
            await websocket.send_text(f"Message text was: {data}")

    return app


def starlette_echo() -> ASGI:
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        while True:
            await websocket.send_text(await websocket.receive_text())

    return Starlette(routes=[WebSocketRoute("/", echo)])


def starlette_broken_cleanup() -> ASGI:
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            raise KeyError("the room of a user who never joined one")

    return Starlette(routes=[WebSocketRoute("/", echo)])


def client_of(app: ASGI, settings: WebSocketSettings, management_api: ManagementApiServer) -> Client:
    return Client(partial(Mangum(app, websocket=settings), context=LocalContext()), management_api)


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "make_app", [fastapi_tutorial, starlette_echo], ids=["fastapi-tutorial", "starlette"]
)
def test_raising_websocket_disconnect_on_the_disconnect_is_a_normal_end(
    make_app: Callable[[], ASGI],
    settings: WebSocketSettings,
    management_api: ManagementApiServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = client_of(make_app(), settings, management_api)
    caplog.set_level(logging.DEBUG, logger="mangum.websocket")

    assert client.connect() == {"statusCode": 200}
    assert client.send("hello") == {"statusCode": 200}
    assert client.disconnect(code=1001, reason="Going away") == {"statusCode": 200}

    assert client.received[-1].endswith(b"hello")
    assert [record for record in problems(caplog) if "table" not in record.getMessage()] == []
    [ended] = [record for record in caplog.records if "ended on the disconnect" in record.getMessage()]
    assert ended.levelno == logging.DEBUG
    assert "WebSocketDisconnect" in ended.getMessage()
    assert table_items(ConnectionStore.from_settings(settings)) == {}


def test_a_send_to_a_gone_client_ending_the_app_is_a_normal_end(
    settings: WebSocketSettings, management_api: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_of(fastapi_tutorial(), settings, management_api)
    client.connect()
    client.leave_silently()  # the reply finds it gone: Starlette turns ClientDisconnected into 1006

    assert client.send("anyone?") == {"statusCode": 200}
    assert not any(record.levelno >= logging.ERROR for record in caplog.records)
    assert table_items(ConnectionStore.from_settings(settings)) == {}


def test_an_error_of_the_app_after_the_disconnect_is_still_a_500(
    settings: WebSocketSettings, management_api: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_of(starlette_broken_cleanup(), settings, management_api)
    client.connect()

    assert client.disconnect() == {"statusCode": 500}

    [logged] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert logged.exc_info is not None
    assert isinstance(logged.exc_info[1], KeyError)
    assert (
        table_items(ConnectionStore.from_settings(settings)) == {}
    )  # the connection is deleted all the same
