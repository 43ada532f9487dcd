"""A failed lifespan startup is tried again on a later invocation once its backoff has passed,
with a fresh state, each failure logged once; a startup still running at the deadline has failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from mangum._asgi import lifespan as lifespan_module, loop
from mangum._asgi.lifespan import Lifespan, LifespanStatus, start
from mangum.adapter import Mangum
from mangum.deadline import Deadline
from mangum.exceptions import LifespanFailure
from mangum.local_context import LocalContext
from mangum.types import Message, Receive, Scope, Send
from tests.faults.clock import ManualClock
from tests.support.http_events import v2_event


class Flaky:
    """An app whose lifespan startup fails ``failures`` times, then completes; it records what
    each attempt saw of the state and serves the state's ``attempt`` over HTTP."""

    def __init__(self, failures: int, *, hang: bool = False) -> None:
        self.failures = failures
        self.hang = hang
        self.attempts = 0
        self.states: list[dict[str, object]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        body = str(scope["state"]["attempt"]).encode()
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": body})

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        message: Message = await receive()
        assert message["type"] == "lifespan.startup"
        self.attempts += 1
        self.states.append(dict(scope["state"]))
        scope["state"]["attempt"] = self.attempts
        if self.attempts <= self.failures:
            if self.hang:
                await asyncio.Event().wait()
            await send(
                {"type": "lifespan.startup.failed", "message": f"database down (attempt {self.attempts})"}
            )
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def lifespans() -> Iterator[list[Lifespan]]:
    made: list[Lifespan] = []
    yield made
    for lifespan in made:
        loop.run(lifespan.shutdown())


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_failed_startup_is_tried_again_after_a_doubling_backoff(
    clock: ManualClock, lifespans: list[Lifespan], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mangum.lifespan")
    app = Flaky(failures=2)
    lifespan = Lifespan(app, clock=clock)
    lifespans.append(lifespan)

    start(lifespan)
    for _ in range(3):  # within the first backoff: nothing runs, nothing is logged
        clock.now += 0.3
        start(lifespan)
        with pytest.raises(LifespanFailure, match="attempt 1"):
            lifespan.request_state(required=False)
    assert (app.attempts, len(errors(caplog))) == (1, 1)

    clock.now = 1.0
    start(lifespan)
    assert (app.attempts, lifespan.status) == (2, LifespanStatus.FAILED)
    clock.now = 2.9  # the second backoff is 2 s
    start(lifespan)
    assert app.attempts == 2
    clock.now = 3.0
    start(lifespan)

    assert (app.attempts, lifespan.status) == (3, LifespanStatus.STARTED)
    assert lifespan.request_state(required=True) == {"attempt": 3}
    assert app.states == [{}, {}, {}]  # every attempt starts from a fresh state
    assert errors(caplog) == [
        "Application startup failed: the application reported: database down (attempt 1) "
        "(attempt 1; tried again after 1s).",
        "Application startup failed: the application reported: database down (attempt 2) "
        "(attempt 2; tried again after 2s).",
    ]
    assert any("complete (after 2 failed attempts)" in record.getMessage() for record in caplog.records)


def test_the_backoff_stops_doubling_at_its_maximum(clock: ManualClock, lifespans: list[Lifespan]) -> None:
    lifespan = Lifespan(Flaky(failures=20), clock=clock)
    lifespans.append(lifespan)

    for _ in range(10):
        start(lifespan)
        clock.now = lifespan.retry_at

    assert lifespan.failures == 10
    start(lifespan)
    assert lifespan.retry_at - clock.now == lifespan_module.RETRY_MAX


def test_a_startup_still_running_at_the_deadline_has_failed_and_is_retried(
    clock: ManualClock, lifespans: list[Lifespan], caplog: pytest.LogCaptureFixture
) -> None:
    app = Flaky(failures=1, hang=True)
    lifespan = Lifespan(app, clock=clock)
    lifespans.append(lifespan)

    start(lifespan, Deadline.after(0.2))

    assert lifespan.status is LifespanStatus.FAILED
    [logged] = errors(caplog)
    assert "had not completed startup within 0.2" in logged
    assert "test_lifespan_retry.py" in logged
    assert "in lifespan" in logged
    clock.now = 1.0
    start(lifespan, Deadline.after(5))
    assert (lifespan.status, app.attempts) == (LifespanStatus.STARTED, 2)


def test_an_app_without_lifespan_support_is_not_asked_again(
    clock: ManualClock, lifespans: list[Lifespan]
) -> None:
    calls: list[str] = []

    async def http_only(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["type"])
        raise RuntimeError("only http")

    lifespan = Lifespan(http_only, clock=clock)
    lifespans.append(lifespan)
    for _ in range(3):
        start(lifespan)
        clock.now += 100

    assert (lifespan.status, calls) == (LifespanStatus.UNSUPPORTED, ["lifespan"])


def test_no_startup_is_tried_after_shutdown(clock: ManualClock) -> None:
    app = Flaky(failures=1)
    lifespan = Lifespan(app, clock=clock)
    start(lifespan)
    loop.run(lifespan.shutdown())

    clock.now = 100.0
    start(lifespan)

    assert (lifespan.status, app.attempts) == (LifespanStatus.SHUT_DOWN, 1)


def test_the_handler_serves_once_a_retried_startup_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifespan_module, "RETRY_INITIAL", 0.0)
    app = Flaky(failures=1)
    handler = Mangum(app)

    with pytest.raises(LifespanFailure):
        handler(v2_event("/"), LocalContext())
    second = handler(v2_event("/"), LocalContext())

    assert (second["statusCode"], second["body"]) == (200, "2")
    assert app.attempts == 2
