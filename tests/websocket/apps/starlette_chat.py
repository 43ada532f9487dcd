"""The chat (see :mod:`tests.websocket.apps.chat`) as a Starlette app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from mangum.types import ASGI
from tests.websocket.apps.chat import connections_of, serve

POLICY_VIOLATION = 1008


async def chat(websocket: WebSocket) -> None:
    """``?deny=1`` answers 401 through the denial extension; no ``name`` closes before accepting."""
    params = websocket.query_params
    if params.get("deny"):
        await websocket.send_denial_response(PlainTextResponse("banned", status_code=401))
        return
    name = params.get("name")
    if not name:
        await websocket.close(code=POLICY_VIOLATION)
        return
    await serve(websocket, connections_of(websocket), name, params.get("room"))


def make_app() -> ASGI:
    """A fresh app."""
    return Starlette(routes=[WebSocketRoute("/", chat)])
