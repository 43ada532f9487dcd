"""A process for the shutdown-window tests: it serves one request through ``Mangum(app)`` (which
starts the app's lifespan), prints "ready", then waits on stdin until it is signalled.

Usage: python -m tests.faults.shutdown_process MODE, where MODE says what the app's lifespan
shutdown does: ``block`` (``time.sleep(30)``: it blocks its thread), ``hang`` (``await`` for 30 s)
or ``quick`` (finishes at once). ``block-chained`` blocks too, with a SIGTERM handler of the
process's own installed first, which exits with status 0 (so interpreter exit follows).
The lifespan prints "shutdown started" / "shutdown finished" on stderr.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import FrameType

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.local_context import LocalContext
from tests.support.http_events import v2_event

SECONDS = 30
ROOT = Path(__file__).resolve().parents[2]


def signalled(mode: str, bound: float) -> tuple[int, float, str]:
    """Start this process in ``mode``, send it SIGTERM once it is ready, and return its exit status,
    the seconds it took to end after the signal (it is killed after ``bound``), and its stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.shutdown_process", mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=bound)
        took = time.monotonic() - sent
        assert process.stderr is not None
        return status, took, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def main(mode: str) -> None:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        print("shutdown started", file=sys.stderr, flush=True)
        if mode.startswith("block"):
            time.sleep(SECONDS)  # noqa: ASYNC251  # on purpose: an app that blocks its thread
        elif mode == "hang":
            await asyncio.sleep(SECONDS)
        print("shutdown finished", file=sys.stderr, flush=True)

    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("home")

    def exit_cleanly(signum: int, frame: FrameType | None) -> None:
        sys.exit(0)

    if mode == "block-chained":
        signal.signal(signal.SIGTERM, exit_cleanly)
    handler = Mangum(Starlette(routes=[Route("/", home)], lifespan=lifespan))
    result = handler(v2_event("/"), LocalContext())
    print("ready" if result["statusCode"] == 200 else "failed", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1])
