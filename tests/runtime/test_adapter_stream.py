"""``Mangum.stream`` in process, writing to a sink that records what it is given: the same steps as
the buffered path (lifespan, bad bodies, header rules), answered on the stream."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum
from mangum._sources.samples import sample_event
from mangum.exceptions import ConfigurationError, DeadlineExceeded, LifespanFailure
from mangum.local.http_integration import split_integration_response
from mangum.local_context import LocalContext
from mangum.types import LambdaContext, LambdaEvent, LifespanMode, Message, Receive, Scope, Send
from tests.runtime import apps


class RecordingSink:
    """A :class:`~mangum.streaming.ResponseSink` keeping every write, and the error it was failed with."""

    def __init__(self, broken_after: int | None = None) -> None:
        self.writes: list[bytes] = []
        self.failure: BaseException | None = None
        self._broken_after = broken_after

    def write(self, data: bytes) -> None:
        if self._broken_after is not None and len(self.writes) >= self._broken_after:
            raise OSError("the connection to Lambda broke")
        self.writes.append(data)

    def fail(self, error: BaseException) -> None:
        self.failure = error

    def split(self) -> tuple[dict[str, Any], bytes]:
        return split_integration_response(b"".join(self.writes))


def _stream(handler: Mangum, event: LambdaEvent) -> RecordingSink:
    sink = RecordingSink()
    assert handler.stream(event, LocalContext(), sink) is None
    return sink


def test_the_invoke_mode_is_checked() -> None:
    with pytest.raises(ConfigurationError, match="invoke_mode must be 'BUFFERED' or 'RESPONSE_STREAM'"):
        Mangum(apps.app, invoke_mode="STREAM")  # type: ignore[arg-type]  # deliberately wrong


def test_the_invoke_mode_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Mangum(apps.app).invoke_mode == "BUFFERED"
    monkeypatch.setenv("MANGUM_INVOKE_MODE", "RESPONSE_STREAM")
    assert Mangum(apps.app).invoke_mode == "RESPONSE_STREAM"
    assert Mangum(apps.app, invoke_mode="BUFFERED").invoke_mode == "BUFFERED"
    monkeypatch.setenv("MANGUM_INVOKE_MODE", "response_stream")
    with pytest.raises(ConfigurationError, match="MANGUM_INVOKE_MODE must be"):
        Mangum(apps.app)


def test_buffered_mode_returns_the_result_and_writes_nothing() -> None:
    event = sample_event("function_url", path="/items/saw")
    sink = RecordingSink()

    result = apps.handler.stream(event, LocalContext(), sink)

    assert result == apps.handler(event, LocalContext())
    assert sink.writes == []


@pytest.mark.parametrize("source", ["api_gateway_v2", "alb", "cloudfront", "websocket_connect"])
def test_sources_that_cannot_stream_get_their_buffered_result(source: str) -> None:
    handler = Mangum(apps.app, lifespan="off", invoke_mode="RESPONSE_STREAM")
    sink = RecordingSink()
    event = sample_event(source, path="/plain")
    if source.startswith("websocket"):
        with pytest.raises(ConfigurationError):  # no table configured: it went the WebSocket way
            handler.stream(event, LocalContext(), sink)
    else:
        assert handler.stream(event, LocalContext(), sink) == handler(event, LocalContext())
    assert sink.writes == []


def test_the_first_write_carries_the_prelude_and_the_first_chunk() -> None:
    sink = _stream(apps.streaming, sample_event("function_url", path="/events?count=2"))

    assert sink.writes[0].endswith(b"\0" * 8 + b"id: 0\ndata: event 0\n\n")
    assert sink.writes[1:] == [b"id: 1\ndata: event 1\n\n"]
    assert sink.failure is None


def test_excluded_headers_stay_out_of_the_prelude() -> None:
    handler = Mangum(apps.app, lifespan="off", invoke_mode="RESPONSE_STREAM", exclude_headers=["x-multi"])
    prelude, _ = _stream(handler, sample_event("function_url", path="/events?count=1")).split()

    assert "x-multi" not in prelude["headers"]
    assert prelude["headers"]["cache-control"] == "no-cache"


def test_a_body_that_is_not_base64_is_a_400() -> None:
    event = sample_event("function_url", method="POST", path="/items/x", body="{}")
    event["isBase64Encoded"] = True
    event["body"] = "%%% not base64"

    prelude, body = _stream(apps.streaming, event).split()

    assert prelude["statusCode"] == 400
    assert body == b"Bad Request"


async def _bad_header(scope: Scope, receive: Receive, send: Send) -> None:
    start: Message = {"type": "http.response.start", "status": 200, "headers": [(b"x-bad", b"a\r\nb")]}
    await send(start)
    await send({"type": "http.response.body", "body": b"never"})


def test_a_header_lambda_would_refuse_gives_a_500_prelude() -> None:
    handler = Mangum(_bad_header, lifespan="off", invoke_mode="RESPONSE_STREAM")
    prelude, body = _stream(handler, sample_event("function_url")).split()

    assert prelude["statusCode"] == 500
    assert body == b"Internal Server Error"


async def _with_trailers(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 201, "headers": [], "trailers": True})
    await send({"type": "http.response.body", "body": b"done"})
    await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"1")]})


def test_trailers_after_the_body_are_dropped() -> None:
    handler = Mangum(_with_trailers, lifespan="off", invoke_mode="RESPONSE_STREAM")
    sink = _stream(handler, sample_event("function_url"))

    assert sink.split() == ({"statusCode": 201, "headers": {}, "cookies": []}, b"done")
    assert sink.failure is None


def test_a_response_over_the_limit_ends_with_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mangum.streaming.response.STREAM_LIMIT", 600)
    sink = _stream(apps.streaming, sample_event("function_url", path="/events?count=20&size=20"))

    assert 0 < sum(map(len, sink.writes)) <= 600
    assert type(sink.failure).__name__ == "ResponseTooLarge"


def test_a_first_chunk_over_the_limit_gives_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mangum.streaming.response.STREAM_LIMIT", 300)
    prelude, body = _stream(
        apps.streaming, sample_event("function_url", path="/events?count=1&size=400")
    ).split()

    assert prelude["statusCode"] == 500
    assert body == b"Internal Server Error"


def test_a_broken_sink_stops_the_app_which_then_sees_a_disconnect() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"one", "more_body": True})
        try:
            await send({"type": "http.response.body", "body": b"two", "more_body": True})
        except OSError:
            seen.append((await receive())["type"])
            raise

    sink = RecordingSink(broken_after=1)
    Mangum(app, lifespan="off", invoke_mode="RESPONSE_STREAM").stream(
        sample_event("function_url"), LocalContext(), sink
    )

    assert seen == ["http.disconnect"]
    assert isinstance(sink.failure, OSError)


def _lifespan_app(fail: bool) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        if fail:
            raise RuntimeError("no database")
        yield {"greeting": "hello from startup"}

    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.state.greeting)

    return Starlette(routes=[Route("/", home)], lifespan=lifespan)


def test_the_lifespan_state_reaches_a_streamed_request() -> None:
    handler = Mangum(_lifespan_app(fail=False), invoke_mode="RESPONSE_STREAM")

    assert _stream(handler, sample_event("function_url")).split()[1] == b"hello from startup"


@pytest.mark.parametrize("mode", ["auto", "on"])
def test_a_failed_lifespan_raises_before_anything_is_written(mode: LifespanMode) -> None:
    app = _lifespan_app(fail=True)
    for source in ("function_url", "api_gateway_v1"):
        sink = RecordingSink()
        with pytest.raises(LifespanFailure):
            Mangum(app, lifespan=mode, invoke_mode="RESPONSE_STREAM").stream(
                sample_event(source), LocalContext(), sink
            )
        assert sink.writes == []


class QueueHandler:
    """A custom handler that claims Function URL events with a ``queue`` header."""

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: Any) -> bool:
        return "queue" in (event.get("headers") or {})

    def __init__(self, event: LambdaEvent, context: LambdaContext, config: Any) -> None:
        self.event = event

    @property
    def body(self) -> bytes:
        return b""

    @property
    def scope(self) -> Scope:
        return {"type": "http", "method": "GET", "path": "/plain", "headers": [], "query_string": b""}

    def __call__(self, response: Any) -> dict[str, Any]:
        return {"custom": base64.b64encode(response["body"]).decode()}


def test_custom_handlers_are_asked_first_and_answer_buffered() -> None:
    handler = Mangum(apps.app, lifespan="off", invoke_mode="RESPONSE_STREAM", custom_handlers=[QueueHandler])
    event = sample_event("function_url", path="/plain")
    event["headers"]["queue"] = "yes"
    sink = RecordingSink()

    assert handler.stream(event, LocalContext(), sink) == {"custom": base64.b64encode(b"plain").decode()}
    assert sink.writes == []


async def _stalls_after(chunks: int, scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    if chunks:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        for _ in range(chunks):
            await send({"type": "http.response.body", "body": b"tick ", "more_body": True})
    await asyncio.Event().wait()  # never finishes


@pytest.mark.parametrize(
    ("chunks", "status", "body", "failure"),
    [
        pytest.param(0, 504, b"Gateway Timeout", None, id="not-started: answered 504"),
        pytest.param(2, 200, b"tick tick ", DeadlineExceeded, id="started: ended with an error"),
    ],
)
def test_a_stream_still_running_at_the_deadline_is_ended_in_time(
    chunks: int, status: int, body: bytes, failure: type[BaseException] | None
) -> None:
    app = partial(_stalls_after, chunks)
    handler = Mangum(app, lifespan="off", invoke_mode="RESPONSE_STREAM", deadline_margin=0.6)
    sink = RecordingSink()
    started = time.monotonic()
    handler.stream(sample_event("function_url"), LocalContext(timeout_ms=1200), sink)
    assert time.monotonic() - started < 1.2, "answered after Lambda's deadline"
    prelude, streamed = sink.split()
    assert (prelude["statusCode"], streamed) == (status, body)
    assert (None if sink.failure is None else type(sink.failure)) is failure


class SlowSink(RecordingSink):
    """A sink whose second write takes ``seconds``, blocking the thread (as a throttled socket does)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def write(self, data: bytes) -> None:
        if len(self.writes) == 1:
            time.sleep(self.seconds)
        super().write(data)


def test_a_chunk_being_written_at_the_deadline_is_written_whole_then_the_stream_ends() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first, ", "more_body": True})
        await send({"type": "http.response.body", "body": b"a slow chunk", "more_body": True})
        await asyncio.Event().wait()

    handler = Mangum(app, lifespan="off", invoke_mode="RESPONSE_STREAM", deadline_margin=0.6)
    sink = SlowSink(seconds=0.9)  # the write runs past the point blocking code is interrupted (0.7 s)
    handler.stream(sample_event("function_url"), LocalContext(timeout_ms=1000), sink)

    prelude, streamed = sink.split()
    assert (prelude["statusCode"], streamed) == (200, b"first, a slow chunk")
    assert isinstance(sink.failure, DeadlineExceeded)
