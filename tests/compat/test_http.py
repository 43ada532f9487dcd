"""PyPI mangum's HTTP behaviour through ``Mangum(app)``: the result of each source for cookies and
repeated headers, app failures, binary bodies, text types, excluded headers and the access log."""

from __future__ import annotations

import base64
import gzip
import json
import logging
from collections.abc import Callable

import pytest
from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.types import ASGI, LambdaEvent, Receive, Scope, Send
from tests.compat import events
from tests.compat.apps import Responding
from tests.support.adapter import CONTEXT

PLAIN = (b"content-type", b"text/plain; charset=utf-8")
COOKIES = [(b"set-cookie", b"cookie1=cookie1; Secure"), (b"set-cookie", b"cookie2=cookie2; Secure")]


REST_WITH_COOKIES = {
    "statusCode": 200,
    "isBase64Encoded": False,
    "headers": {"content-type": "text/plain; charset=utf-8"},
    "multiValueHeaders": {"set-cookie": ["cookie1=cookie1; Secure", "cookie2=cookie2; Secure"]},
    "body": "Hello, world!",
}
"""The REST layout of a text answer setting two cookies."""


@pytest.mark.parametrize("event", [events.rest, events.http_v1], ids=["rest", "http-payload-1"])
def test_rest_layout_cookies_go_to_multi_value_headers(event: Callable[..., LambdaEvent]) -> None:
    app = Responding(headers=[PLAIN, *COOKIES])
    result = Mangum(app, lifespan="off")(event(query={"name": ["me", "you"]}), CONTEXT)
    assert result == REST_WITH_COOKIES
    [scope] = app.scopes
    assert scope["query_string"] == b"name=me&name=you"
    assert scope["client"] == ("192.168.100.1", 0)
    assert scope["server"] == ("test.execute-api.us-west-2.amazonaws.com", 443)
    assert (scope["scheme"], scope["method"]) == ("https", "GET")


@pytest.mark.parametrize(
    ("sent", "single", "multi"),
    [
        ([(b"key1", b"value1"), (b"key2", b"value2")], {"key1": "value1", "key2": "value2"}, {}),
        ([(b"key1", b"value1"), (b"key1", b"value2")], {}, {"key1": ["value1", "value2"]}),
        ([(b"key1", b"1"), (b"key1", b"2"), (b"key1", b"3")], {}, {"key1": ["1", "2", "3"]}),
        ([], {}, {}),
    ],
    ids=["distinct", "twice", "three-times", "none"],
)
def test_rest_api_repeated_headers(
    sent: list[tuple[bytes, bytes]], single: dict[str, str], multi: dict[str, list[str]]
) -> None:
    result = Mangum(Responding(headers=[PLAIN, *sent]), lifespan="off")(events.rest(), CONTEXT)
    assert result["headers"] == {"content-type": "text/plain; charset=utf-8", **single}
    assert result["multiValueHeaders"] == multi


@pytest.mark.parametrize("query", ["", "name=me", "name=me&name=you", "name=me&name=you&pet=dog"])
def test_http_api_cookies_and_repeated_headers(query: str) -> None:
    app = Responding(headers=[PLAIN, *COOKIES, (b"multivalue", b"foo"), (b"multivalue", b"bar")])
    result = Mangum(app, lifespan="off")(events.http_v2(query=query), CONTEXT)
    assert result == {
        "statusCode": 200,
        "isBase64Encoded": False,
        # Joined with a bare comma, as PyPI mangum joins them.
        "headers": {"content-type": "text/plain; charset=utf-8", "multivalue": "foo,bar"},
        "cookies": ["cookie1=cookie1; Secure", "cookie2=cookie2; Secure"],
        "body": "Hello, world!",
    }
    [scope] = app.scopes
    assert scope["query_string"] == query.encode()
    assert (b"cookie", b"cookie1; cookie2") in scope["headers"]
    assert scope["client"] == ("192.168.100.1", 0)


