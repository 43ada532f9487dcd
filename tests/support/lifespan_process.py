"""A process for the shutdown tests: it serves one request through ``Mangum(app)`` (which starts
the app's lifespan), prints "ready", then waits on stdin. The lifespan writes "startup" and
"shutdown" lines to the file named first.

Usage: python -m tests.support.lifespan_process OUT_FILE MODE, where MODE is one of
``default`` (no SIGTERM handler of its own), ``chain`` (a handler of its own installed first,
which writes "previous handler" and exits 0), ``ignore`` (SIGTERM ignored beforehand; each stdin
line is then served as a request and its status printed, or the
LifespanFailure it raised), ``exit`` (returns at once) or ``unimportable`` (as ``default``, but the
shutdown window's module can no longer be imported, as while the interpreter ends).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.exceptions import LifespanFailure
from mangum.local_context import LocalContext
from tests.support.http_events import v2_event


def main(out: Path, mode: str) -> None:
    def write(line: str) -> None:
        with out.open("a") as file:
            file.write(line + "\n")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        write("startup")
        yield
        write("shutdown")

    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("home")

    def previous_handler(signum: int, frame: FrameType | None) -> None:
        write("previous handler")
        sys.exit(0)

    if mode == "chain":
        signal.signal(signal.SIGTERM, previous_handler)
    elif mode == "ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    handler = Mangum(Starlette(routes=[Route("/", home)], lifespan=lifespan))
    result = handler(v2_event("/"), LocalContext())
    if mode == "unimportable":
        sys.modules["mangum._asgi.shutdown"] = None  # type: ignore[assignment]  # import now raises
    print("ready" if result["statusCode"] == 200 else "failed", flush=True)
    if mode == "exit":
        return
    for _ in sys.stdin:
        try:
            print(handler(v2_event("/"), LocalContext())["statusCode"], flush=True)
        except LifespanFailure:
            print("LifespanFailure", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
