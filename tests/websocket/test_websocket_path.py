"""``Mangum(app, websocket_path=...)``: the path a FastAPI app sees for WebSocket connections, so an
app whose route is ``@app.websocket("/ws")`` deploys unchanged; a refusal says what went wrong."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi import FastAPI, WebSocket

from mangum import Mangum
from mangum.exceptions import ConfigurationError
from mangum.local_context import LocalContext
from mangum.types import Receive, Scope, Send
from mangum.websocket.settings import websocket_settings
from tests.websocket.factories import connect_raw, connection_id, message_raw


def _app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.receive_text()

    return app


def _handler(tmp_path: Path, **options: str) -> Mangum:
    settings = websocket_settings(sqlite_path=str(tmp_path / "connections.db"), region="us-east-1")
    return Mangum(_app(), lifespan="off", websocket=settings, **options)  # type: ignore[arg-type]  # only websocket_path


def test_a_route_at_ws_is_reached_with_websocket_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handler = _handler(tmp_path, websocket_path="/ws")
    connection = connection_id()

    with caplog.at_level(logging.WARNING, logger="mangum.websocket"):
        assert handler(connect_raw(connection), LocalContext())["statusCode"] == 200

    assert handler.config.websocket_path == "/ws"
    assert not [record for record in caplog.records if "refused" in record.getMessage()]
    # The record written on CONNECT serves the MESSAGE: the route is found again there.
    assert handler(message_raw(connection, "hi"), LocalContext()) == {"statusCode": 200}


def test_without_it_the_refusal_names_the_path_and_the_option(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handler = _handler(tmp_path)
    connection = connection_id()

    with caplog.at_level(logging.WARNING, logger="mangum.websocket"):
        assert handler(connect_raw(connection), LocalContext()) == {"statusCode": 403}

    (line,) = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert connection in line
    assert "closed it before accepting it at path '/'" in line
    assert "websocket_path" in line


def test_the_scope_path_is_the_stage_plus_websocket_path(tmp_path: Path) -> None:
    seen: list[tuple[str, str, bytes]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "websocket"
        seen.append((scope["root_path"], scope["path"], scope["raw_path"]))
        await send({"type": "websocket.close"})

    settings = websocket_settings(sqlite_path=str(tmp_path / "c.db"), region="us-east-1")
    handler = Mangum(app, lifespan="off", websocket=settings, websocket_path="chat/café")
    handler(connect_raw(connection_id()), LocalContext())

    assert seen == [("/prod", "/prod/chat/café", b"/prod/chat/caf%C3%A9")]


@pytest.mark.parametrize("value", [7, "/ws?x=1", "/w s", "/ws#top"])
def test_a_bad_websocket_path_is_refused(value: object) -> None:
    with pytest.raises(ConfigurationError, match="websocket_path"):
        Mangum(_app(), websocket_path=value)  # type: ignore[arg-type]  # the point is a bad value
