"""Small raw ASGI apps for the compatibility tests: each answers with a fixed response and keeps
the scope it was called with."""

from __future__ import annotations

from mangum.types import Receive, Scope, Send

RawHeaders = list[tuple[bytes, bytes]]


class Responding:
    """Answers every HTTP request with ``status``, ``headers`` and ``body``; ``scopes`` records the
    scopes it saw. Lifespan scopes are returned from at once (no lifespan support)."""

    def __init__(self, status: int = 200, headers: RawHeaders | None = None, body: bytes = b"Hello, world!"):
        self.status = status
        self.headers: RawHeaders = (
            [(b"content-type", b"text/plain; charset=utf-8")] if headers is None else headers
        )
        self.body = body
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.scopes.append(scope)
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})