@pytest.mark.parametrize("multi_value", [True, False], ids=["multi-value", "single-value"])
def test_alb_cookies_follow_the_target_groups_mode(multi_value: bool) -> None:
    result = Mangum(Responding(headers=[PLAIN, *COOKIES]), lifespan="off")(
        events.alb(multi_value=multi_value), CONTEXT
    )
    if multi_value:
        assert result["multiValueHeaders"] == {
            "content-type": ["text/plain; charset=utf-8"],
            "set-cookie": ["cookie1=cookie1; Secure", "cookie2=cookie2; Secure"],
        }
        assert "headers" not in result
    else:
        # One key per cookie, told apart by letter case: ALB sends each as its own Set-Cookie.
        assert result["headers"] == {
            "content-type": "text/plain; charset=utf-8",
            "set-cookie": "cookie1=cookie1; Secure",
            "Set-cookie": "cookie2=cookie2; Secure",
        }
        assert "multiValueHeaders" not in result
    assert (result["statusCode"], result["body"], result["isBase64Encoded"]) == (200, "Hello, world!", False)


def test_alb_repeated_headers_other_than_cookies_are_kept_apart_too() -> None:
    sent = [PLAIN, (b"vary", b"Accept"), (b"vary", b"Origin")]
    result = Mangum(Responding(headers=sent), lifespan="off")(events.alb(), CONTEXT)
    assert result["headers"] == {
        "content-type": "text/plain; charset=utf-8",
        "vary": "Accept",
        "Vary": "Origin",
    }


def test_empty_request_headers_are_accepted() -> None:
    event = events.rest()
    event["headers"] = None
    app = Responding()
    result = Mangum(app, lifespan="off")(event, CONTEXT)
    assert (result["statusCode"], result["body"]) == (200, "Hello, world!")
    assert app.scopes[0]["headers"] == []


def test_an_exception_after_the_response_started_is_a_plain_500() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200})
        raise RuntimeError("half way")

    result = Mangum(app, lifespan="off")(events.rest(), CONTEXT)
    assert result == {
        "statusCode": 500,
        "isBase64Encoded": False,
        "headers": {"content-type": "text/plain; charset=utf-8"},
        "multiValueHeaders": {},
        "body": "Internal Server Error",
    }


