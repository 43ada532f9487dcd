"""HTTP scope keys other than the paths, on hand-made events of every source."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings, strategies as st

from mangum._http.scope import _already_encoded, _is_ip, encode_path, scope_path
from mangum.types import LambdaEvent
from tests.support.http_events import (
    alb_event,
    cloudfront_event,
    function_url_event,
    rest_event,
    scope_of,
    v2_event,
)


def header_values(raw: LambdaEvent, name: bytes) -> list[bytes]:
    return [value for key, value in scope_of(raw)["headers"] if key == name]


# --- headers -------------------------------------------------------------------------------------


def test_console_test_invoke_has_no_headers_and_keeps_its_source_ip() -> None:
    raw = rest_event(
        "/items", headers=None, multi_value_headers=None, source_ip="test-invoke-source-ip", stage="test"
    )
    scope = scope_of(raw)
    assert scope["headers"] == []
    assert scope["client"] == ("test-invoke-source-ip", 0)
    assert scope["server"] is None
    assert scope["scheme"] == "https"


def test_header_names_are_lower_cased_in_order() -> None:
    raw = rest_event(headers={"Content-Type": "text/plain", "X-Trace": "abc"})
    assert scope_of(raw)["headers"] == [(b"content-type", b"text/plain"), (b"x-trace", b"abc")]


def test_rest_multi_value_headers_keep_every_value() -> None:
    raw = rest_event(headers={"Accept": "b"}, multi_value_headers={"Accept": ["a", "b"], "X-One": ["1"]})
    assert scope_of(raw)["headers"] == [(b"accept", b"a"), (b"accept", b"b"), (b"x-one", b"1")]


def test_alb_repeated_headers_are_separate_entries() -> None:
    raw = alb_event(multi_value_headers={"host": ["lb.example.com"], "X-Custom": ["1", "2", "3"]})
    assert header_values(raw, b"x-custom") == [b"1", b"2", b"3"]


@pytest.mark.parametrize("build", [v2_event, function_url_event])
def test_v2_cookies_become_one_cookie_header(build: Callable[..., LambdaEvent]) -> None:
    raw = build("/", headers={"host": "example.com", "cookie": "stale=1"}, cookies=["a=1", "b=2"])
    assert header_values(raw, b"cookie") == [b"a=1; b=2"]


def test_latin1_header_value_is_latin1_encoded() -> None:
    raw = v2_event(headers={"x-name": "café"})
    assert header_values(raw, b"x-name") == ["café".encode("latin-1")]


def test_header_value_outside_latin1_is_utf8_encoded_instead_of_failing() -> None:
    raw = v2_event(headers={"x-name": "日本 ✓"})
    assert header_values(raw, b"x-name") == ["日本 ✓".encode()]


def test_cloudfront_headers_keep_their_original_spelling_lower_cased() -> None:
    raw = cloudfront_event(headers={"Host": "cdn.example.com", "User-Agent": "curl/8"})
    assert scope_of(raw)["headers"] == [(b"host", b"cdn.example.com"), (b"user-agent", b"curl/8")]


# --- query string --------------------------------------------------------------------------------


def test_rest_query_is_re_encoded_with_every_value() -> None:
    raw = rest_event(query={"q": ["a b", "c&d"], "empty": [""]})
    assert scope_of(raw)["query_string"] == b"q=a%20b&q=c%26d&empty="


def test_v2_query_is_raw_query_string_as_received() -> None:
    raw = v2_event(raw_query="a=b%20c&a=d&flag")
    assert scope_of(raw)["query_string"] == b"a=b%20c&a=d&flag"


def test_alb_multi_value_query_is_not_encoded_twice() -> None:
    raw = alb_event(multi_value_headers={"host": ["lb"]}, multi_value_query={"a": ["b%20c", "d"], "e": ["f"]})
    assert scope_of(raw)["query_string"] == b"a=b%20c&a=d&e=f"


def test_alb_single_value_query_is_not_encoded_twice() -> None:
    raw = alb_event(query={"a": "b%20c"})
    assert scope_of(raw)["query_string"] == b"a=b%20c"


def test_cloudfront_query_is_querystring_as_received() -> None:
    raw = cloudfront_event(querystring="size=LARGE&q=%C3%A9")
    assert scope_of(raw)["query_string"] == b"size=LARGE&q=%C3%A9"


# --- method, version, scheme -----------------------------------------------------------------------


def test_method_is_upper_cased() -> None:
    assert scope_of(rest_event(method="get"))["method"] == "GET"
    assert scope_of(v2_event(method="patch"))["method"] == "PATCH"


@pytest.mark.parametrize(
    ("protocol", "version"),
    [("HTTP/1.0", "1.0"), ("HTTP/1.1", "1.1"), ("HTTP/2.0", "2"), ("HTTP/2", "2"), ("HTTP/3", "3")],
)
def test_http_version_from_protocol(protocol: str, version: str) -> None:
    assert scope_of(rest_event(protocol=protocol))["http_version"] == version
    assert scope_of(v2_event(protocol=protocol))["http_version"] == version


@pytest.mark.parametrize("raw", [rest_event(protocol=None), rest_event(protocol="SPDY/9"), alb_event()])
def test_http_version_defaults_to_1_1(raw: LambdaEvent) -> None:
    assert scope_of(raw)["http_version"] == "1.1"


@pytest.mark.parametrize(
    ("forwarded_proto", "scheme"),
    [("http", "http"), ("HTTPS", "https"), ("HTTP", "http"), ("http, https", "http"), ("ws", "https")],
)
def test_scheme_from_x_forwarded_proto(forwarded_proto: str, scheme: str) -> None:
    raw = rest_event(headers={"Host": "example.com", "X-Forwarded-Proto": forwarded_proto})
    assert scope_of(raw)["scheme"] == scheme


def test_scheme_defaults_to_https() -> None:
    assert scope_of(rest_event(headers={"Host": "example.com"}))["scheme"] == "https"


# --- client --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_ip", "client"),
    [
        ("1.2.3.4", ("1.2.3.4", 0)),
        ("1.2.3.4/32", ("1.2.3.4", 0)),
        ("1.2.3.4:443", ("1.2.3.4", 443)),
        ("2001:db8::1", ("2001:db8::1", 0)),
        ("2001:db8::1/128", ("2001:db8::1", 0)),
        ("[2001:db8::1]:8443", ("2001:db8::1", 8443)),
        ("test-invoke-source-ip", ("test-invoke-source-ip", 0)),
        ("not-an-ip:443", ("not-an-ip:443", 0)),
    ],
)
def test_client_from_source_ip(source_ip: str, client: tuple[str, int]) -> None:
    assert scope_of(rest_event(source_ip=source_ip))["client"] == client
    assert scope_of(v2_event(source_ip=source_ip))["client"] == client


@pytest.mark.parametrize(
    "text",
    [
        "0.0.0.0",
        "255.255.255.255",
        "10.0.0.1",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.00",
        "1.2.3.",
        ".1.2.3",
        "1..2.3",
        "1.2.3.4 ",
        " 1.2.3.4",
        "1.2.3.+4",
        "1.2.3.-4",
        "1.2.3.\u0664",
        "1.2.3.\u00b2",
        "1.2.3.0x4",
        "1_0.2.3.4",
        "a.b.c.d",
        "",
        "1.2.3.4\n",
        "2001:db8::1",
        "::ffff:1.2.3.4",
        "fe80::1%eth0",
        "1.2.3.4:80",
        "::",
        "1:2",
    ],
)
def test_is_ip_is_ipaddress_verdict(text: str) -> None:
    assert _is_ip(text) is _ipaddress_accepts(text)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(0, 300).map(str), st.text("0123456789", max_size=4), st.text(max_size=3)),
        min_size=1,
        max_size=6,
    )
)
def test_is_ip_on_random_dotted_texts(parts: list[str]) -> None:
    text = ".".join(parts)
    assert _is_ip(text) is _ipaddress_accepts(text)


def _ipaddress_accepts(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def test_client_is_none_without_a_source_ip() -> None:
    assert scope_of(rest_event(source_ip=None))["client"] is None


@pytest.mark.parametrize(
    ("forwarded_for", "client"),
    [
        ("203.0.113.7", ("203.0.113.7", 0)),
        ("203.0.113.7, 10.0.0.1, 10.0.0.2", ("203.0.113.7", 0)),
        (" 2001:db8::7 ,10.0.0.1", ("2001:db8::7", 0)),
    ],
)
def test_alb_client_is_left_most_forwarded_for(forwarded_for: str, client: tuple[str, int]) -> None:
    raw = alb_event(headers={"host": "lb", "x-forwarded-for": forwarded_for})
    assert scope_of(raw)["client"] == client


def test_alb_multi_value_forwarded_for_uses_the_first_header() -> None:
    raw = alb_event(multi_value_headers={"x-forwarded-for": ["198.51.100.1, 10.0.0.1", "192.0.2.9"]})
    assert scope_of(raw)["client"] == ("198.51.100.1", 0)


def test_alb_client_is_none_without_forwarded_for() -> None:
    assert scope_of(alb_event(headers={"host": "lb"}))["client"] is None


def test_cloudfront_client_is_client_ip() -> None:
    assert scope_of(cloudfront_event(client_ip="2001:db8::5"))["client"] == ("2001:db8::5", 0)


# --- server --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "server"),
    [
        ({"Host": "example.com"}, ("example.com", 443)),
        ({"Host": "example.com", "X-Forwarded-Proto": "http"}, ("example.com", 80)),
        ({"Host": "example.com", "X-Forwarded-Port": "8080"}, ("example.com", 8080)),
        ({"Host": "example.com:9000", "X-Forwarded-Port": "443"}, ("example.com", 9000)),
        ({"Host": "[2001:db8::1]:8443"}, ("2001:db8::1", 8443)),
        ({"Host": "example.com", "X-Forwarded-Port": "not-a-port"}, ("example.com", 443)),
        ({"X-Forwarded-Port": "8080"}, None),
    ],
)
def test_server_from_host_and_forwarded_port(headers: dict[str, str], server: tuple[str, int] | None) -> None:
    assert scope_of(rest_event(headers=headers))["server"] == server


def test_server_on_every_source() -> None:
    assert scope_of(function_url_event())["server"] == ("abcdefgh.lambda-url.eu-west-1.on.aws", 443)
    assert scope_of(alb_event(headers={"host": "lb.example.com"}))["server"] == ("lb.example.com", 443)
    assert scope_of(cloudfront_event())["server"] == ("d111111abcdef8.cloudfront.net", 443)


# RFC 3986's characters of a path as sent: unreserved, sub-delimiters, ":", "@", "/" and "%".
_SENDABLE_PATH = re.compile(r"[A-Za-z0-9/%!$&'()*+,;=:@~._-]*")


@settings(max_examples=600, deadline=None)
@given(
    st.text(
        st.one_of(
            st.sampled_from("/%!$&'()*+,;=:@~._- ?#[]\"<>^`{|}\\\x00\n\x7f\u00e9\u212a\ud800"),
            st.characters(),
        ),
        max_size=24,
    )
)
def test_a_path_is_sent_as_it_is_exactly_when_rfc_3986_allows_it(path: str) -> None:
    sendable = _SENDABLE_PATH.fullmatch(path) is not None
    assert _already_encoded(path) is sendable
    route = path if path.startswith("/") else "/" + path
    if sendable and "%" not in route:
        assert scope_path("", route, "") == ("", route, route.encode("ascii"))
    elif "%" not in route:
        assert scope_path("", route, "") == ("", route, encode_path(route).encode("ascii"))
