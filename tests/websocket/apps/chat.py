"""The chat both apps serve, on Starlette's ``WebSocket`` (FastAPI's is the same class).

The connection's query string names the user (``name``) and optionally a ``room`` joined at
CONNECT, whose members are told when the user leaves. Text frames are JSON commands:

- ``{"action": "echo", "text": t}``: ``t`` comes back.
- ``{"action": "join" | "leave", "group": g}``: membership changes, ``{"joined" | "left": g}`` comes back.
- ``{"action": "say", "group": g, "text": t}``: ``{"from": name, "text": t}`` is broadcast to ``g``,
  then ``{"delivered": n, "gone": m}`` comes back.
- ``{"action": "whoami"}``: what the scope says about the connection comes back.
- ``{"action": "quit"}``: the app closes the connection with code 4000.

Binary frames come back reversed.
"""

from __future__ import annotations

import json

from pydantic import JsonValue
from starlette.websockets import WebSocket

from mangum.events.websocket import WebSocketEvent
from mangum.websocket import EXTENSION_KEY
from mangum.websocket.api import WebSocketConnections

SUBPROTOCOL = "chat.v2"
QUIT_CODE = 4000


def connections_of(websocket: WebSocket) -> WebSocketConnections:
    """The connections API mangum puts in the scope."""
    connections = websocket.scope["extensions"][EXTENSION_KEY]
    assert isinstance(connections, WebSocketConnections)
    return connections


def _event(websocket: WebSocket, key: str) -> WebSocketEvent:
    event = websocket.scope[key]
    assert isinstance(event, WebSocketEvent)
    return event


def whoami(websocket: WebSocket, name: str) -> dict[str, JsonValue]:
    """What the app knows about the connection, from the scope alone."""
    authorizer = _event(websocket, "mangum.connect_event").request_context.authorizer
    return {
        "name": name,
        "principal": authorizer.principal_id if authorizer else None,
        "authorizer_context": authorizer.context() if authorizer else None,
        "route": _event(websocket, "mangum.event").request_context.route_key,
        "path": websocket.scope["path"],
        "root_path": websocket.scope["root_path"],
        "user_agent": websocket.headers.get("user-agent"),
        "client": websocket.client.host if websocket.client else None,
        "greeting": getattr(websocket.state, "greeting", None),
    }


async def _command(
    websocket: WebSocket, connections: WebSocketConnections, name: str, command: dict[str, str]
) -> bool:
    """Run one command; ``False`` once the connection is closed."""
    action = command["action"]
    if action == "echo":
        await websocket.send_text(command["text"])
    elif action == "join":
        connections.join(command["group"])
        await websocket.send_json({"joined": command["group"]})
    elif action == "leave":
        connections.leave(command["group"])
        await websocket.send_json({"left": command["group"]})
    elif action == "say":
        said = json.dumps({"from": name, "text": command["text"]})
        result = connections.broadcast(command["group"], said)
        await websocket.send_json({"delivered": len(result.delivered), "gone": len(result.gone)})
    elif action == "whoami":
        await websocket.send_json(whoami(websocket, name))
    elif action == "quit":
        await websocket.close(code=QUIT_CODE, reason="bye")
        return False
    else:
        await websocket.send_json({"error": f"unknown action {action!r}"})
    return True


async def serve(websocket: WebSocket, connections: WebSocketConnections, name: str, room: str | None) -> None:
    """Accept the connection (with the chat subprotocol when offered) and serve it."""
    offered = websocket.scope["subprotocols"]
    await websocket.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
    # The coroutine starts over on every event: once-per-connection work only on the real CONNECT.
    if room and _event(websocket, "mangum.event").event_type == "CONNECT":
        connections.join(room)
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            if room:
                connections.broadcast(room, f"{name} left ({message['code']} {message.get('reason', '')})")
            return
        if message.get("bytes") is not None:
            await websocket.send_bytes(message["bytes"][::-1])
        elif not await _command(websocket, connections, name, json.loads(message["text"])):
            return
