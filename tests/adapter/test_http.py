"""``Mangum(app)`` end to end: every sample HTTP event and every framework through the handler,
and each way an invocation can go wrong."""

from __future__ import annotations

import base64
import importlib
import json
import logging
from pathlib import Path

import pytest

from mangum import Mangum
from mangum.events import WebSocketEvent, event_of, parse_event
from mangum.events.sources import LambdaHttpEvent
from mangum.exceptions import InvalidBody, InvalidEvent, UnsupportedEvent
from mangum.types import ASGI, LambdaEvent, Receive, Scope, Send
from tests.support.adapter import (
    CONTEXT,
    RESPONSE_MODEL,
    EchoApp,
    body_of,
    header_values,
    json_of,
    status_of,
)
from tests.support.event_files import all_sample_paths
from tests.support.frameworks import BINARY, FRAMEWORKS, Boom
from tests.support.http_events import EVENT_BUILDERS, rest_event, v2_event

HTTP_SAMPLES = [
    path
    for path in all_sample_paths()
    if not isinstance(parse_event(json.loads(path.read_text())), WebSocketEvent)
]


def http_model(raw: LambdaEvent) -> LambdaHttpEvent:
    model = parse_event(raw)
    assert not isinstance(model, WebSocketEvent)
    return model


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda path: path.name)
def test_every_sample_http_event_round_trips_through_the_handler(path: Path) -> None:
    raw = json.loads(path.read_text())
    model = http_model(raw)
    app = EchoApp()
    result = Mangum(app, lifespan="off")(raw, CONTEXT)

    RESPONSE_MODEL[type(model).__name__].model_validate(result)
    try:
        body = model.body_bytes()
    except InvalidBody:  # a sample flagged base64 whose body is not
        assert (status_of(result), body_of(result), app.scopes) == (400, b"Bad Request", [])
        return
    assert status_of(result) == 200
    assert body_of(result) == body
    [scope] = app.scopes
    assert header_values(result, "x-method") == [scope["method"]]
    assert header_values(result, "x-path") == [scope["path"]]
    assert scope["aws.event"] is raw
    assert scope["aws.context"] is CONTEXT
    assert event_of(scope) == model
    assert "state" not in scope


def test_samples_cover_every_http_source() -> None:
    sources = {type(http_model(json.loads(path.read_text()))).__name__ for path in HTTP_SAMPLES}
    assert sources == set(RESPONSE_MODEL)


def framework_app(name: str) -> ASGI:
    module = importlib.import_module(f"tests.support.frameworks.{name}_app")
    app: ASGI = module.make_app()
    return app


@pytest.fixture(scope="module", params=FRAMEWORKS)
def framework_handler(request: pytest.FixtureRequest) -> Mangum:
    return Mangum(framework_app(request.param))


SOURCES = list(EVENT_BUILDERS)


@pytest.mark.parametrize("source", SOURCES)
def test_framework_json_route(framework_handler: Mangum, source: str) -> None:
    result = framework_handler(EVENT_BUILDERS[source]("/json"), CONTEXT)
    assert status_of(result) == 200
    assert json_of(result) == {"hello": "world", "path": "/json", "root_path": ""}


@pytest.mark.parametrize("source", SOURCES)
def test_framework_binary_route(framework_handler: Mangum, source: str) -> None:
    result = framework_handler(EVENT_BUILDERS[source]("/binary"), CONTEXT)
    assert status_of(result) == 200
    assert body_of(result) == BINARY
    assert result.get("isBase64Encoded", result.get("bodyEncoding") == "base64")


@pytest.mark.parametrize("source", SOURCES)
def test_framework_cookies_route(framework_handler: Mangum, source: str) -> None:
    result = framework_handler(EVENT_BUILDERS[source]("/cookies"), CONTEXT)
    assert status_of(result) == 200
    cookies = sorted(value.split(";")[0] for value in header_values(result, "set-cookie"))
    assert cookies == ["a=1", "b=2"]


@pytest.mark.parametrize("source", SOURCES)
def test_framework_exception_is_a_500_without_details(framework_handler: Mangum, source: str) -> None:
    result = framework_handler(EVENT_BUILDERS[source]("/boom"), CONTEXT)
    assert status_of(result) == 500
    assert b"Traceback" not in body_of(result)
    assert b"Boom" not in body_of(result)


