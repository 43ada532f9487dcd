"""Handlers for the runtime's concurrent invocations (``AWS_LAMBDA_MAX_CONCURRENCY``): a Starlette app
with async routes and a FastAPI app with sync and async ones.

The routes prove concurrency without timing anything: ``/together?n=N`` (and FastAPI's
``/sync/together``) answer once ``N`` requests are inside at the same time, which a runtime serving
one invocation at a time can never reach (they give up after :data:`PATIENCE` seconds and say so).
Each answer tells what the request saw: the invocation's request id and trace id as
:mod:`mangum.runtime.log` gives them, the context's request id, and the most requests the app had
inside at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.runtime.log import request_id, trace_id

PATIENCE = 20.0
"""Seconds a request waits for the others it expects before answering that it was alone."""

logger = logging.getLogger("tests.runtime.concurrent_apps")


class _Inside:
    """How many requests are inside the app now, and the most there were at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


inside = _Inside()
_reached = asyncio.Event()


def _seen(request: Request, together: bool) -> dict[str, Any]:
    context = request.scope["aws.context"]
    logger.warning("answering %s", request_id())
    return {
        "together": together,
        "peak": inside.peak,
        "request_id": request_id(),
        "context_request_id": context.aws_request_id,
        "trace_id": trace_id(),
        "environ_trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
        "state": id(request.state.shared) if hasattr(request.state, "shared") else None,
    }


async def together(request: Request) -> JSONResponse:
    """Wait until ``n`` requests are inside at once (or :data:`PATIENCE` passes)."""
    wanted = int(request.query_params.get("n", "2"))
    inside.enter()
    try:
        if inside.now >= wanted:
            _reached.set()
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(_reached.wait(), PATIENCE)
        await asyncio.sleep(0)  # let the others run between this one's steps
        return JSONResponse(_seen(request, _reached.is_set()))
    finally:
        inside.leave()


async def boom(request: Request) -> Response:
    """An application error."""
    raise LookupError("secret detail that must not reach the client")


async def forever(request: Request) -> Response:
    """Waits past any deadline."""
    await asyncio.sleep(3600)
    return Response("never")


async def block(request: Request) -> JSONResponse:
    """Blocks the event loop (the mistake the loop-lag watchdog reports)."""
    time.sleep(int(request.query_params.get("ms", "300")) / 1000)  # noqa: ASYNC251 - the point
    return JSONResponse({"request_id": request_id()})


async def chunks(request: Request) -> StreamingResponse:
    """A streamed body in ``count`` chunks, awaiting between them."""
    count = int(request.query_params.get("count", "3"))

    async def produce() -> AsyncIterator[bytes]:
        for number in range(count):
            await asyncio.sleep(0.01)
            yield f"{request_id()} {number}\n".encode()

    return StreamingResponse(produce(), media_type="text/plain")


async def stalls(request: Request) -> StreamingResponse:
    """A streamed body whose first chunk comes at once and whose second never does."""

    async def produce() -> AsyncIterator[bytes]:
        yield b"first\n"
        await asyncio.sleep(3600)
        yield b"never\n"

    return StreamingResponse(produce(), media_type="text/plain")


def _note(line: str) -> None:
    path = os.environ.get("RUNTIME_TEST_LIFESPAN_LOG")
    if path:
        with Path(path).open("a") as file:
            file.write(line + "\n")


@asynccontextmanager
async def _lifespan(app: object) -> AsyncIterator[dict[str, object]]:
    _note(f"startup {os.getpid()}")
    await asyncio.sleep(0.05)  # long enough for concurrent first invocations to find it starting
    yield {"shared": object()}
    _note(f"shutdown {os.getpid()}")


routes = [
    Route("/together", together),
    Route("/boom", boom),
    Route("/forever", forever),
    Route("/block", block),
    Route("/chunks", chunks),
    Route("/stalls", stalls),
]
starlette_app = Starlette(routes=routes, lifespan=_lifespan)
handler = Mangum(starlette_app, lifespan="on")
"""Buffered unless ``MANGUM_INVOKE_MODE`` says otherwise."""
streaming = Mangum(starlette_app, lifespan="on", invoke_mode="RESPONSE_STREAM")


fastapi_app = FastAPI(lifespan=_lifespan)
_barriers: dict[int, threading.Barrier] = {}
_barriers_lock = threading.Lock()


@fastapi_app.get("/sync/together")
def sync_together(request: Request, n: int = 2) -> dict[str, Any]:
    """A sync route (FastAPI runs it in a worker thread) that waits for ``n`` requests at once."""
    with _barriers_lock:
        barrier = _barriers.setdefault(n, threading.Barrier(n))
    inside.enter()
    try:
        try:
            barrier.wait(PATIENCE)
            met = True
        except threading.BrokenBarrierError:
            met = False
        return _seen(request, met)
    finally:
        inside.leave()


class _ThreadsSeen(threading.local):
    new = True


_threads_seen = _ThreadsSeen()
_new_threads = 0


@fastapi_app.get("/sync/thread")
def sync_thread() -> dict[str, int]:
    """How many worker threads have run sync routes so far (one more when this one is new)."""
    global _new_threads
    if _threads_seen.new:
        _threads_seen.new = False
        with _barriers_lock:
            _new_threads += 1
    return {"threads": _new_threads}


@fastapi_app.get("/async/together")
async def async_together(request: Request) -> Response:
    """The Starlette route, on FastAPI."""
    return await together(request)


fastapi_handler = Mangum(fastapi_app, lifespan="on")


def plain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A plain Lambda function: it runs on its lane's own thread."""
    return {"request_id": context.aws_request_id, "log_request_id": request_id(), "trace_id": trace_id()}
