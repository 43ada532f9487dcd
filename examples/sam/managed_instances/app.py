"""The function of ``template.yaml``: a FastAPI app written for many requests at once in one process.

- ``/orders/{id}`` awaits its I/O (an ``httpx.AsyncClient`` opened once by the lifespan and shared
  by every request in flight), so the other invocations go on meanwhile;
- ``/report`` is a sync route: FastAPI runs it in a worker thread, so its blocking work does not
  stall the event loop that every invocation shares;
- every log line carries the request id of the invocation that wrote it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request

from mangum import Mangum

logger = logging.getLogger("orders")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    # Once per process, shared by every invocation in flight (as under uvicorn).
    async with httpx.AsyncClient(timeout=5.0) as client:
        yield {"client": client}


app = FastAPI(title="mangum on Lambda Managed Instances", lifespan=lifespan)


@app.get("/orders/{order_id}")
async def order(order_id: str, request: Request) -> dict[str, object]:
    """Awaits an upstream service with the shared client."""
    client: httpx.AsyncClient = request.state.client
    logger.info("looking up order %s", order_id)
    upstream = await client.get("https://checkip.amazonaws.com/")
    return {"order": order_id, "upstream_status": upstream.status_code}


@app.get("/report")
def report() -> dict[str, float]:
    """Blocking work, in a worker thread (a sync route): the loop keeps serving the others."""
    started = time.perf_counter()
    time.sleep(0.2)  # stands for a synchronous driver or a CPU-bound step
    return {"seconds": round(time.perf_counter() - started, 3)}


handler = Mangum(app)
