"""The function of ``template.yaml``: a FastAPI WebSocket chat, one function for every route.

Clients connect to ``wss://{api}.execute-api.{region}.amazonaws.com/{stage}?name=ann`` and join
the lobby. Every text frame is broadcast to the lobby as ``{"from": name, "text": ...}``. A client
that closes its connection is announced as ``{"left": name}``; ``/quit`` closes the connection from
the server's side, without an announcement: the app closing it deletes its record, so the
``$disconnect`` that follows does not run the app (see docs/websocket.md).

Each frame is one Lambda invocation that runs ``chat`` from the top (see docs/websocket.md): what
must outlive a message lives in the connections table (the lobby membership), never in locals.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from mangum import Mangum
from mangum.websocket import EXTENSION_KEY

if TYPE_CHECKING:
    from mangum.websocket import WebSocketConnections

LOBBY = "lobby"
QUIT = "/quit"

app = FastAPI(title="mangum chat")


@app.websocket("/")
async def chat(websocket: WebSocket, name: str = "anonymous") -> None:
    """Join the lobby on connect, broadcast each frame, announce the departure."""
    connections: WebSocketConnections = websocket.scope["extensions"][EXTENSION_KEY]
    await websocket.accept()
    if websocket.scope["mangum.event"].event_type == "CONNECT":
        connections.join(LOBBY)  # once per connection: the coroutine starts over on every event
    try:
        while True:
            text = await websocket.receive_text()
            if text == QUIT:
                await websocket.close()
                return
            connections.broadcast(LOBBY, json.dumps({"from": name, "text": text}))
    except WebSocketDisconnect:
        connections.broadcast(LOBBY, json.dumps({"left": name}))


handler = Mangum(app)
