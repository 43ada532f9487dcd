"""run_http_cycle: the request is delivered whole, the response collected whole, and every way an
application can fail gives a plain 500 with the traceback logged, never raised."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from mangum._asgi import run_http_cycle
from mangum._http.response import CollectedResponse
from mangum.exceptions import UnexpectedMessage
from mangum.types import ASGI, Message, Receive, Scope, Send
from tests.support.adapter import http_scope

PLAIN = [(b"content-type", b"text/plain; charset=utf-8")]
SECRET = "s3cr3t-detail"


def run(app: ASGI, body: bytes = b"") -> CollectedResponse:
    return asyncio.run(run_http_cycle(app, http_scope(), body))


def assert_internal_error(response: CollectedResponse) -> None:
    assert response.status == 500
    assert response.headers == PLAIN
    assert response.body == b"Internal Server Error"


def logged_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("mangum") and r.levelno >= logging.ERROR]


async def start(send: Send, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"x-a", b"1")]})


# --- the normal exchange ------------------------------------------------------------------------


def test_request_body_delivered_once_then_disconnect_after_response() -> None:
    received: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        received.append(await receive())
        await start(send, 201)
        await send({"type": "http.response.body", "body": b"he", "more_body": True})
        await send({"type": "http.response.body", "body": bytearray(b"ll"), "more_body": True})
        await send({"type": "http.response.body", "body": b"o"})
        received.append(await receive())

    response = run(app, b"payload")
    assert received == [
        {"type": "http.request", "body": b"payload", "more_body": False},
        {"type": "http.disconnect"},
    ]
    assert response == CollectedResponse(201, [(b"x-a", b"1")], b"hello")


def test_headers_keep_order_and_repeats_and_lists_become_tuples() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [[b"set-cookie", b"a=1"], [b"x-b", b"2"], [b"set-cookie", b"b=2"]]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body"})

    response = run(app)
    assert response.headers == [(b"set-cookie", b"a=1"), (b"x-b", b"2"), (b"set-cookie", b"b=2")]
    assert response.body == b""


def test_early_receive_waits_until_the_response_is_complete() -> None:
    events: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()

        async def listen() -> None:
            message = await receive()
            events.append(message["type"])

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0)
        await start(send)
        events.append("sent start")
        await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"x"})
        events.append("sent body")
        await listener

    response = run(app)
    assert events == ["sent start", "sent body", "http.disconnect"]
    assert response.body == b"x"


def test_receive_left_pending_by_the_app_is_released_when_the_cycle_ends() -> None:
    async def main() -> tuple[CollectedResponse, Message]:
        orphan: list[asyncio.Task[Message]] = []

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await receive()

            async def listen() -> Message:
                return await receive()

            orphan.append(asyncio.create_task(listen()))
            raise RuntimeError(SECRET)

        response = await run_http_cycle(app, http_scope(), b"")
        return response, await orphan[0]

    response, message = asyncio.run(main())
    assert_internal_error(response)
    assert message == {"type": "http.disconnect"}


def test_trailers_after_the_body_are_discarded() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [], "trailers": True})
        await send({"type": "http.response.body", "body": b"ok"})
        await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"1")]})

    assert run(app) == CollectedResponse(200, [], b"ok")


# --- application failures -----------------------------------------------------------------------


def test_exception_before_start_gives_500_and_logs_traceback(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise ValueError(SECRET)

    response = run(app)
    assert_internal_error(response)
    [record] = logged_errors(caplog)
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)
    assert "POST /" in record.getMessage()
    assert "Traceback" in caplog.text
    assert SECRET.encode() not in response.body


def test_exception_after_start_gives_500(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await start(send)
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise KeyError(SECRET)

    assert_internal_error(run(app))
    [record] = logged_errors(caplog)
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], KeyError)


def test_exception_after_complete_response_keeps_it_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await start(send)
        await send({"type": "http.response.body", "body": b"done"})
        raise RuntimeError(SECRET)

    assert run(app) == CollectedResponse(200, [(b"x-a", b"1")], b"done")
    [record] = logged_errors(caplog)
    assert record.exc_info is not None
    assert "after its response" in record.getMessage()


def test_returning_without_any_response_gives_500(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()

    assert_internal_error(run(app))
    [record] = logged_errors(caplog)
    assert "without completing" in record.getMessage()


def test_returning_with_body_still_pending_gives_500(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await start(send)
        await send({"type": "http.response.body", "body": b"half", "more_body": True})

    assert_internal_error(run(app))
    assert len(logged_errors(caplog)) == 1


@pytest.mark.parametrize(
    "messages",
    [
        pytest.param([{"type": "http.response.body", "body": b"x"}], id="body-before-start"),
        pytest.param(
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.start", "status": 201},
            ],
            id="start-twice",
        ),
        pytest.param(
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.body", "body": b"x"},
                {"type": "http.response.body", "body": b"y"},
            ],
            id="body-after-complete",
        ),
        pytest.param([{"type": "http.response.pathsend", "path": "/etc/hosts"}], id="unknown-type"),
        pytest.param([{"status": 200}], id="no-type"),
        pytest.param([{"type": "websocket.accept"}], id="other-protocol"),
        pytest.param([{"type": "http.response.start", "status": "200"}], id="status-not-int"),
        pytest.param([{"type": "http.response.start", "status": True}], id="status-bool"),
        pytest.param(
            [{"type": "http.response.start", "status": 200, "headers": [("x-a", "1")]}], id="str-headers"
        ),
        pytest.param(
            [{"type": "http.response.start", "status": 200, "headers": [(b"x-a",)]}], id="header-not-pair"
        ),
        pytest.param([{"type": "http.response.start", "status": 200, "headers": 5}], id="headers-not-list"),
        pytest.param(
            [{"type": "http.response.start", "status": 200}, {"type": "http.response.body", "body": "text"}],
            id="str-body",
        ),
    ],
)
def test_protocol_violation_is_raised_into_the_app_and_gives_500(
    messages: list[Message], caplog: pytest.LogCaptureFixture
) -> None:
    raised: list[BaseException] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            for message in messages:
                await send(message)
        except UnexpectedMessage as error:
            raised.append(error)
            raise

    assert_internal_error(run(app))
    assert len(raised) == 1
    [record] = logged_errors(caplog)
    assert "protocol error" in record.getMessage()
    assert "Traceback" in caplog.text


def test_protocol_violation_swallowed_by_the_app_still_gives_500(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        with contextlib.suppress(UnexpectedMessage):
            await send({"type": "http.response.body", "body": b"too early"})
        await start(send)
        await send({"type": "http.response.body", "body": b"fine"})

    assert_internal_error(run(app))
    [record] = logged_errors(caplog)
    assert "too early" not in record.getMessage()
    assert "'http.response.body' before 'http.response.start'" in record.getMessage()


def test_base_exceptions_other_than_exception_propagate() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise SystemExit(3)

    with pytest.raises(SystemExit):
        run(app)


# --- a real framework ---------------------------------------------------------------------------


def starlette_app(log: list[str]) -> Starlette:
    async def stream(request: Request) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            for part in (b"a", b"b", b"c"):
                yield part

        return StreamingResponse(chunks(), media_type="text/plain")

    async def echo(request: Request) -> Response:
        body = await request.body()
        return Response(body[::-1], media_type="application/octet-stream")

    async def later(request: Request) -> PlainTextResponse:
        return PlainTextResponse("sent", background=BackgroundTask(log.append, "background ran"))

    async def fail(request: Request) -> PlainTextResponse:
        raise RuntimeError(SECRET)

    return Starlette(
        routes=[
            Route("/stream", stream, methods=["POST"]),
            Route("/echo", echo, methods=["POST"]),
            Route("/later", later, methods=["POST"]),
            Route("/fail", fail, methods=["POST"]),
        ]
    )


@pytest.mark.parametrize(
    ("path", "body", "status", "expected"),
    [
        ("/stream", b"", 200, b"abc"),
        ("/echo", b"\x00\x01\xff", 200, b"\xff\x01\x00"),
        ("/later", b"", 200, b"sent"),
        ("/missing", b"", 404, b"Not Found"),
    ],
)
def test_starlette(path: str, body: bytes, status: int, expected: bytes) -> None:
    log: list[str] = []
    response = asyncio.run(run_http_cycle(starlette_app(log), http_scope(path), body))
    assert (response.status, response.body) == (status, expected)
    assert log == (["background ran"] if path == "/later" else [])


def test_starlette_exception_gives_plain_500_without_details(caplog: pytest.LogCaptureFixture) -> None:
    response = asyncio.run(run_http_cycle(starlette_app([]), http_scope("/fail"), b""))
    assert response.status == 500
    assert SECRET.encode() not in response.body
    assert any(r.exc_info and isinstance(r.exc_info[1], RuntimeError) for r in logged_errors(caplog))
