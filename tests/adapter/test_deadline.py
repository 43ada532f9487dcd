"""The invocation answers before its deadline whatever the app does: waiting forever, blocking the
thread, burning the CPU, swallowing its cancellation, or a sync route stuck in its worker thread;
and the next invocation is served as usual."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI

from mangum import Mangum
from mangum._asgi import loop
from mangum.exceptions import LifespanFailure
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
    assert "No answer to GET /stuck before the invocation's deadline: the application was" in caplog.text
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
    with pytest.raises(LifespanFailure, match="startup"):
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


class AnswersThen:
    """An app that completes its response on every request, then keeps working in the way given
    (a background task, as Starlette runs one)."""

    def __init__(self, after: Callable[[], object]) -> None:
        self.after = after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await answer(send, b"complete")
        result = self.after()
        if asyncio.iscoroutine(result):
            await result


@pytest.mark.parametrize("after", [wait_forever, block], ids=["waits", "blocks"])
def test_a_complete_response_stands_when_the_app_is_stopped_after_it(
    after: Callable[[], object], caplog: pytest.LogCaptureFixture
) -> None:
    handler = Mangum(AnswersThen(after), lifespan="off", deadline_margin=MARGIN)
    with caplog.at_level(logging.WARNING, logger="mangum"):
        result, elapsed = invoke(handler, "/")
    assert (status_of(result), body_of(result)) == (200, b"complete")
    assert elapsed < REMAINING_MS / 1000
    assert "still running after its response to GET /: stopped at the invocation's deadline" in caplog.text


def test_with_no_margin_blocking_code_is_still_interrupted_at_the_deadline() -> None:
    handler = Mangum(Misbehaving(block), lifespan="off", deadline_margin=0)
    result, elapsed = invoke(handler, "/stuck", remaining_ms=800)
    assert status_of(result) == 504
    assert elapsed < 0.8 + 0.2, "interrupted at Lambda's deadline, give or take the watchdog's look"


def test_an_invocation_off_the_main_thread_is_not_signalled_and_the_main_thread_is_left_alone() -> None:
    handler = Mangum(Misbehaving(lambda: time.sleep(1.0)), lifespan="off", deadline_margin=MARGIN)
    invoke(handler, "/fine")  # the watchdog runs, from an invocation on the main thread
    results: list[dict[str, object]] = []
    worker = threading.Thread(target=lambda: results.append(invoke(handler, "/stuck", remaining_ms=900)[0]))

    worker.start()
    time.sleep(1.2)  # the main thread's own sleep, past that invocation's deadline: not interrupted
    worker.join()

    # Off the main thread only waiting is bounded: the blocking app ran to its end.
    assert [status_of(result) for result in results] == [200]


def test_no_signal_is_sent_once_the_app_has_taken_sigalrm() -> None:
    handler = Mangum(Misbehaving(lambda: time.sleep(1.0)), lifespan="off", deadline_margin=MARGIN)
    invoke(handler, "/fine")  # the watchdog runs
    received: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: received.append(signum))
    try:
        result, _ = invoke(handler, "/stuck")
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert (status_of(result), received) == (200, [])
    # With mangum's handler back, blocking code is interrupted again.
    assert (
        status_of(invoke(Mangum(Misbehaving(block), lifespan="off", deadline_margin=MARGIN), "/stuck")[0])
        == 504
    )
