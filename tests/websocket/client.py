"""A WebSocket client as API Gateway sees it: each of its actions is one event through the cycle,
invoked in a :class:`Container` (a Lambda container: an app, a runtime and an event loop)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType

from pydantic import JsonValue

from mangum.config import Config
from mangum.types import ASGI, LambdaContext, LambdaEvent
from mangum.websocket.cycle import read_websocket_event, run_websocket_event
from mangum.websocket.runtime import WebSocketRuntime
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.factories import connect_raw, connection_id, disconnect_raw, message_raw


class Container:
    """One Lambda container: an app, its :class:`WebSocketRuntime` and the event loop every
    invocation runs on, one at a time. Close it (or use it as a context manager) when done."""

    def __init__(self, app: ASGI, runtime: WebSocketRuntime) -> None:
        self.app = app
        self.runtime = runtime
        self.loop = asyncio.new_event_loop()

    def invoke(
        self,
        raw: LambdaEvent,
        *,
        config: Config | None = None,
        state: dict[str, object] | None = None,
        context: LambdaContext | None = None,
    ) -> dict[str, object]:
        """One invocation with a raw event; returns the result as Lambda gets it."""
        event = read_websocket_event(raw)
        cycle = run_websocket_event(self.app, event, raw, context, config or Config(), state, self.runtime)
        return self.loop.run_until_complete(cycle)

    def close(self) -> None:
        """Close the event loop."""
        self.loop.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


Invoke = Callable[[LambdaEvent], dict[str, object]]
"""One invocation with a raw event, giving the result as Lambda gets it: :meth:`Container.invoke`,
or a ``Mangum`` handler with its context."""


class Client:
    """One client connection: ``connect`` / ``send`` / ``disconnect`` are invocations with its events.

    API Gateway opens the connection once CONNECT answered 200; the client then appears live on the
    loopback Management API, which records what is posted to it (:attr:`received`).
    """

    def __init__(self, invoke: Invoke, server: ManagementApiServer) -> None:
        self.invoke = invoke
        self.server = server
        self.id = connection_id()

    def connect(
        self,
        *,
        subprotocols: str | None = None,
        authorizer: dict[str, JsonValue] | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, object]:
        """The CONNECT invocation; the connection opens when it answers 200."""
        raw = connect_raw(
            self.id, subprotocols=subprotocols, authorizer=authorizer, query=query, headers=headers
        )
        result = self.invoke(raw)
        if result["statusCode"] == 200:
            self.server.state.open(self.id)
        return result

    def send(self, frame: str | bytes, *, route_key: str = "$default") -> dict[str, object]:
        """A MESSAGE invocation carrying one frame (bytes as a binary frame)."""
        return self.invoke(message_raw(self.id, frame, route_key=route_key))

    def disconnect(self, *, code: int = 1001, reason: str = "Going away") -> dict[str, object]:
        """The client leaves: the connection closes, then the DISCONNECT invocation."""
        self.server.state.mark_gone(self.id)
        return self.invoke(disconnect_raw(self.id, code=code, reason=reason))

    def leave_silently(self) -> None:
        """The client vanishes without a DISCONNECT event (API Gateway does not guarantee one)."""
        self.server.state.mark_gone(self.id)

    @property
    def received(self) -> list[bytes]:
        """Every frame posted to this client, in order."""
        return self.server.state.posted(self.id)

    @property
    def live(self) -> bool:
        """Whether API Gateway still holds the connection open."""
        return self.server.state.is_live(self.id)
