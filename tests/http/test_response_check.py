"""The result's check in one pass: a status of 100-599 and plainly sendable headers (what
``decode_headers`` finds while decoding them) fit every response model, so the result validator only
judges the rest. These tests hold the two ways to the same verdicts: whatever an app sends, the
result, or the error and its message, is exactly what validating every result gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from mangum._http.response import (
    _NAMES,
    _NAMES_KEPT,
    EMPTY_BODY,
    CollectedResponse,
    ResponseShape,
    build_result,
    decode_headers,
    invalid_response,
)
from mangum._validation.validators import ValidationError
from mangum.config import Config, build_config
from mangum.exceptions import InvalidResponse, ResponseTooLarge
from tests.support.responses import RESPONSE_SHAPES

SHAPES = RESPONSE_SHAPES
LIMIT = 6_291_556


def without_body(result: dict[str, object], shape: ResponseShape) -> dict[str, object]:
    return {key: value for key, value in result.items() if key not in ("body", shape.encoding_key)}


def validated_everything(shape: ResponseShape, response: CollectedResponse, config: Config) -> object:
    """The verdict when every result goes through the validator (what the adapter did before the
    one-pass check): the result but its body, or the refusal's message."""
    headers = decode_headers(response.headers, config.exclude_headers)[0]
    try:
        built = dict(shape.build(response.status, headers, EMPTY_BODY))
        shape.validator.validate(built)
    except InvalidResponse as refused:
        return str(refused)
    except ValidationError as error:
        return str(invalid_response(error))
    return without_body(built, shape)


def verdict(shape: ResponseShape, response: CollectedResponse, config: Config) -> object:
    """The adapter's verdict, in the same terms."""
    try:
        return without_body(build_result(shape, LIMIT, response, config), shape)
    except InvalidResponse as refused:
        return str(refused)


# Bytes that matter to one rule or the other: token punctuation, separators, tab, CR, LF, NUL, DEL,
# C1 controls, latin-1 letters, the no-break space and the soft hyphen (not printable).
INTERESTING = b"aZ09-_.!~:; ,=\t\r\n\x00\x7f\x85\x9f\xa0\xad\xe9\xff"
HEADER_BYTES = st.binary(max_size=4) | st.lists(st.sampled_from(INTERESTING), max_size=5).map(bytes)
HEADERS = st.lists(
    st.tuples(HEADER_BYTES | st.sampled_from([b"Set-Cookie", b"set-cookie", b"Content-Type"]), HEADER_BYTES),
    max_size=5,
)


@settings(max_examples=600, deadline=None)
@given(
    name=st.sampled_from(sorted(SHAPES)),
    status=st.integers(0, 1000) | st.sampled_from([99, 100, 599, 600]),
    headers=HEADERS,
    body=st.sampled_from([b"", b"ok", b"\xff\x00"]),
    excluded=st.booleans(),
)
def test_the_one_pass_check_gives_the_verdicts_of_validating_everything(
    name: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes, excluded: bool
) -> None:
    shape = SHAPES[name]
    # An excluded header is never judged, whatever it holds.
    config = build_config(exclude_headers=["x-dropped"] if excluded else None)
    dropped = [(b"X-Dropped", b"\r\n")] if excluded else []
    response = CollectedResponse(status, [*headers, *dropped], body)
    assert verdict(shape, response, config) == validated_everything(shape, response, config)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_byte_plainly_sendable_is_accepted_by_the_model(name: str) -> None:
    # Plain (decode_headers' fifth answer) must mean accepted by the schema, byte by byte, in a name
    # and in a value; the bytes it does not call plain are left to the validator.
    shape = SHAPES[name]
    plain_bytes = 0
    for byte in range(256):
        for headers in ([(b"X" + bytes([byte]), b"v")], [(b"X", b"v" + bytes([byte]))]):
            decoded, _, _, _, plain = decode_headers(headers, frozenset())
            if plain:
                shape.validator.validate(shape.build(200, decoded, EMPTY_BODY))
                plain_bytes += 1
    # Letters, digits and "-" in names; printable ASCII and most of latin-1 in values.
    assert plain_bytes == 63 + 95 + 94


def test_the_usual_headers_are_plainly_sendable() -> None:
    # The point of the check: the headers apps send are settled without the validator.
    usual = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"Content-Length", b"1062"),
        (b"cache-control", b"no-store, max-age=0"),
        (b"x-request-id", b"0f8fad5b-d9cb-469f-a165-70867728950e"),
        (b"set-cookie", b"session=abc123; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly"),
        (b"content-disposition", 'attachment; filename="résumé.pdf"'.encode("latin-1")),
    ]
    assert decode_headers(usual, frozenset())[4] is True
    for unusual in ([(b"x_trace", b"1")], [(b"x-note", b"a\tb")], [(b"x-note", b"\xa0")], [(b"", b"")]):
        assert decode_headers(unusual, frozenset())[4] is False


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_header_the_check_leaves_open_is_still_judged_by_the_model(name: str) -> None:
    shape = SHAPES[name]
    # Sendable, though not plainly: accepted, as the model accepts it.
    accepted = build_result(shape, LIMIT, CollectedResponse(200, [(b"X_Trace", b"a\tb")]), Config())
    assert "X_Trace" in str(accepted) or "x_trace" in str(accepted)
    # Not sendable: refused by the model, naming the field and never the value.
    with pytest.raises(InvalidResponse, match="CR or LF") as refused:
        build_result(shape, LIMIT, CollectedResponse(200, [(b"X-Trace", b"secret\r\nx: 1")]), Config())
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_an_oversized_body_is_refused_before_the_headers_are_judged(name: str) -> None:
    # As before the one-pass check: a body that cannot fit is the error, whatever the headers.
    response = CollectedResponse(200, [(b"X-Trace", b"\r\n")], b"x" * 100)
    with pytest.raises(ResponseTooLarge):
        build_result(SHAPES[name], 50, response, Config())


def test_the_header_names_kept_decoded_are_bounded() -> None:
    # An app that invents a name per call must not grow the memo of decoded names without bound.
    invented = [(f"X-Call-{number}".encode(), b"1") for number in range(2 * _NAMES_KEPT)]
    decoded = decode_headers(invented, frozenset())[0]
    assert [name for name, _, _ in decoded] == [f"X-Call-{number}" for number in range(2 * _NAMES_KEPT)]
    assert len(_NAMES) <= _NAMES_KEPT
    # A name kept decoded is decoded as the first time, whatever bytes object carries it.
    again = decode_headers([(b"x_" + b"trace", b"1"), (b"X-Call-" + b"0", b"2")], frozenset())
    assert again[0] == [("x_trace", "x_trace", "1"), ("X-Call-0", "x-call-0", "2")]
    assert again[4] is False
