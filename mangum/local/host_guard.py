"""The ``Host`` check of ``serve``: only requests that name the server itself are answered.

A page on any web site can make a browser send requests to ``127.0.0.1:3000`` under a name of its
own (DNS rebinding: ``evil.example`` resolved first to the site, then to loopback). Such a request
carries ``Host: evil.example``, so refusing every name but the server's own stops it, as the
development servers of web frameworks do. The server's own names are ``127.0.0.1``, ``localhost``,
``[::1]``, the ``--host`` address, and any added with ``--allow-host``; the port is not checked.
HTTP requests with another name get ``421 Misdirected Request``, WebSocket handshakes too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mangum.types import Receive, Scope, Send

logger = logging.getLogger("mangum.serve")

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
"""The names every ``serve`` answers to."""
MISDIRECTED = 421


def host_name(authority: str) -> str:
    """The name in a ``Host`` value, lower-cased, without its port, brackets or a final dot."""
    text = authority.strip().lower()
    if text.startswith("["):
        return text[1:].partition("]")[0]
    name = text.rpartition(":")[0] if text.count(":") == 1 else text
    return name.rstrip(".")


class HostGuard:
    """The names a ``serve`` bound to ``host`` answers to (see the module docs)."""

    def __init__(self, host: str, allowed: Iterable[str] = ()) -> None:
        names = {*LOOPBACK_NAMES, host, *allowed}
        self.names = frozenset(host_name(f"[{name}]" if ":" in name else name) for name in names if name)

    def allows(self, scope: Scope) -> bool:
        """Whether the request's ``Host`` is one of the server's names (no ``Host``: HTTP/1.0, allowed)."""
        for name, value in scope["headers"]:
            if name.lower() == b"host":
                return host_name(value.decode("latin-1")) in self.names
        return True

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a request for another name: 421, for HTTP and WebSocket handshakes alike."""
        if scope["type"] == "websocket":
            await receive()  # websocket.connect: the handshake is then refused with this answer
        host = next((value for name, value in scope["headers"] if name.lower() == b"host"), b"")
        logger.warning(
            "refused a %s request for Host %r: not a name of this server (add it with --allow-host)",
            scope["type"],
            host.decode("latin-1")[:100],
        )
        body = b"Misdirected Request: this server does not answer to that Host (see --allow-host)\n"
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        prefix = "websocket.http" if scope["type"] == "websocket" else "http"
        await send({"type": f"{prefix}.response.start", "status": MISDIRECTED, "headers": headers})
        await send({"type": f"{prefix}.response.body", "body": body})