@pytest.mark.parametrize("source", SOURCES)
def test_framework_unknown_route_is_404(framework_handler: Mangum, source: str) -> None:
    assert status_of(framework_handler(EVENT_BUILDERS[source]("/nowhere"), CONTEXT)) == 404


@pytest.mark.parametrize("name", ["fastapi", "starlette"])
def test_propagated_framework_exception_is_logged_with_its_traceback(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    result = Mangum(framework_app(name))(v2_event("/boom"), CONTEXT)
    assert (status_of(result), body_of(result)) == (500, b"Internal Server Error")
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("mangum")]
    assert error.exc_info is not None
    assert error.exc_info[0] is Boom


def test_framework_routes_behind_a_rest_stage_and_sees_the_mount(framework_handler: Mangum) -> None:
    # The stage is what the client requested in front of the route: routed as /json, mounted at /prod.
    result = framework_handler(rest_event("/json", context_path="/prod/json"), CONTEXT)
    assert status_of(result) == 200
    assert json_of(result)["root_path"] == "/prod"
    assert json_of(result)["path"] in ("/json", "/prod/json")  # route path or full URL path, by framework


def test_framework_routes_under_a_custom_domain_base_path(framework_handler: Mangum) -> None:
    handler = Mangum(framework_handler.app, api_gateway_base_path="/api")
    result = handler(v2_event("/api/json"), CONTEXT)
    assert status_of(result) == 200
    assert json_of(result)["root_path"] == "/api"


def test_framework_echo_post(framework_handler: Mangum) -> None:
    body = '{"name": "widget", "price": 3}'
    event = v2_event("/echo", method="POST", headers={"host": "h", "content-type": "application/json"})
    event |= {"body": base64.b64encode(body.encode()).decode(), "isBase64Encoded": True}
    result = framework_handler(event, CONTEXT)
    assert status_of(result) == 200
    assert body_of(result) == body.encode()


# --- what goes wrong ----------------------------------------------------------------------------


def test_undecodable_body_is_a_400_and_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    app = EchoApp()
    event = v2_event("/echo", method="POST") | {"body": "not base64!", "isBase64Encoded": True}
    result = Mangum(app)(event, CONTEXT)
    assert (status_of(result), body_of(result)) == (400, b"Bad Request")
    assert header_values(result, "content-type") == ["text/plain; charset=utf-8"]
    assert app.scopes == []
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "base64" in warning.getMessage()
    assert "not base64!" not in warning.getMessage()


def raw_app(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> ASGI:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.mark.parametrize(
    ("app", "problem"),
    [
        pytest.param(raw_app(200, [], b"x" * 7_000_000), "exceeds", id="too-large"),
        pytest.param(raw_app(999, [], b""), "status", id="bad-status"),
        pytest.param(raw_app(200, [(b"x-bad", b"a\r\nb")], b""), "CR or LF", id="line-break-in-header"),
        pytest.param(raw_app(200, [(b"x bad", b"v")], b""), "RFC 9110 tokens", id="space-in-header-name"),
        pytest.param(raw_app(200, [(b"x-bad:", b"v")], b""), "RFC 9110 tokens", id="colon-in-header-name"),
        pytest.param(raw_app(200, [(b"x-bad", b"a\x00b")], b""), "control characters", id="nul-in-header"),
        pytest.param(
            raw_app(200, [(b"set-cookie", b"a=\x01b")], b""), "control characters", id="control-in-cookie"
        ),
    ],
)
def test_unreturnable_response_is_a_plain_500_and_logged(
    app: ASGI, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    result = Mangum(app)(v2_event("/"), CONTEXT)
    assert (status_of(result), body_of(result)) == (500, b"Internal Server Error")
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert problem in error.getMessage()


def test_unknown_event_raises_unsupported_event() -> None:
    with pytest.raises(UnsupportedEvent, match="matches no known"):
        Mangum(EchoApp())({"detail-type": "Scheduled Event"}, CONTEXT)


def test_malformed_event_raises_invalid_event() -> None:
    event = v2_event("/")
    del event["requestContext"]["http"]
    with pytest.raises(InvalidEvent, match=r"requestContext\.http"):
        Mangum(EchoApp())(event, CONTEXT)


def test_a_missing_context_is_tolerated_as_pypi_mangum_tests_pass_none() -> None:
    app = EchoApp()
    result = Mangum(app)(v2_event("/"), None)  # type: ignore[arg-type]  # what such tests pass
    assert status_of(result) == 200
    assert app.scopes[0]["aws.context"] is None
