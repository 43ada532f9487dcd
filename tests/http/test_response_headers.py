"""Response headers in each source's layout: cookies, repeated names, exclusions, CloudFront's
refused headers, status descriptions and the adapter's own error answers."""

from __future__ import annotations

import pytest

from mangum._http.response import CollectedResponse, build_result, plain_text
from mangum.config import build_config
from mangum.exceptions import InvalidResponse
from tests.support.responses import SOURCES, event_for, expected, result

EXPIRING = "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly"
COOKIE_HEADERS = [
    (b"content-type", b"text/plain"),
    (b"Set-Cookie", b"a=1; Path=/"),
    (b"set-cookie", EXPIRING.encode()),
]

COOKIE_RESULTS: dict[str, dict[str, object]] = {
    "rest": {
        "statusCode": 200,
        "headers": {"content-type": "text/plain"},
        "multiValueHeaders": {"Set-Cookie": ["a=1; Path=/", EXPIRING]},
        "body": "ok",
        "isBase64Encoded": False,
    },
    "http": {
        "statusCode": 200,
        "headers": {"content-type": "text/plain"},
        "cookies": ["a=1; Path=/", EXPIRING],
        "body": "ok",
        "isBase64Encoded": False,
    },
    "alb": {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "headers": {"content-type": "text/plain", "set-cookie": "a=1; Path=/", "Set-cookie": EXPIRING},
        "body": "ok",
        "isBase64Encoded": False,
    },
    "alb-multi": {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "multiValueHeaders": {"content-type": ["text/plain"], "Set-Cookie": ["a=1; Path=/", EXPIRING]},
        "body": "ok",
        "isBase64Encoded": False,
    },
    "cloudfront-viewer": {
        "status": "200",
        "statusDescription": "OK",
        "headers": {
            "content-type": [{"key": "content-type", "value": "text/plain"}],
            "set-cookie": [
                {"key": "Set-Cookie", "value": "a=1; Path=/"},
                {"key": "set-cookie", "value": EXPIRING},
            ],
        },
        "body": "ok",
        "bodyEncoding": "text",
    },
}
COOKIE_RESULTS["url"] = COOKIE_RESULTS["http"]
COOKIE_RESULTS["cloudfront-origin"] = COOKIE_RESULTS["cloudfront-viewer"]


@pytest.mark.parametrize("source", SOURCES)
def test_two_set_cookies(source: str) -> None:
    assert result(source, 200, COOKIE_HEADERS, b"ok") == COOKIE_RESULTS[source]


REPEATED_HEADERS = [(b"Vary", b"Accept"), (b"Cache-Control", b"no-store"), (b"vary", b"Origin")]
REPEATED_RESULTS: dict[str, dict[str, object]] = {
    "rest": {
        "statusCode": 204,
        "headers": {"Cache-Control": "no-store"},
        "multiValueHeaders": {"Vary": ["Accept", "Origin"]},
        "body": "",
        "isBase64Encoded": False,
    },
    "http": {
        "statusCode": 204,
        # Joined with "," as PyPI mangum joins them.
        "headers": {"Vary": "Accept,Origin", "Cache-Control": "no-store"},
        "cookies": [],
        "body": "",
        "isBase64Encoded": False,
    },
    "alb": {
        "statusCode": 204,
        "statusDescription": "204 No Content",
        # One value per key: each under its own spelling of the name, as PyPI mangum sends them.
        "headers": {"vary": "Accept", "Vary": "Origin", "Cache-Control": "no-store"},
        "body": "",
        "isBase64Encoded": False,
    },
    "alb-multi": {
        "statusCode": 204,
        "statusDescription": "204 No Content",
        "multiValueHeaders": {"Vary": ["Accept", "Origin"], "Cache-Control": ["no-store"]},
        "body": "",
        "isBase64Encoded": False,
    },
    "cloudfront-viewer": {
        "status": "204",
        "statusDescription": "No Content",
        "headers": {
            "vary": [{"key": "Vary", "value": "Accept"}, {"key": "vary", "value": "Origin"}],
            "cache-control": [{"key": "Cache-Control", "value": "no-store"}],
        },
        "body": "",
        "bodyEncoding": "text",
    },
}
REPEATED_RESULTS["url"] = REPEATED_RESULTS["http"]
REPEATED_RESULTS["cloudfront-origin"] = REPEATED_RESULTS["cloudfront-viewer"]


