"""The lifespan protocol: startup once per container, shared state copied per request, every way
an application can fail or lack lifespan support, and shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mangum._asgi import lifespan as lifespan_module, loop, run_http_cycle
from mangum._asgi.lifespan import Lifespan, LifespanStatus, lifespan_for, start
from mangum._http.response import CollectedResponse
from mangum.exceptions import LifespanFailure, LifespanUnsupported
from mangum.types import ASGI, Receive, Scope, Send
from tests.support.adapter import http_scope

LifespanFactory = Callable[[ASGI], Lifespan]


@pytest.fixture
def make_lifespan() -> Iterator[LifespanFactory]:
    """Lifespans on the container loop, shut down after the test so no task is left pending."""
    created: list[Lifespan] = []

    def make(app: ASGI) -> Lifespan:
        created.append(Lifespan(app))
        return created[-1]

    yield make
    for lifespan in created:
        loop.run(lifespan.shutdown())


def invoke(lifespan: Lifespan, app: ASGI, path: str, *, required: bool = False) -> CollectedResponse:
    """What the adapter does per invocation, with a hand-built scope."""
    start(lifespan)
    scope = http_scope(path, method="GET")
    state = lifespan.request_state(required=required)
    if state is not None:
        scope["state"] = state
    return loop.run(run_http_cycle(app, scope, b""))


def status_of(lifespan: Lifespan) -> LifespanStatus:
    """The status read through a call, which type narrowing from an earlier check does not cross."""
    return lifespan.status


def counting_starlette(events: list[str]) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        yield {"shared": [], "name": "svc"}
        events.append("shutdown")

    async def read(request: Request) -> JSONResponse:
        scribbled = getattr(request.state, "scribble", None)
        request.state.scribble = "mine"
        request.state.shared.append(len(request.state.shared))
        return JSONResponse(
            {"name": request.state.name, "scribble": scribbled, "shared": request.state.shared}
        )

    return Starlette(routes=[Route("/", read)], lifespan=lifespan)


def test_startup_runs_once_across_twenty_invocations(make_lifespan: LifespanFactory) -> None:
    events: list[str] = []
    app = counting_starlette(events)
    lifespan = make_lifespan(app)
    bodies = [invoke(lifespan, app, "/").body for _ in range(20)]
    assert events == ["startup"]
    assert lifespan.status is LifespanStatus.STARTED
    # The state's objects are shared; keys a request sets on its own copy are not.
    assert (
        bodies[-1]
        == b'{"name":"svc","scribble":null,"shared":' + str(list(range(20))).replace(" ", "").encode() + b"}"
    )
    assert set(lifespan.state) == {"shared", "name"}
    loop.run(lifespan.shutdown())
    assert events == ["startup", "shutdown"]
    assert status_of(lifespan) is LifespanStatus.SHUT_DOWN


def test_request_state_is_a_fresh_shallow_copy(make_lifespan: LifespanFactory) -> None:
    lifespan = make_lifespan(counting_starlette([]))
    loop.run(lifespan.startup())
    first = lifespan.request_state(required=True)
    second = lifespan.request_state(required=True)
    assert first == second == lifespan.state
    assert first is not second
    assert first is not lifespan.state
    assert first is not None
    assert second is not None
    assert first["shared"] is second["shared"]


def test_lifespan_for_gives_one_lifespan_per_app() -> None:
    app = counting_starlette([])
    assert lifespan_for(app) is lifespan_for(app)
    assert lifespan_for(app) is not lifespan_for(counting_starlette([]))


def test_shutdown_then_requests_fail(make_lifespan: LifespanFactory) -> None:
    lifespan = make_lifespan(counting_starlette([]))
    loop.run(lifespan.startup())
    loop.run(lifespan.shutdown())
    with pytest.raises(LifespanFailure, match="already shut down"):
        lifespan.request_state(required=False)


def test_shutdown_before_startup_is_a_no_op_that_ends_the_lifespan(make_lifespan: LifespanFactory) -> None:
    events: list[str] = []
    lifespan = make_lifespan(counting_starlette(events))
    loop.run(lifespan.shutdown())
    assert events == []
    assert lifespan.status is LifespanStatus.SHUT_DOWN


# --- applications without lifespan support --------------------------------------------------------


async def raises_at_once(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http", "only http"


async def sends_first(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200})


async def returns_at_once(scope: Scope, receive: Receive, send: Send) -> None:
    return None


UNSUPPORTED = [
    pytest.param(raises_at_once, "raised AssertionError before receiving", id="raises"),
    pytest.param(sends_first, "sent 'http.response.start' before receiving", id="sends"),
    pytest.param(returns_at_once, "returned before receiving", id="returns"),
]


@pytest.mark.parametrize(("app", "reason"), UNSUPPORTED)
def test_unsupported_in_auto_mode_continues_without_state(
    app: ASGI, reason: str, make_lifespan: LifespanFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mangum")
    lifespan = make_lifespan(app)
    start(lifespan)
    assert lifespan.status is LifespanStatus.UNSUPPORTED
    assert reason in lifespan.reason
    assert lifespan.request_state(required=False) is None
    assert lifespan.request_state(required=False) is None
    notes = [r for r in caplog.records if r.name == "mangum.lifespan"]
    assert {r.levelno for r in notes} == {logging.INFO}
    (unsupported,) = [r.getMessage() for r in notes if "unsupported" in r.getMessage()]
    assert unsupported.startswith("ASGI 'lifespan' protocol appears unsupported (")


@pytest.mark.parametrize(("app", "reason"), UNSUPPORTED)
def test_unsupported_in_on_mode_raises(app: ASGI, reason: str, make_lifespan: LifespanFactory) -> None:
    lifespan = make_lifespan(app)
    start(lifespan)
    for _ in range(2):
        with pytest.raises(LifespanUnsupported, match=reason):
            lifespan.request_state(required=True)


# --- applications whose startup fails -------------------------------------------------------------


async def reports_failure(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "database unreachable"})


async def raises_in_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    raise ConnectionError("database unreachable")


async def returns_in_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()


async def wrong_message_in_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.shutdown.complete"})


async def receives_twice_in_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await receive()


def failing_starlette() -> Starlette:
    async def connect() -> None:
        raise ConnectionError("database unreachable")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await connect()
        yield

    return Starlette(lifespan=lifespan)


FAILING: list[Any] = [
    pytest.param(reports_failure, "reported: database unreachable", id="startup.failed"),
    pytest.param(raises_in_startup, "raised ConnectionError before sending", id="raises"),
    pytest.param(returns_in_startup, "returned before sending", id="returns"),
    pytest.param(
        wrong_message_in_startup, "sent 'lifespan.shutdown.complete' during startup", id="wrong-message"
    ),
    pytest.param(receives_twice_in_startup, "awaited receive() again", id="receives-twice"),
    pytest.param(failing_starlette(), "ConnectionError: database unreachable", id="starlette"),
]


@pytest.mark.parametrize("required", [False, True], ids=["auto", "on"])
@pytest.mark.parametrize(("app", "reason"), FAILING)
def test_failed_startup_fails_every_invocation_and_logs_once(
    app: ASGI, reason: str, required: bool, make_lifespan: LifespanFactory, caplog: pytest.LogCaptureFixture
) -> None:
    lifespan = make_lifespan(app)
    for _ in range(5):
        start(lifespan)
        with pytest.raises(LifespanFailure, match="startup failed") as raised:
            lifespan.request_state(required=required)
    assert lifespan.status is LifespanStatus.FAILED
    assert reason in lifespan.reason
    assert reason in str(raised.value)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert reason in errors[0].getMessage()


def test_raised_cause_is_logged_with_its_traceback(
    make_lifespan: LifespanFactory, caplog: pytest.LogCaptureFixture
) -> None:
    lifespan = make_lifespan(raises_in_startup)
    start(lifespan)
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionError)
    with pytest.raises(LifespanFailure) as raised:
        lifespan.request_state(required=False)
    assert isinstance(raised.value.__cause__, ConnectionError)


# --- shutdown -------------------------------------------------------------------------------------


def recording_app(events: list[str], on_shutdown: Callable[[Send], Awaitable[None]]) -> ASGI:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "lifespan"
        await receive()
        scope["state"]["ready"] = True
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        events.append(message["type"])
        await on_shutdown(send)

    return app


def test_shutdown_failure_is_logged(make_lifespan: LifespanFactory, caplog: pytest.LogCaptureFixture) -> None:
    events: list[str] = []

    async def fail(send: Send) -> None:
        await send({"type": "lifespan.shutdown.failed", "message": "flush failed"})

    lifespan = make_lifespan(recording_app(events, fail))
    start(lifespan)
    assert lifespan.request_state(required=True) == {"ready": True}
    loop.run(lifespan.shutdown())
    assert events == ["lifespan.shutdown"]
    assert any("flush failed" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


def test_shutdown_that_never_finishes_is_cancelled(
    make_lifespan: LifespanFactory, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lifespan_module, "SHUTDOWN_TIMEOUT", 0.01)
    events: list[str] = []

    async def hang(send: Send) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            events.append("cancelled")
            raise

    lifespan = make_lifespan(recording_app(events, hang))
    start(lifespan)
    loop.run(lifespan.shutdown())
    assert events == ["lifespan.shutdown", "cancelled"]
    assert any("did not finish" in r.getMessage() for r in caplog.records)


def test_app_that_returns_after_startup_shuts_down_at_once(make_lifespan: LifespanFactory) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "lifespan.startup.complete"})

    lifespan = make_lifespan(app)
    start(lifespan)
    assert lifespan.request_state(required=True) == {}
    loop.run(lifespan.shutdown())
    assert lifespan.status is LifespanStatus.SHUT_DOWN
