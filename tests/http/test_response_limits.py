"""The payload limit: a result is refused exactly when its serialized JSON would exceed the limit
of the event's source (6,291,556 bytes for Lambda, 40 KiB / 1 MiB for Lambda@Edge triggers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from mangum.exceptions import ResponseTooLarge
from tests.support.responses import LAMBDA_LIMIT, LIMITS, SOURCES, result, serialized_size

TEXT = [(b"content-type", b"text/plain; charset=utf-8")]
BINARY = [(b"content-type", b"application/octet-stream")]
# Headers count towards the limit too: a long one, and one whose latin-1 value JSON escapes.
EXTRA = [(b"X-Padding", b"p" * 700), (b"X-Place", b"caf\xe9")]


def envelope_size(source: str, headers: list[tuple[bytes, bytes]], sample: bytes) -> int:
    """The serialized size of the result minus the body string's own characters."""
    payload = result(source, 200, headers, sample)
    body = payload["body"]
    assert isinstance(body, str)
    return serialized_size(payload) - len(body)


@pytest.mark.parametrize("source", SOURCES)
def test_body_one_byte_over_the_limit_is_refused(source: str) -> None:
    with pytest.raises(ResponseTooLarge, match=f"{LIMITS[source]:,}-byte"):
        result(source, 200, TEXT, b"a" * (LIMITS[source] + 1))


@pytest.mark.parametrize("source", SOURCES)
def test_ascii_text_filling_the_limit_exactly_is_accepted(source: str) -> None:
    limit = LIMITS[source]
    room = limit - envelope_size(source, TEXT + EXTRA, b"a")
    payload = result(source, 200, TEXT + EXTRA, b"a" * room)
    assert serialized_size(payload) == limit
    with pytest.raises(ResponseTooLarge):
        result(source, 200, TEXT + EXTRA, b"a" * (room + 1))


@pytest.mark.parametrize("source", SOURCES)
def test_non_ascii_text_is_measured_as_escaped_json(source: str) -> None:
    # "é" is two UTF-8 bytes but six bytes of JSON ("\u00e9").
    limit = LIMITS[source]
    room = limit - envelope_size(source, TEXT, b"a")
    accented, ascii_tail = divmod(room, 6)
    body = "é".encode() * accented + b"a" * ascii_tail
    payload = result(source, 200, TEXT, body)
    assert serialized_size(payload) == limit
    with pytest.raises(ResponseTooLarge):
        result(source, 200, TEXT, body + b"a")


@pytest.mark.parametrize("source", SOURCES)
def test_largest_binary_body_that_fits_after_base64(source: str) -> None:
    limit = LIMITS[source]
    # Three bytes become four base64 characters.
    room = limit - envelope_size(source, BINARY, b"abc")
    size = 3 * (room // 4)
    fitting = (bytes(range(256)) * (size // 256 + 1))[:size]
    payload = result(source, 200, BINARY, fitting)
    assert payload.get("isBase64Encoded", payload.get("bodyEncoding") == "base64")
    assert limit - 4 < serialized_size(payload) <= limit
    with pytest.raises(ResponseTooLarge):
        result(source, 200, BINARY, fitting + b"\x00\x00\x00")


@pytest.mark.parametrize("source", ["rest", "http", "url", "alb", "alb-multi"])
def test_five_megabytes_of_text_fit_but_not_of_binary(source: str) -> None:
    five_mb = 5 * 1024 * 1024
    payload = result(source, 200, TEXT, b"x" * five_mb)
    assert five_mb < serialized_size(payload) <= LAMBDA_LIMIT
    # base64 makes 5 MiB of bytes about 6.7 MiB of JSON: over Lambda's limit.
    with pytest.raises(ResponseTooLarge):
        result(source, 200, BINARY, b"\x89" * five_mb)


TOKEN_BYTES = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HEADER_NAME = st.lists(st.sampled_from(TOKEN_BYTES), min_size=1, max_size=40).map(bytes)
# Anything HTTP can carry in a value: no control character but tab (bytes from 0x80 are obs-text).
HEADER_VALUE = st.binary(min_size=1, max_size=40).filter(
    lambda raw: all(byte == 9 or 32 <= byte != 127 for byte in raw)
)


@settings(max_examples=150, deadline=None)
@given(
    headers=st.lists(st.tuples(HEADER_NAME, HEADER_VALUE), max_size=12),
    content_type=st.sampled_from([b"text/plain", b"application/octet-stream", b"application/json"]),
    chunk=st.one_of(st.text(min_size=1, max_size=6).map(str.encode), st.binary(min_size=1, max_size=6)),
    repeat=st.integers(min_value=1_000, max_value=15_000),
)
def test_refused_exactly_when_the_serialized_result_is_over_the_limit(
    headers: list[tuple[bytes, bytes]], content_type: bytes, chunk: bytes, repeat: int
) -> None:
    body = chunk * repeat
    # A viewer-request result is laid out exactly like an origin-request one, whose 1 MiB limit
    # these bodies never reach: so its serialized size says whether 40 KiB must be refused.
    app_headers = [(b"content-type", content_type), *headers]
    size = serialized_size(result("cloudfront-origin", 200, app_headers, body))
    if size > LIMITS["cloudfront-viewer"]:
        with pytest.raises(ResponseTooLarge):
            result("cloudfront-viewer", 200, app_headers, body)
    else:
        assert serialized_size(result("cloudfront-viewer", 200, app_headers, body)) == size
