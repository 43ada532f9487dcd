"""PyPI mangum's lifespan behaviour through ``Mangum(app)``, in each mode, with its log lines.

By design the lifespan here is the container's, not the invocation's: startup runs once, before
the first request, and shutdown when Lambda stops the container, where PyPI mangum ran both around
every invocation. The cases of its tests that assert a shutdown after each request, that an app
raising during startup is served anyway, or that ``lifespan="on"`` serves an app without lifespan
support differ on purpose (docs/migrating.md); here they assert what happens instead.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from quart import Quart
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum
from mangum._asgi import lifespan as lifespan_module
from mangum._asgi.lifespan import LifespanStatus, lifespan_for
from mangum.config import LifespanMode
from mangum.exceptions import LifespanFailure, LifespanUnsupported
from mangum.types import ASGI, Message, Receive, Scope, Send
from tests.compat import events
from tests.compat.apps import Responding
from tests.support.adapter import CONTEXT

OK = {
    "statusCode": 200,
    "isBase64Encoded": False,
    "headers": {"content-type": "text/plain; charset=utf-8"},
    "multiValueHeaders": {},
    "body": "Hello, world!",
}


class LifespanApp:
    """Supports the lifespan protocol: what it does at startup and shutdown is configurable, and
    ``events`` records what happened."""

    def __init__(self, on_startup: Message | None = None, on_shutdown: Message | None = None) -> None:
        self.on_startup = on_startup or {"type": "lifespan.startup.complete"}
        self.on_shutdown = on_shutdown or {"type": "lifespan.shutdown.complete"}
        self.events: list[str] = []
        self.http = Responding()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                scope["state"]["test_key"] = "from startup"
                self.events.append("startup")
                await send(self.on_startup)
            elif message["type"] == "lifespan.shutdown":
                self.events.append("shutdown")
                await send(self.on_shutdown)
                return


@pytest.fixture
def shut_down() -> Iterator[list[ASGI]]:
    """Apps whose container-long lifespan each test shuts down itself, as Lambda's SIGTERM would."""
    apps: list[ASGI] = []
    yield apps
    for app in apps:
        lifespan_module._shut_down(lifespan_for(app))


@pytest.mark.parametrize("mode", ["auto", "on", "off"])
def test_startup_runs_once_for_every_invocation_except_with_off(
    mode: LifespanMode, shut_down: list[ASGI]
) -> None:
    app = LifespanApp()
    handler = Mangum(app, lifespan=mode)
    for _ in range(3):
        assert handler(events.rest(), CONTEXT) == OK
    # Shutdown waits for the container's end rather than following each invocation.
    assert app.events == ([] if mode == "off" else ["startup"])
    states = [scope.get("state") for scope in app.http.scopes]
    assert states == [None] * 3 if mode == "off" else [{"test_key": "from startup"}] * 3
    shut_down.append(app)


def test_shutdown_runs_when_the_container_ends(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mangum.lifespan")
    app = LifespanApp()
    Mangum(app)(events.rest(), CONTEXT)
    lifespan_module._shut_down(lifespan_for(app))
    assert app.events == ["startup", "shutdown"]
    assert lifespan_for(app).status is LifespanStatus.SHUT_DOWN
    assert [record.getMessage() for record in caplog.records if record.name == "mangum.lifespan"] == [
        "Waiting for application startup.",
        "LifespanCycleState.STARTUP:  'lifespan.startup.complete' event received from application.",
        "Application startup complete.",
        "Waiting for application shutdown.",
        "LifespanCycleState.SHUTDOWN:  'lifespan.shutdown.complete' event received from application.",
        "Application shutdown complete.",
    ]


def test_a_failed_shutdown_is_logged_as_pypi_mangum_words_it(caplog: pytest.LogCaptureFixture) -> None:
    app = LifespanApp(on_shutdown={"type": "lifespan.shutdown.failed", "message": "Failed."})
    Mangum(app)(events.rest(), CONTEXT)
    lifespan_module._shut_down(lifespan_for(app))
    errors = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == ["Lifespan shutdown failure. Failed."]


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_an_app_without_lifespan_support_is_served(
    mode: LifespanMode, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mangum.lifespan")
    app = Responding()
    assert Mangum(app, lifespan=mode)(events.rest(), CONTEXT) == OK
    unsupported = [r for r in caplog.records if "protocol appears unsupported" in r.getMessage()]
    assert len(unsupported) == (1 if mode == "auto" else 0)
    assert all(record.levelno == logging.INFO for record in caplog.records)


def test_on_requires_lifespan_support() -> None:
    # PyPI mangum served this app anyway; "on" means the app must support the protocol.
    with pytest.raises(LifespanUnsupported):
        Mangum(Responding(), lifespan="on")(events.rest(), CONTEXT)


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_a_failed_startup_raises_in_both_modes(mode: LifespanMode) -> None:
    app = LifespanApp(on_startup={"type": "lifespan.startup.failed", "message": "Failed."})
    handler = Mangum(app, lifespan=mode)
    for _ in range(2):
        with pytest.raises(LifespanFailure, match=r"Failed\."):
            handler(events.rest(), CONTEXT)
    assert app.http.scopes == []


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_an_exception_in_startup_is_logged_and_fails_the_invocation(
    mode: LifespanMode, caplog: pytest.LogCaptureFixture
) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            raise RuntimeError("error")
        await Responding()(scope, receive, send)

    with pytest.raises(LifespanFailure, match="RuntimeError"):
        Mangum(app, lifespan=mode)(events.rest(), CONTEXT)
    [error] = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert error.getMessage().startswith("Exception in 'lifespan' protocol. Application startup failed: ")
    assert error.exc_info is not None
    assert str(error.exc_info[1]) == "error"


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_an_unexpected_message_in_startup_raises(mode: LifespanMode) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "http.response.start", "status": 200, "headers": []})
        await Responding()(scope, receive, send)

    with pytest.raises(LifespanFailure, match=r"'http\.response\.start' during startup"):
        Mangum(app, lifespan=mode)(events.rest(), CONTEXT)


def test_starlette_lifespan_starts_once_and_its_state_reaches_requests(shut_down: list[ASGI]) -> None:
    calls: list[str] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        calls.append("startup")
        yield {"greeting": "Hello, world!"}
        calls.append("shutdown")

    def homepage(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.state.greeting)

    app = Starlette(routes=[Route("/test/hello", homepage)], lifespan=lifespan)
    handler = Mangum(app)
    assert calls == []
    for _ in range(2):
        assert handler(events.rest(), CONTEXT) == {
            **OK,
            "headers": {"content-length": "13", "content-type": "text/plain; charset=utf-8"},
        }
    assert calls == ["startup"]
    shut_down.append(app)


def test_quart_lifespan(shut_down: list[ASGI]) -> None:
    calls: list[str] = []
    app = Quart(__name__)

    @app.before_serving
    async def on_startup() -> None:
        calls.append("startup")

    @app.route("/test/hello")
    async def hello() -> str:
        return "hello world!"

    result = Mangum(app)(events.rest(), CONTEXT)
    assert calls == ["startup"]
    assert result == {
        **OK,
        "headers": {"content-length": "12", "content-type": "text/html; charset=utf-8"},
        "body": "hello world!",
    }
    shut_down.append(app)
