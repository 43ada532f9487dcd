"""The server-sent events app of the streaming figures in ``benchmarks/runtime_loop.py``:
``count`` events, ``delay`` seconds apart (both from the query string)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from mangum import Mangum


async def _events(count: int, delay: float) -> AsyncIterator[bytes]:
    for number in range(count):
        if number:
            await asyncio.sleep(delay)
        yield f"id: {number}\ndata: token {number}\n\n".encode()


async def events(request: Request) -> StreamingResponse:
    """The event stream."""
    count = int(request.query_params.get("count", "10"))
    delay = float(request.query_params.get("delay", "0.02"))
    return StreamingResponse(_events(count, delay), media_type="text/event-stream")


handler = Mangum(Starlette(routes=[Route("/events", events)]), lifespan="off")
"""Streams or buffers as ``MANGUM_INVOKE_MODE`` says."""
