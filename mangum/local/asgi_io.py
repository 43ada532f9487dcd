"""Reading a request body and sending a whole response, for the gateway's ASGI handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum.local.results import HttpAnswer

if TYPE_CHECKING:
    from mangum.types import Receive, Send


class RequestTooLarge(Exception):
    """The request body passed the source's limit."""


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole request body; raises :class:`RequestTooLarge` past ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge()
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


async def respond(send: Send, answer: HttpAnswer) -> None:
    """Send a whole response, with one ``Content-Length``: the body's (a function's own is dropped,
    as API Gateway replaces it; two would make clients check both)."""
    headers = [pair for pair in answer.headers if pair[0] != b"content-length"]
    headers.append((b"content-length", b"%d" % len(answer.body)))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
