"""The lifespan through ``Mangum(app)``: once per container, state per request, each mode's
answer to an application whose startup fails or that has no lifespan, and the event loop."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mangum import Mangum
from mangum._asgi import loop
from mangum.config import LifespanMode
from mangum.exceptions import LifespanFailure, LifespanUnsupported
from mangum.types import ASGI, Receive, Scope, Send
from tests.support.adapter import CONTEXT, body_of, json_of, status_of
from tests.support.http_events import v2_event


def stateful_app(events: list[str]) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        yield {"started": len(events), "visits": []}
        events.append("shutdown")

    async def visit(request: Request) -> JSONResponse:
        own = getattr(request.state, "own", None)
        request.state.own = "set by this request"
        request.state.visits.append(request.url.path)
        return JSONResponse(
            {
                "started": request.state.started,
                "own_before": own,
                "visits": len(request.state.visits),
                "loop": id(asyncio.get_running_loop()),
                "thread": threading.current_thread().name,
            }
        )

    return Starlette(routes=[Route("/{name}", visit)], lifespan=lifespan)


def test_startup_once_across_twenty_invocations_with_state_per_request() -> None:
    events: list[str] = []
    handler = Mangum(stateful_app(events))
    answers = [json_of(handler(v2_event(f"/n{i}"), CONTEXT)) for i in range(20)]
    assert events == ["startup"]
    assert [answer["visits"] for answer in answers] == list(range(1, 21))
    assert {answer["started"] for answer in answers} == {1}
    # Keys a request sets go to its own copy of the state; the next request does not see them.
    assert {answer["own_before"] for answer in answers} == {None}
    # Every invocation ran on the container loop, in the calling thread.
    assert {answer["loop"] for answer in answers} == {id(loop.container_loop())}
    assert {answer["thread"] for answer in answers} == {threading.current_thread().name}


def test_two_adapters_of_one_app_share_its_lifespan() -> None:
    events: list[str] = []
    app = stateful_app(events)
    Mangum(app)(v2_event("/a"), CONTEXT)
    assert json_of(Mangum(app, exclude_headers=["x-a"])(v2_event("/b"), CONTEXT))["visits"] == 2
    assert events == ["startup"]


def test_handler_called_from_inside_a_running_loop() -> None:
    handler = Mangum(stateful_app([]))

    async def notebook_cell() -> Any:
        return json_of(handler(v2_event("/x"), CONTEXT))

    answer = asyncio.run(notebook_cell())
    assert answer["loop"] == id(loop.container_loop())
    assert answer["thread"].startswith("mangum-loop")
    assert answer["visits"] == 1


def test_off_never_calls_the_lifespan() -> None:
    events: list[str] = []
    handler = Mangum(stateful_app(events), lifespan="off")
    # Without its lifespan state the route fails reading request.state: a 500.
    assert status_of(handler(v2_event("/x"), CONTEXT)) == 500
    assert events == []


@pytest.mark.parametrize(
    ("kwargs", "calls_lifespan"),
    [
        ({"enable_lifespan": True}, True),
        ({"enable_lifespan": False}, False),
        ({"enable_lifespan": False, "lifespan": "auto"}, False),
        ({"enable_lifespan": True, "lifespan": "off"}, False),
    ],
)
def test_enable_lifespan_maps_onto_lifespan(kwargs: dict[str, Any], calls_lifespan: bool) -> None:
    scopes: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scopes.append(scope["type"])
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body"})

    handler = Mangum(app, **kwargs)
    assert handler.config.lifespan == ("auto" if calls_lifespan else "off")
    assert status_of(handler(v2_event("/"), CONTEXT)) == 204
    assert scopes == (["lifespan", "http"] if calls_lifespan else ["http"])


# --- applications without lifespan support or whose startup fails ----------------------------------


async def http_only(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        raise ValueError(f"cannot handle {scope['type']}")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok" if "state" not in scope else b"state!"})


def test_no_lifespan_support_in_auto_mode_serves_without_state(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mangum")
    handler = Mangum(http_only)
    for _ in range(3):
        result = handler(v2_event("/"), CONTEXT)
        assert (status_of(result), body_of(result)) == (200, b"ok")
    assert [r.getMessage() for r in caplog.records if "unsupported" in r.getMessage()] == [
        "ASGI 'lifespan' protocol appears unsupported (it raised ValueError before receiving "
        "'lifespan.startup')."
    ]


def test_no_lifespan_support_in_on_mode_raises() -> None:
    async def also_http_only(scope: Scope, receive: Receive, send: Send) -> None:
        await http_only(scope, receive, send)

    handler = Mangum(also_http_only, lifespan="on")
    for _ in range(2):
        with pytest.raises(LifespanUnsupported, match="lifespan='on'"):
            handler(v2_event("/"), CONTEXT)


def failing_app(calls: list[str]) -> ASGI:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["type"])
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.failed", "message": "no database"})
            return
        await http_only(scope, receive, send)

    return app


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_failed_startup_fails_every_invocation_fast_with_the_cause_logged_once(
    mode: LifespanMode, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []
    handler = Mangum(failing_app(calls), lifespan=mode)
    for _ in range(5):
        # PyPI mangum raises in "auto" mode too.
        with pytest.raises(LifespanFailure, match="no database"):
            handler(v2_event("/"), CONTEXT)
    # The app ran once, for its startup; no request reached it.
    assert calls == ["lifespan"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "no database" in errors[0].getMessage()