@pytest.mark.parametrize("source", SOURCES)
def test_repeated_header_names_compare_case_insensitively(source: str) -> None:
    assert result(source, 204, REPEATED_HEADERS) == REPEATED_RESULTS[source]


SAME_NAME_TWICE = [(b"vary", b"Accept"), (b"vary", b"Origin")]
SAME_NAME_TWICE_HEADERS: dict[str, dict[str, object]] = {
    "rest": {"headers": {}, "multiValueHeaders": {"vary": ["Accept", "Origin"]}},
    "http": {"headers": {"vary": "Accept,Origin"}},
    "url": {"headers": {"vary": "Accept,Origin"}},
    "alb": {"headers": {"vary": "Accept", "Vary": "Origin"}},
    "alb-multi": {"multiValueHeaders": {"vary": ["Accept", "Origin"]}},
    "cloudfront-viewer": {
        "headers": {"vary": [{"key": "vary", "value": "Accept"}, {"key": "vary", "value": "Origin"}]}
    },
}
SAME_NAME_TWICE_HEADERS["cloudfront-origin"] = SAME_NAME_TWICE_HEADERS["cloudfront-viewer"]


@pytest.mark.parametrize("source", SOURCES)
def test_a_name_repeated_with_the_same_spelling_keeps_every_value(source: str) -> None:
    # The very same bytes twice (an app's constant): decoded to the very same name.
    got = result(source, 200, SAME_NAME_TWICE)
    assert {key: got[key] for key in SAME_NAME_TWICE_HEADERS[source]} == SAME_NAME_TWICE_HEADERS[source]


@pytest.mark.parametrize("source", SOURCES)
def test_excluded_headers_are_dropped_whatever_their_case(source: str) -> None:
    config = build_config(exclude_headers=["X-Secret", "server"])
    headers = [(b"X-Secret", b"s"), (b"Server", b"uvicorn"), (b"X-Other", b"1"), (b"x-secret", b"t")]
    assert result(source, 200, headers, b"", config) == expected(source, [("X-Other", "1")], "", False)


@pytest.mark.parametrize("source", SOURCES)
def test_excluded_content_type_still_decides_the_body_encoding(source: str) -> None:
    config = build_config(exclude_headers=["content-type"])
    got = result(source, 200, [(b"Content-Type", b"application/json")], b"[1]", config)
    assert got == expected(source, [], "[1]", False)


@pytest.mark.parametrize("source", SOURCES)
def test_header_bytes_are_decoded_as_latin1(source: str) -> None:
    got = result(source, 200, [(b"X-Place", b"caf\xe9")])
    assert got == expected(source, [("X-Place", "café")], "", False)


EDGE_REFUSED = [
    b"Connection",
    b"Content-Length",
    b"Transfer-Encoding",
    b"Via",
    b"Keep-Alive",
    b"Upgrade",
    b"X-Accel-Redirect",
    b"X-Amz-Cf-Pop",
    b"X-Edge-Location",
    b"X-Cache",
    b"X-Forwarded-Proto",
]


@pytest.mark.parametrize("source", ["cloudfront-viewer", "cloudfront-origin"])
def test_cloudfront_drops_headers_cloudfront_refuses(source: str) -> None:
    headers = [(name, b"v") for name in EDGE_REFUSED] + [(b"X-Custom", b"kept")]
    assert result(source, 200, headers) == expected(source, [("X-Custom", "kept")], "", False)


def test_other_sources_keep_the_headers_cloudfront_refuses() -> None:
    headers = [(name, b"v") for name in EDGE_REFUSED]
    got = result("rest", 200, headers)
    assert got == expected("rest", [(name.decode(), "v") for name in EDGE_REFUSED], "", False)


