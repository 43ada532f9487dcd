"""The invocation answers before its deadline whatever the app does: waiting forever, blocking the
thread, burning the CPU, swallowing its cancellation, or a sync route stuck in its worker thread;
and the next invocation is served as usual."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI

from mangum import Mangum
from mangum._asgi import loop
from mangum.local_context import LocalContext
from mangum.types import Receive, Scope, Send
from tests.support import stuck_apps
from tests.support.adapter import body_of, status_of
from tests.support.http_events import v2_event
from tests.support.stuck_apps import Misbehaving, answer, block, busy, swallow_cancellation, wait_forever

# Lambda's remaining time for each invocation, and the margin mangum keeps back from it.
REMAINING_MS = 1200
MARGIN = 0.6


@pytest.fixture(autouse=True)
def leftovers_finish() -> Iterator[None]:
    """Let what a test's stuck app left on the container loop (a task still unwinding) finish, so
    that later tests find the loop idle."""
    container = loop.container_loop()
    before = asyncio.all_tasks(container)
    yield
    give_up = time.monotonic() + 5
    while asyncio.all_tasks(container) - before and time.monotonic() < give_up:
        loop.run(asyncio.sleep(0.05))


def invoke(handler: Mangum, path: str, remaining_ms: int = REMAINING_MS) -> tuple[dict[str, object], float]:
    started = time.monotonic()
    result = handler(v2_event(path), LocalContext(timeout_ms=remaining_ms))
    return result, time.monotonic() - started


@pytest.mark.parametrize(
    ("stuck", "where"),
    [
        pytest.param(wait_forever, "waiting at", id="awaits-forever"),
        pytest.param(block, "blocking the thread at", id="sleeps-in-async-code"),
        pytest.param(busy, "blocking the thread at", id="busy-loop"),
        pytest.param(swallow_cancellation, "waiting at", id="swallows-its-cancellation"),
    ],
)
def test_a_stuck_app_is_answered_504_before_the_deadline_and_the_next_call_is_served(
    stuck: Callable[[], object], where: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = Misbehaving(stuck)
    handler = Mangum(app, lifespan="off", deadline_margin=MARGIN)

    with caplog.at_level(logging.ERROR, logger="mangum"):
        result, elapsed = invoke(handler, "/stuck")

    assert (status_of(result), body_of(result)) == (504, b"Gateway Timeout")
    assert elapsed < REMAINING_MS / 1000, "answered after Lambda's deadline"
    assert "no answer before the invocation's deadline" in caplog.text
    assert where in caplog.text
    assert f"{stuck_apps.__file__}:" in caplog.text, "the log names the file and line where the app was"
    assert f"in {stuck.__name__}" in caplog.text
    if stuck is not swallow_cancellation:
        assert app.unwound, "the app's finally blocks ran"
    assert status_of(invoke(handler, "/fine")[0]) == 200


def test_a_sync_route_stuck_in_its_worker_thread_is_answered_504() -> None:
    app = FastAPI()

    @app.get("/stuck")
    def stuck() -> dict[str, str]:
        time.sleep(2)
        return {"late": "yes"}

    @app.get("/fine")
    def fine() -> dict[str, str]:
        return {"fine": "yes"}

    handler = Mangum(app, lifespan="off", deadline_margin=MARGIN)
    result, elapsed = invoke(handler, "/stuck")
    assert status_of(result) == 504
    assert elapsed < REMAINING_MS / 1000
    assert status_of(invoke(handler, "/fine")[0]) == 200


def test_a_hung_lifespan_startup_gives_up_at_the_deadline() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await asyncio.Event().wait()  # startup never completes
        else:
            await answer(send)

    handler = Mangum(app, deadline_margin=MARGIN)
    started = time.monotonic()
    with pytest.raises(Exception, match="startup"):
        handler(v2_event("/"), LocalContext(timeout_ms=REMAINING_MS))
    assert time.monotonic() - started < REMAINING_MS / 1000


def test_without_a_deadline_nothing_is_bounded() -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0.3)
        await answer(send, b"slow but fine")

    result = Mangum(slow, lifespan="off", deadline_margin=MARGIN)(v2_event("/"), None)  # type: ignore[arg-type]  # no context at all, as in a unit test
    assert body_of(result) == b"slow but fine"


def test_quick_answers_and_the_time_between_invocations_are_left_alone() -> None:
    async def quick(scope: Scope, receive: Receive, send: Send) -> None:
        await answer(send)

    handler = Mangum(quick, lifespan="off", deadline_margin=MARGIN)
    for _ in range(200):
        assert status_of(invoke(handler, "/", remaining_ms=700)[0]) == 200
    # Past every one of those deadlines: the watchdog knows no invocation is in progress.
    time.sleep(0.5)
    assert status_of(invoke(handler, "/")[0]) == 200
