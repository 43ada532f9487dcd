"""FastAPI's concurrency through the handler, whichever way each invocation runs on the container
loop (stepped, or by the loop when it waits): sync and async routes, BaseHTTPMiddleware, background
tasks, sleeps, streaming, and lifespan state, over many invocations in one process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import anyio.lowlevel
from fastapi import BackgroundTasks, FastAPI, Request, Response
from fastapi.responses import StreamingResponse
from starlette.middleware.base import BaseHTTPMiddleware

from mangum import Mangum
from tests.support.adapter import CONTEXT, body_of, status_of
from tests.support.http_events import v2_event

BACKGROUND: list[str] = []


def make_app() -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        yield {"greeting": "hello"}

    app = FastAPI(lifespan=lifespan)

    class Stamp(BaseHTTPMiddleware):
        async def dispatch(
            self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            response = await call_next(request)
            response.headers["x-stamped"] = "yes"
            return response

    app.add_middleware(Stamp)

    @app.get("/async")
    async def async_route(request: Request) -> dict[str, str]:
        return {"greeting": request.state.greeting, "library": anyio.get_current_task().name or ""}

    @app.get("/sync")
    def sync_route(request: Request) -> dict[str, str]:
        return {"greeting": request.state.greeting}

    @app.get("/sleep")
    async def sleep_route() -> dict[str, str]:
        await asyncio.sleep(0.005)
        await anyio.lowlevel.checkpoint()
        return {"slept": "yes"}

    @app.get("/background")
    async def background_route(tasks: BackgroundTasks) -> dict[str, str]:
        tasks.add_task(BACKGROUND.append, "ran")
        return {"queued": "yes"}

    @app.get("/stream")
    async def stream_route() -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for part in (b"a", b"b", b"c"):
                await asyncio.sleep(0)
                yield part

        return StreamingResponse(chunks(), media_type="text/plain")

    return app


def call(handler: Mangum, path: str) -> tuple[int, bytes, dict[str, str]]:
    result = handler(v2_event(path), CONTEXT)
    headers: dict[str, str] = result["headers"]
    return status_of(result), body_of(result), headers


def test_every_kind_of_route_answers_over_many_invocations() -> None:
    handler = Mangum(make_app())
    for _ in range(25):
        status, body, headers = call(handler, "/async")
        assert (status, json.loads(body)["greeting"], headers["x-stamped"]) == (200, "hello", "yes")
        status, body, _ = call(handler, "/sync")
        assert (status, json.loads(body)) == (200, {"greeting": "hello"})
        assert call(handler, "/sleep")[:2] == (200, b'{"slept":"yes"}')
        before = len(BACKGROUND)
        assert call(handler, "/background")[:2] == (200, b'{"queued":"yes"}')
        assert len(BACKGROUND) == before + 1
        assert call(handler, "/stream")[:2] == (200, b"abc")
