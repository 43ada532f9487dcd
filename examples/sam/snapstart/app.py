"""The function of ``template.yaml``: a FastAPI app whose lifespan runs before the SnapStart snapshot.

What the lifespan builds (here a stand-in for a model or a large configuration, and an HTTP client)
is in the snapshot; the client's connections are not usable in a restored environment, so an
after-restore callback replaces the client, and gives the environment an id of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request

from mangum import Mangum
from mangum.snapstart import after_restore


def load_model() -> dict[str, int]:
    """Stands for what makes a cold start slow: a model, a large configuration, compiled templates."""
    return {word: len(word) for word in ("snap", "start", "lambda")}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    # With SnapStart this runs once per published version, before the snapshot; without it, with
    # the first request of each execution environment.
    # The certificates are loaded here, into the snapshot: a client built on them is cheap to renew
    # after a restore (loading them again would take about 50 ms of the restore).
    tls = httpx.create_ssl_context()
    http = httpx.AsyncClient(verify=tls, timeout=5)
    yield {"model": load_model(), "tls": tls, "http": http, "environment": uuid.uuid4().hex}
    await http.aclose()


app = FastAPI(title="mangum with SnapStart", lifespan=lifespan)


@after_restore
async def renew(state: dict[str, Any]) -> None:
    """After each restore, before the first request: a new client (the connections of its pool were
    opened before the snapshot), and an id of this environment's own (every environment restored
    from the snapshot would otherwise share the one the lifespan drew)."""
    await state["http"].aclose()
    state["http"] = httpx.AsyncClient(verify=state["tls"], timeout=5)
    state["environment"] = uuid.uuid4().hex


@app.get("/")
async def hello(request: Request) -> dict[str, object]:
    """A greeting, with the environment that answered and what the lifespan loaded."""
    return {
        "message": "Hello from mangum with SnapStart",
        "environment": request.state.environment,
        "model": request.state.model,
    }


handler = Mangum(app)
