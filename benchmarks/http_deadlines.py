"""Figures for docs/lifespan.md#the-invocations-deadline: how an HTTP invocation whose app is stuck
fares against the deadline (Lambda's remaining time minus the margin), and whether the next
invocation on the same container is served as usual.

Each stuck app runs through ``Mangum`` in this process, as Lambda runs it (the handler on the main
thread, one container loop), with a context that tells ``LAMBDA_TIMEOUT_MS`` left and the default
500 ms margin; figures are medians of ``RUNS`` runs.

    .venv/bin/python -m benchmarks.http_deadlines
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable

from fastapi import FastAPI

from mangum import Mangum
from mangum.local_context import LocalContext
from mangum.types import ASGI
from tests.support.http_events import v2_event
from tests.support.stuck_apps import Misbehaving, block, busy, swallow_cancellation, wait_forever

RUNS = 3
LAMBDA_TIMEOUT_MS = 3000


def sync_route_app() -> ASGI:
    """A FastAPI app whose sync route blocks its worker thread for a minute."""
    app = FastAPI()

    @app.get("/stuck")
    def stuck() -> dict[str, str]:
        time.sleep(60)
        return {}

    @app.get("/fine")
    def fine() -> dict[str, str]:
        return {}

    return app


SCENARIOS: dict[str, Callable[[], ASGI]] = {
    "awaits forever": lambda: Misbehaving(wait_forever),
    "swallows its cancellation": lambda: Misbehaving(swallow_cancellation),
    "time.sleep() in async code": lambda: Misbehaving(block),
    "busy loop in async code": lambda: Misbehaving(busy),
    "FastAPI sync route stuck in its thread": sync_route_app,
}


def run(name: str, make_app: Callable[[], ASGI]) -> None:
    handler = Mangum(make_app(), lifespan="off")
    answers: list[float] = []
    statuses: set[object] = set()
    next_ok = True
    for _ in range(RUNS):
        started = time.monotonic()
        result = handler(v2_event("/stuck"), LocalContext(timeout_ms=LAMBDA_TIMEOUT_MS))
        answers.append(time.monotonic() - started)
        statuses.add(result["statusCode"])
        next_ok = next_ok and handler(v2_event("/fine"), LocalContext())["statusCode"] == 200
    answer = statistics.median(answers)
    spare = LAMBDA_TIMEOUT_MS / 1000 - answer
    status = "/".join(str(status) for status in sorted(statuses, key=str))
    print(f"{name:40} {status:>6} {answer:8.2f} s {spare * 1000:8.0f} ms   {'yes' if next_ok else 'NO'}")


def main() -> None:
    """Print one row per stuck app."""
    logging.disable(logging.ERROR)  # each stuck invocation logs an ERROR line with where it was
    print(f"a stuck app, {LAMBDA_TIMEOUT_MS} ms left, 500 ms margin; medians of {RUNS} runs")
    print(f"{'app':40} {'answer':>6} {'after':>10} {'to spare':>11}   next call served")
    for name, make_app in SCENARIOS.items():
        run(name, make_app)


if __name__ == "__main__":
    main()
