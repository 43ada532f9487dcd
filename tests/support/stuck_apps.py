"""Apps stuck in each way an app can be at the invocation's deadline: waiting forever, swallowing
its cancellation, blocking the thread, burning the CPU (the deadline tests and
``benchmarks/http_deadlines.py``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from mangum.types import Receive, Scope, Send


async def answer(send: Send, body: bytes = b"ok") -> None:
    """A 200 plain-text response."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


class Misbehaving:
    """An app that misbehaves on ``/stuck`` in the way given, and answers at once elsewhere;
    ``unwound`` tells whether its ``finally`` block ran."""

    def __init__(self, stuck: Callable[[], object]) -> None:
        self.stuck = stuck
        self.unwound = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/stuck":
            try:
                result = self.stuck()
                if asyncio.iscoroutine(result):
                    await result
            finally:
                self.unwound = True
        await answer(send)


async def wait_forever() -> None:
    """Waits on an event nobody sets."""
    await asyncio.Event().wait()


async def swallow_cancellation() -> None:
    """Carries on for half a second once cancelled, well past the grace it is given."""
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        await asyncio.sleep(0.5)


def block() -> None:
    """Blocks the thread for a minute (sync code called from async code)."""
    time.sleep(60)


def busy() -> None:
    """Burns the CPU forever."""
    while True:
        pass
