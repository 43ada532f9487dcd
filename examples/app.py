"""A small FastAPI app, served on Lambda by ``handler = Mangum(app)``.

Try it locally with a sample event::

    python -m mangum invoke examples.app:app --event examples/events/api_gateway_v2.json
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI, HTTPException, Request, Response

from mangum import Mangum

PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
"""A 1x1 PNG image."""


class Catalogue(TypedDict):
    """What the lifespan shares with every request (``request.state``)."""

    items: dict[int, str]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[Catalogue]:
    # Runs once per Lambda container, on its first invocation; a real app would open a pool here.
    yield {"items": {1: "hammer", 2: "saw", 3: "level"}}


app = FastAPI(title="mangum example", lifespan=lifespan)


@app.get("/")
def home(request: Request) -> dict[str, str]:
    """A JSON greeting, and where the app is mounted."""
    return {"message": "Hello from mangum", "root_path": request.scope.get("root_path", "")}


@app.get("/items/{item_id}")
def item(item_id: int, request: Request, q: str | None = None) -> dict[str, object]:
    """One item of the catalogue the lifespan loaded."""
    items: dict[int, str] = request.state.items
    if item_id not in items:
        raise HTTPException(status_code=404, detail="no such item")
    return {"id": item_id, "name": items[item_id], "q": q}


@app.get("/pixel.png")
def pixel() -> Response:
    """A binary response (base64 in the Lambda result)."""
    return Response(PIXEL_PNG, media_type="image/png")


@app.get("/cookies")
def cookies() -> Response:
    """A response setting two cookies."""
    response = Response('{"cookies": 2}', media_type="application/json")
    response.set_cookie("theme", "dark")
    response.set_cookie("session", "abc123", httponly=True, secure=True)
    return response


handler = Mangum(app)
