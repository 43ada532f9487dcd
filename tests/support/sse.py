"""A server-sent events stream that waits on a loopback "gate" between events, so that a test
decides when each next event may go (the streaming tests of the runtime and of serve)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request


async def _gate(request: Request) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    port = request.query_params.get("gate")
    if port is None:
        return None
    return await asyncio.open_connection("127.0.0.1", int(port))


async def gated_events(request: Request) -> AsyncIterator[bytes]:
    """Server-sent events (``?count=``, default 3, each padded by ``?size=`` dots); before each
    event after the first it reads one byte from the gate (``?gate=PORT`` on loopback), and it
    raises before event ``?fail_at=``."""
    count = int(request.query_params.get("count", "3"))
    size = int(request.query_params.get("size", "0"))
    gate = await _gate(request)
    try:
        for number in range(count):
            if number and gate is not None:
                await gate[0].readexactly(1)
            if request.query_params.get("fail_at") == str(number):
                raise RuntimeError(f"failed before event {number}")
            yield f"id: {number}\ndata: event {number}{'.' * size}\n\n".encode()
    finally:
        if gate is not None:
            gate[1].close()
