"""HTTP through ``serve``, with httpx as the client: each source's event as the function receives it,
and the function's result as the client receives it."""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from mangum.events import AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event, FunctionUrlEvent, parse_event
from tests.local.support import WAIT, Serve, running_serve


@pytest.fixture(scope="module")
def rest() -> Iterator[Serve]:
    with running_serve("tests.local.apps:echo") as serve:
        yield serve


@pytest.fixture(scope="module")
def http_api() -> Iterator[Serve]:
    with running_serve("tests.local.apps:echo", "--source", "http", "--stage", "beta") as serve:
        yield serve


@pytest.fixture(scope="module")
def app() -> Iterator[Serve]:
    with running_serve("tests.local.apps:handler", "--source", "http") as serve:
        yield serve


def test_rest_event_has_the_stage_maps_and_identity(rest: Serve) -> None:
    assert rest.base_url.endswith("/prod")
    answer = httpx.get(
        f"{rest.base_url}/items/7?tag=a&tag=b&q=x%20y",
        headers=[("X-Repeat", "one"), ("X-Repeat", "two"), ("Cookie", "c=1")],
        timeout=WAIT,
    )
    assert answer.status_code == 200
    event = answer.json()
    parsed = parse_event(event)
    assert isinstance(parsed, ApiGatewayV1Event)
    assert event["path"] == "/items/7"
    assert event["resource"] == "/{proxy+}"
    assert event["pathParameters"] == {"proxy": "items/7"}
    context = event["requestContext"]
    assert context["path"] == "/prod/items/7"
    assert context["stage"] == "prod"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == answer.headers["x-amzn-requestid"]
    assert context["domainName"] == rest.origin.removeprefix("http://")
    assert abs(context["requestTimeEpoch"] / 1000 - time.time()) < 60
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["x y"]}
    assert event["queryStringParameters"] == {"tag": "b", "q": "x y"}
    assert event["multiValueHeaders"]["x-repeat"] == ["one", "two"]
    assert event["headers"]["x-repeat"] == "two"
    assert event["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert event["headers"]["x-forwarded-proto"] == "http"
    assert event["body"] is None
    assert event["isBase64Encoded"] is False


def test_rest_result_multi_value_headers_and_cookies(rest: Serve) -> None:
    answer = httpx.get(f"{rest.base_url}/", timeout=WAIT)
    assert answer.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert answer.headers.get_list("x-multi") == ["x", "y"]
    assert answer.headers["x-single"] == "one"
    assert answer.json()["resource"] == "/"
    assert answer.json()["pathParameters"] is None


def test_rest_outside_the_stage_is_forbidden(rest: Serve) -> None:
    answer = httpx.get(f"{rest.origin}/items/7", timeout=WAIT)
    assert (answer.status_code, answer.json()) == (403, {"message": "Forbidden"})


def test_binary_request_body_arrives_base64_and_text_as_text(rest: Serve) -> None:
    data = bytes(range(256))
    binary = httpx.post(
        f"{rest.base_url}/upload",
        content=data,
        headers={"content-type": "application/octet-stream"},
        timeout=WAIT,
    ).json()
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == data
    text = httpx.post(f"{rest.base_url}/upload", json={"name": "ünï"}, timeout=WAIT).json()
    assert text["isBase64Encoded"] is False
    assert json.loads(text["body"]) == {"name": "ünï"}


def test_http_api_event_keeps_raw_path_cookies_and_named_stage(http_api: Serve) -> None:
    assert http_api.base_url.endswith("/beta")
    answer = httpx.get(
        f"{http_api.base_url}/a%2Fb/c?x=1&x=2&raw=%41",
        headers=[("Cookie", "one=1; two=2"), ("X-Repeat", "a"), ("X-Repeat", "b")],
        timeout=WAIT,
    )
    event = answer.json()
    assert isinstance(parse_event(event), ApiGatewayV2Event)
    assert event["rawPath"] == "/beta/a%2Fb/c"
    assert event["rawQueryString"] == "x=1&x=2&raw=%41"
    assert event["queryStringParameters"] == {"x": "1,2", "raw": "A"}
    assert event["cookies"] == ["one=1", "two=2"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-repeat"] == "a,b"
    context = event["requestContext"]
    assert (context["stage"], context["http"]["path"], context["http"]["sourceIp"]) == (
        "beta",
        "/beta/a/b/c",
        "127.0.0.1",
    )
    assert isinstance(context["timeEpoch"], int)
    assert context["time"].endswith("+0000")
    assert answer.headers["apigw-requestid"] == context["requestId"]
    assert answer.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]
    outside = httpx.get(f"{http_api.origin}/a", timeout=WAIT)
    assert (outside.status_code, outside.json()) == (404, {"message": "Not Found"})


@pytest.mark.parametrize(("source", "model"), [("alb", AlbEvent), ("url", FunctionUrlEvent)])
def test_alb_and_function_url_events(source: str, model: type) -> None:
    # Neither has a stage: --stage names the WebSocket API's alone.
    with running_serve("tests.local.apps:echo", "--source", source, "--stage", "dev") as serve:
        assert serve.base_url == serve.origin
        assert f"WebSocket       {serve.ws_origin}/dev" in serve.output()
        answer = httpx.get(f"{serve.base_url}/find?q=a%20b&q=c", timeout=WAIT)
        event = answer.json()
        assert isinstance(parse_event(event), model)
        if source == "alb":
            assert event["queryStringParameters"] == {"q": "c"}
            assert event["path"] == "/find"
            assert event["headers"]["x-forwarded-for"] == "127.0.0.1"
            assert answer.headers.get_list("x-multi") == ["x", "y"]
        else:
            assert ".lambda-url." in event["requestContext"]["domainName"]
            assert event["rawQueryString"] == "q=a%20b&q=c"
            assert answer.headers.get_list("set-cookie") == ["a=1; Path=/", "b=2; Path=/"]


def test_mangum_app_sees_the_request_and_its_cookies(app: Serve) -> None:
    seen = httpx.get(f"{app.base_url}/inspect/x%20y?a=1&a=2", cookies={"theme": "dark"}, timeout=WAIT).json()
    assert seen["path"] == "/inspect/x y"
    assert seen["query"] == [["a", "1"], ["a", "2"]]
    assert seen["cookies"] == {"theme": "dark"}
    assert seen["client"] == "127.0.0.1"
    assert seen["url"].startswith(app.origin + "/inspect/")


def test_mangum_app_binary_round_trip_and_set_cookies(app: Serve) -> None:
    data = bytes(range(255, -1, -1))
    answer = httpx.post(f"{app.base_url}/binary", content=data, timeout=WAIT)
    assert answer.content == data[::-1]
    assert answer.headers["content-type"] == "application/octet-stream"
    cookies = httpx.get(f"{app.base_url}/cookies", timeout=WAIT)
    assert sorted(cookies.headers.get_list("set-cookie")) == [
        "session=abc; HttpOnly; Path=/; SameSite=lax",
        "theme=dark; Path=/; SameSite=lax",
    ]
    assert cookies.headers["x-multi"] == "one,two"  # joined by the HTTP API result, as PyPI mangum joins


def test_request_over_the_limit_is_refused_by_the_service() -> None:
    with running_serve("tests.local.apps:echo", "--source", "alb") as serve:
        answer = httpx.post(f"{serve.base_url}/upload", content=b"x" * (1024 * 1024 + 1), timeout=WAIT)
        assert answer.status_code == 413
        assert "413 Request Entity Too Large" in answer.text
        assert "START RequestId" not in serve.output()  # the function never ran


def _raw_answer(rest: Serve, *pieces: bytes) -> bytes:
    """What ``serve`` answers, before it closes the connection, to the request sent as ``pieces``,
    one write each (a short pause between them, so that they arrive apart)."""
    host, port = rest.origin.removeprefix("http://").split(":")
    answer = b""
    with socket.create_connection((host, int(port)), timeout=WAIT) as sock:
        try:
            for piece in pieces:
                sock.sendall(piece)
                time.sleep(0.01)
        except OSError:
            pass  # refused and closed before the last piece
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
    return answer


def test_a_header_section_past_16_kb_is_refused_with_431_however_it_arrives(rest: Serve) -> None:
    head = b"GET /prod/headers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    whole = _raw_answer(rest, head + b"X-Big: " + b"a" * 17_000 + b"\r\n\r\n")
    dribbled = _raw_answer(rest, head, *[b"X-Part: " + b"b" * 1_000 + b"\r\n"] * 20)
    many = _raw_answer(rest, head + b"".join(b"X-%d: %s\r\n" % (n, b"c" * 100) for n in range(200)) + b"\r\n")

    for answer in (whole, dribbled, many):
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:64]
        assert b"connection: close" in answer
    assert len(rest.wait_for("Request header section over 16384 bytes: refused", count=3)) >= 3


def test_a_header_section_under_16_kb_is_served(rest: Serve) -> None:
    answer = httpx.get(f"{rest.base_url}/headers", headers={"X-Big": "a" * 15_000}, timeout=WAIT)

    assert answer.status_code == 200
    headers = {name.lower(): value for name, value in answer.json()["headers"].items()}
    assert headers["x-big"] == "a" * 15_000