def test_alb_single_value_mode_gives_each_cookie_its_own_spelling() -> None:
    cookies = [f"c{index}=v".encode() for index in range(4)]
    got = result("alb", 200, [(b"Set-Cookie", cookie) for cookie in cookies])
    assert got["headers"] == {
        "set-cookie": "c0=v",
        "Set-cookie": "c1=v",
        "sEt-cookie": "c2=v",
        "SEt-cookie": "c3=v",
    }


def test_alb_single_value_mode_keeps_a_lone_cookie_as_sent() -> None:
    got = result("alb", 200, [(b"Set-Cookie", b"a=1")])
    assert got["headers"] == {"Set-Cookie": "a=1"}


def test_alb_single_value_mode_refuses_more_cookies_than_spellings() -> None:
    cookies = [(b"set-cookie", f"c{index}=v".encode()) for index in range(513)]
    with pytest.raises(InvalidResponse, match="multi-value headers"):
        result("alb", 200, cookies)


@pytest.mark.parametrize(
    ("status", "alb_description", "edge_description"),
    [(200, "200 OK", "OK"), (418, "418 I'm a Teapot", "I'm a Teapot"), (299, "299", None)],
)
def test_status_descriptions(status: int, alb_description: str, edge_description: str | None) -> None:
    assert result("alb", status, [])["statusDescription"] == alb_description
    assert result("alb-multi", status, [])["statusDescription"] == alb_description
    assert result("cloudfront-viewer", status, []).get("statusDescription") == edge_description


CRLF_HEADERS = {
    "value": (b"X-Trace", b"secret-value\r\nSet-Cookie: stolen=1"),
    "name": (b"X-Trace\r\nSet-Cookie: stolen=1", b"secret-value"),
    "lf-only": (b"X-Trace", b"secret-value\nnext"),
}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("where", list(CRLF_HEADERS))
def test_line_breaks_in_headers_are_refused_without_echoing_them(source: str, where: str) -> None:
    headers = [(b"content-type", b"text/plain"), CRLF_HEADERS[where]]
    with pytest.raises(InvalidResponse) as raised:
        result(source, 200, headers, b"ok")
    message = str(raised.value)
    assert "CR or LF" in message
    assert "secret-value" not in message
    assert "stolen" not in message


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("status", [99, 600, 0, -200])
def test_status_outside_100_to_599_is_refused(source: str, status: int) -> None:
    with pytest.raises(InvalidResponse, match="status"):
        result(source, status, [(b"content-type", b"text/plain")], b"x")


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("status", [100, 599])
def test_status_bounds_are_accepted(source: str, status: int) -> None:
    got = result(source, status, [])
    assert got.get("statusCode", got.get("status")) in (status, str(status))


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    ("status", "message"), [(400, "Bad Request: invalid event"), (500, "Erreur interne")]
)
def test_error_response_is_plain_text(source: str, status: int, message: str) -> None:
    event = event_for(source)
    got = build_result(event.response, event.limit, plain_text(status, message), build_config())
    assert got == expected(source, [("content-type", "text/plain; charset=utf-8")], message, False, status)


def test_build_response_does_not_change_the_collected_response() -> None:
    response = CollectedResponse(200, [(b"Set-Cookie", b"a=1"), (b"set-cookie", b"b=2")], b"\x00")
    before = (response.status, list(response.headers), response.body)
    for source in SOURCES:
        event = event_for(source)
        build_result(event.response, event.limit, response, build_config())
    assert (response.status, response.headers, response.body) == before


def test_rest_maps_keep_the_order_names_were_first_sent() -> None:
    # Two names repeated, the second coming again first: both maps in the order first sent.
    headers = [(b"X-A", b"1"), (b"X-B", b"2"), (b"X-C", b"3"), (b"x-b", b"4"), (b"x-a", b"5"), (b"X-D", b"6")]
    got = result("rest", 200, headers)
    single, multi = got["headers"], got["multiValueHeaders"]
    assert isinstance(single, dict)
    assert isinstance(multi, dict)
    assert list(single) == ["X-C", "X-D"]
    assert list(multi.items()) == [("X-A", ["1", "5"]), ("X-B", ["2", "4"])]
