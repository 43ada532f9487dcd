"""The function of ``template.yaml``: a FastAPI app whose ``/events`` route streams server-sent events.

With ``MANGUM_INVOKE_MODE=RESPONSE_STREAM`` (set in the template) and ``python -m mangum.runtime`` as
the runtime, each event reaches the browser when it is yielded, through the Function URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from mangum import Mangum

app = FastAPI(title="mangum streaming")


async def _ticks(count: int, delay: float) -> AsyncIterator[str]:
    for number in range(1, count + 1):
        if number > 1:
            await asyncio.sleep(delay)
        yield f"id: {number}\nevent: tick\ndata: tick {number} of {count}\n\n"


@app.get("/events")
def events(count: int = 5, delay: float = 1.0) -> StreamingResponse:
    """``count`` server-sent events, ``delay`` seconds apart."""
    return StreamingResponse(
        _ticks(count, delay), media_type="text/event-stream", headers={"cache-control": "no-cache"}
    )


@app.get("/")
def hello() -> dict[str, str]:
    """A plain JSON answer: streamed too, in one piece."""
    return {"message": "Hello from mangum", "events": "/events"}


handler = Mangum(app)
