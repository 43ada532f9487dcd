"""The chat (see :mod:`tests.websocket.apps.chat`) as a FastAPI app: query parameters validated by
FastAPI (no ``name`` makes FastAPI itself close before accepting), the connections API injected."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, WebSocket
from fastapi.responses import PlainTextResponse

from mangum.types import ASGI
from mangum.websocket.api import WebSocketConnections
from tests.websocket.apps.chat import connections_of, serve


def make_app() -> ASGI:
    """A fresh app."""
    app = FastAPI()

    @app.websocket("/")
    async def chat(
        websocket: WebSocket,
        connections: Annotated[WebSocketConnections, Depends(connections_of)],
        name: str,
        room: str | None = None,
        deny: bool = False,
    ) -> None:
        if deny:
            await websocket.send_denial_response(PlainTextResponse("banned", status_code=401))
            return
        await serve(websocket, connections, name, room)

    return app
