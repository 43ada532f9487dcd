"""The handler module of ``benchmarks/snapstart_restore.py``: a FastAPI app whose lifespan startup
takes 0.3 s (standing for loading a model or opening a pool), and an after-restore callback that
renews what the lifespan opened. With ``BENCH_WARM_ROUTES`` set, the app also calls its route in a
before-snapshot hook of its own."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request

from mangum import Mangum
from mangum.snapstart import after_restore

STARTUP_SECONDS = 0.3


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    await asyncio.sleep(STARTUP_SECONDS)
    # The certificates are loaded once, into the snapshot: a client built on them is cheap to renew.
    tls = httpx.create_ssl_context()
    client = httpx.AsyncClient(verify=tls)
    yield {"tls": tls, "client": client, "items": {str(number): number * number for number in range(100)}}
    await client.aclose()


app = FastAPI(lifespan=lifespan)


@app.get("/items/{item}")
async def read_item(item: str, request: Request) -> dict[str, object]:
    return {"item": item, "value": request.state.items.get(item)}


@after_restore
async def renew_client(state: dict[str, Any]) -> None:
    await state["client"].aclose()
    state["client"] = httpx.AsyncClient(verify=state["tls"])


if os.environ.get("BENCH_WARM_ROUTES"):
    from snapshot_restore_py import register_before_snapshot  # type: ignore[import-untyped]  # untyped

    from mangum.local_context import LocalContext
    from tests.support.http_events import v2_event

    # Registered before Mangum(app), so it runs after the adapter's hook (reverse order): the
    # lifespan has started, and FastAPI's first-call work on the route goes into the snapshot.
    def call_the_route() -> None:
        handler(v2_event("/items/1"), LocalContext())

    register_before_snapshot(call_the_route)


handler = Mangum(app)
