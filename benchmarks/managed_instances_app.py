"""The app of ``benchmarks/managed_instances.py``: an I/O-bound route (it awaits ``WAIT_SECONDS``,
as a request to a database or another service would) and one that answers at once."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum

WAIT_SECONDS = 0.05


async def wait(request: Request) -> PlainTextResponse:
    """Awaits :data:`WAIT_SECONDS`, then answers."""
    await asyncio.sleep(WAIT_SECONDS)
    return PlainTextResponse("waited")


async def fast(request: Request) -> PlainTextResponse:
    """Answers at once."""
    return PlainTextResponse("fast")


handler = Mangum(Starlette(routes=[Route("/wait", wait), Route("/fast", fast)]), lifespan="off")
