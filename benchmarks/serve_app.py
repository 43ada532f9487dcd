"""The app ``benchmarks/serve.py`` measures: one JSON route and a WebSocket echo, behind ``Mangum``."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from mangum import Mangum


async def item(request: Request) -> JSONResponse:
    """A small JSON answer."""
    return JSONResponse({"id": request.path_params["item_id"], "q": request.query_params.get("q")})


async def echo(websocket: WebSocket) -> None:
    """Accept (every event replays the connect), then send each frame back to its sender."""
    await websocket.accept()
    if websocket.scope["mangum.event"].event_type == "MESSAGE":
        await websocket.send_text(await websocket.receive_text())


app = Starlette(routes=[Route("/items/{item_id}", item), WebSocketRoute("/", echo)])
handler = Mangum(app, lifespan="off")