def test_a_frameworks_own_exception_handler_answers() -> None:
    def homepage(request: Request) -> PlainTextResponse:
        raise RuntimeError("boom")

    async def all_exceptions(request: Request, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse(content="Error!", status_code=500)

    # Starlette answers with the handler's response, then raises the error again for the server.
    app = Starlette(routes=[Route("/test/hello", homepage)], exception_handlers={Exception: all_exceptions})
    result = Mangum(app)(events.rest(), CONTEXT)
    assert result == {
        "statusCode": 500,
        "isBase64Encoded": False,
        "headers": {"content-length": "6", "content-type": "text/plain; charset=utf-8"},
        "multiValueHeaders": {},
        "body": "Error!",
    }


async def body_before_start(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.body", "body": b"Hello, world!"})


async def started_twice(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200})
    await send({"type": "http.response.start", "status": 200})


@pytest.mark.parametrize("app", [body_before_start, started_twice], ids=["body-first", "start-twice"])
def test_messages_out_of_order_are_a_plain_500(app: ASGI, caplog: pytest.LogCaptureFixture) -> None:
    result = Mangum(app, lifespan="off")(events.rest(body=""), CONTEXT)
    assert (result["statusCode"], result["body"]) == (500, "Internal Server Error")
    assert result["headers"] == {"content-type": "text/plain; charset=utf-8"}
    assert any(record.levelno == logging.ERROR and record.name == "mangum.http" for record in caplog.records)


def test_a_gzipped_body_is_base64() -> None:
    body = json.dumps({"abc": "defg"}).encode()
    app = GZipMiddleware(
        Responding(headers=[(b"content-type", b"application/json")], body=body), minimum_size=1
    )
    result = Mangum(app, lifespan="off")(events.rest(), CONTEXT)
    assert result["isBase64Encoded"] is True
    assert result["headers"] == {
        "content-encoding": "gzip",
        "content-type": "application/json",
        "content-length": str(len(gzip.compress(body))),
        "vary": "Accept-Encoding",
    }
    assert gzip.decompress(base64.b64decode(result["body"])) == body


@pytest.mark.parametrize(
    ("content_type", "body", "expected", "as_base64"),
    [
        (b"text/plain; charset=utf-8", b"Hello world", "Hello world", False),
        (b"image/gif", events.PIXEL_GIF, "R0lGODdhAQABAIABAP8AAAAAACwAAAAAAQABAAACAkQBADs=", True),
    ],
    ids=["text", "gif"],
)
@pytest.mark.parametrize(
    "event", [events.rest(), events.http_v1(), events.alb()], ids=["rest", "http-v1", "alb"]
)
def test_text_or_base64_by_content_type(
    event: dict[str, object], content_type: bytes, body: bytes, expected: str, as_base64: bool
) -> None:
    result = Mangum(Responding(headers=[(b"content-type", content_type)], body=body), lifespan="off")(
        event, CONTEXT
    )
    assert (result["body"], result["isBase64Encoded"]) == (expected, as_base64)
    assert result["headers"] == {"content-type": content_type.decode()}


@pytest.mark.parametrize(
    "event", [events.rest(), events.http_v2(), events.alb()], ids=["rest", "http", "alb"]
)
def test_extra_text_mime_types_are_sent_as_text(event: dict[str, object]) -> None:
    app = Responding(headers=[(b"content-type", b"application/x-yaml")], body=b"name: 'John Doe'")
    default = Mangum(app, lifespan="off")
    assert "application/x-yaml" not in default.config["text_mime_types"]
    assert (default(event, CONTEXT)["body"], default(event, CONTEXT)["isBase64Encoded"]) == (
        "bmFtZTogJ0pvaG4gRG9lJw==",
        True,
    )
    # PyPI mangum users appended to handler.config["text_mime_types"]; here it is an argument.
    chosen = Mangum(app, lifespan="off", text_mime_types=["application/x-yaml"])
    assert "application/x-yaml" in chosen.config["text_mime_types"]
    assert (chosen(event, CONTEXT)["body"], chosen(event, CONTEXT)["isBase64Encoded"]) == (
        "name: 'John Doe'",
        False,
    )


@pytest.mark.parametrize(
    "event",
    [events.rest(), events.http_v2(), events.alb(), events.alb(multi_value=True)],
    ids=["rest", "http", "alb", "alb-multi"],
)
def test_excluded_headers_are_dropped_whatever_their_case(event: dict[str, object]) -> None:
    app = Responding(headers=[PLAIN, (b"x-custom-header", b"test")])
    result = Mangum(app, lifespan="off", exclude_headers=["X-CUSTOM-HEADER"])(event, CONTEXT)
    kept = result.get("headers") or {name: values[0] for name, values in result["multiValueHeaders"].items()}
    assert kept == {"content-type": "text/plain; charset=utf-8"}


def test_each_request_is_logged_at_info_on_mangum_http(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="mangum.http")
    handler = Mangum(Responding(status=201), lifespan="off")
    handler(events.rest(path="/items/1"), CONTEXT)
    handler(events.http_v2(path="/test/hello"), CONTEXT)
    lines = [
        (record.levelno, record.getMessage()) for record in caplog.records if record.name == "mangum.http"
    ]
    assert lines == [(logging.INFO, "GET /items/1 201"), (logging.INFO, "GET /test/hello 201")]


def test_the_access_log_shows_the_path_the_app_routes_without_the_stage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="mangum.http")
    event = events.rest(path="/items/1")
    event["requestContext"]["path"] = "/Prod/items/1"  # the default execute-api domain: the stage first
    app = Responding()
    Mangum(app, lifespan="off")(event, CONTEXT)
    assert app.scopes[0]["root_path"] == "/Prod"
    assert [record.getMessage() for record in caplog.records if record.name == "mangum.http"] == [
        "GET /items/1 200"
    ]


def test_no_access_log_line_without_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="mangum")
    Mangum(Responding(), lifespan="off")(events.rest(), CONTEXT)
    assert [record for record in caplog.records if record.name == "mangum.http"] == []
