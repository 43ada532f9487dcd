"""Median time of one ``Mangum(app)`` invocation per source, and what running the HTTP cycle on a
fresh event loop per call (``asyncio.run``) would cost instead of the reused container loop.

Run: ``.venv/bin/python -m benchmarks.adapter_invoke``. Prints medians in microseconds: ``adapter``
is the whole handler call on a minimal ASGI app (parse, scope, cycle, response), ``cycle`` the HTTP
cycle alone on the container loop, ``asyncio.run`` the same cycle on a new loop, and ``run/loop``
their ratio.
"""

from __future__ import annotations

import asyncio
import json
from functools import partial
from typing import Any

from benchmarks.response_build import EVENTS_DIR, SOURCES, median_microseconds, read
from mangum import Mangum
from mangum._asgi import loop, run_http_cycle
from mangum._http.scope import http_scope
from mangum.local_context import LocalContext
from mangum.types import HTTPScope, Receive, Scope, Send

BODY = json.dumps({"items": [{"id": index, "name": f"item {index}"} for index in range(40)]}).encode()
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """A minimal app: reads the request, answers a fixed JSON body."""
    if scope["type"] != "http":
        return
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    """Print one line per source."""
    handler = Mangum(app, lifespan="off")
    context = LocalContext()
    print(f"{'source':<10} {'adapter us':>10} {'cycle us':>9} {'asyncio.run us':>15} {'run/loop':>9}")
    for source, path in SOURCES.items():
        raw: dict[str, Any] = json.loads((EVENTS_DIR / path).read_text())
        scope = http_scope(read(raw).request, raw, context, handler.config)
        whole = median_microseconds(partial(handler, raw, context))
        on_loop = median_microseconds(partial(_cycle_on_container_loop, scope))
        fresh = median_microseconds(partial(_cycle_on_fresh_loop, scope))
        print(f"{source:<10} {whole:>10.1f} {on_loop:>9.1f} {fresh:>15.1f} {fresh / on_loop:>9.1f}")


def _cycle_on_container_loop(scope: HTTPScope) -> None:
    loop.run(run_http_cycle(app, scope.copy(), b""))


def _cycle_on_fresh_loop(scope: HTTPScope) -> None:
    asyncio.run(run_http_cycle(app, scope.copy(), b""))


if __name__ == "__main__":
    main()
