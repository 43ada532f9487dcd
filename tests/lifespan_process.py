"""A process for the shutdown tests: it starts an application's lifespan, prints "ready", then
waits on stdin. Its lifespan writes "startup" and "shutdown" lines to the file named first.

Usage: python -m tests.lifespan_process OUT_FILE MODE, where MODE is one of
``default`` (no SIGTERM handler of its own), ``chain`` (a handler of its own installed first,
which writes "previous handler" and exits 0), ``ignore`` (SIGTERM ignored beforehand; each stdin
line then answers whether the lifespan still serves) or ``exit`` (returns at once).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

from starlette.applications import Starlette

from mangum.asgi.lifespan import lifespan_for, start
from mangum.exceptions import LifespanFailure


def main(out: Path, mode: str) -> None:
    def write(line: str) -> None:
        with out.open("a") as file:
            file.write(line + "\n")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        write("startup")
        yield
        write("shutdown")

    def previous_handler(signum: int, frame: FrameType | None) -> None:
        write("previous handler")
        sys.exit(0)

    if mode == "chain":
        signal.signal(signal.SIGTERM, previous_handler)
    elif mode == "ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)

    app_lifespan = lifespan_for(Starlette(lifespan=lifespan))
    start(app_lifespan)
    print("ready", flush=True)
    if mode == "exit":
        return
    for _ in sys.stdin:
        try:
            app_lifespan.request_state(required=True)
            print("serving", flush=True)
        except LifespanFailure:
            print("shut down", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
