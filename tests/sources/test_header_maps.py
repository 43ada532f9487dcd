"""Events that carry both header maps (REST, as API Gateway sends them): the headers come from
``multiValueHeaders``, whose every value is read, and only that map is validated; a ``headers`` of
the wrong type is refused as before."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings, strategies as st

from mangum._http import scope
from mangum._http.request import MultiValueItems, single_values_unread, with_cookies
from mangum._http.scope import asgi_headers
from mangum._sources import api_gateway_v1
from mangum.events import ApiGatewayV1Event
from mangum.exceptions import InvalidEvent
from tests.support.samples import read_sample

REST = "powertools/apiGatewayProxyEvent.json"


def rest_event(**fields: Any) -> dict[str, Any]:
    event = read_sample(REST)
    event.update(fields)
    return event


def test_headers_come_from_the_multi_value_map_with_every_value() -> None:
    event = rest_event(
        headers={"X-Tag": "two", "Host": "h"},
        multiValueHeaders={"X-Tag": ["one", "two"], "Host": ["h"]},
    )
    assert single_values_unread(event)
    request = api_gateway_v1.read(event).request
    assert list(request.headers) == [("X-Tag", "one"), ("X-Tag", "two"), ("Host", "h")]
    assert asgi_headers(request.headers) == [(b"x-tag", b"one"), (b"x-tag", b"two"), (b"host", b"h")]
    assert ApiGatewayV1Event.model_validate(event).header_items() == list(request.headers)


@pytest.mark.parametrize("headers", [["not", "a", "map"], "text", 3])
def test_a_headers_field_of_the_wrong_type_is_refused_beside_multi_value_headers(headers: object) -> None:
    event = rest_event(headers=headers, multiValueHeaders={"Host": ["h"]})
    assert not single_values_unread(event)
    with pytest.raises(InvalidEvent) as raised:
        api_gateway_v1.read(event)
    assert [error.path for error in raised.value.errors] == ["headers"]


def test_a_wrong_multi_value_map_is_refused_whatever_headers_holds() -> None:
    event = rest_event(headers={"Host": "h"}, multiValueHeaders={"Host": "h"})
    with pytest.raises(InvalidEvent) as raised:
        api_gateway_v1.read(event)
    assert [error.path for error in raised.value.errors] == ["multiValueHeaders.Host"]


@pytest.mark.parametrize("multi", [None, {}])
def test_without_multi_value_headers_the_headers_map_is_validated_and_read(multi: object) -> None:
    event = rest_event(headers={"Host": "h"}, multiValueHeaders=multi)
    assert not single_values_unread(event)
    assert list(api_gateway_v1.read(event).request.headers) == [("Host", "h")]
    with pytest.raises(InvalidEvent) as raised:
        api_gateway_v1.read(rest_event(headers={"Host": 1}, multiValueHeaders=multi))
    assert [error.path for error in raised.value.errors] == ["headers.Host"]


def test_the_multi_value_view_is_a_collection_of_its_pairs() -> None:
    view = MultiValueItems({"a": ["1", "2"], "b": [], "c": ["3"]})
    assert list(view) == [("a", "1"), ("a", "2"), ("c", "3")]
    assert len(view) == 3
    assert ("a", "2") in view
    assert ("b", "") not in view


def test_non_latin1_multi_value_headers_are_encoded_as_utf8() -> None:
    view = MultiValueItems({"X-Name": ["café", "日本"]})
    assert asgi_headers(view) == [(b"x-name", "café".encode("latin-1")), (b"x-name", "日本".encode())]


def test_header_names_are_remembered_lower_cased_and_only_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remembered: dict[str, bytes] = {}
    monkeypatch.setattr(scope, "_NAME_BYTES", remembered)
    assert asgi_headers([("X-Tag", "a"), ("Host", "h")]) == [(b"x-tag", b"a"), (b"host", b"h")]
    assert remembered == {"X-Tag": b"x-tag", "Host": b"host"}
    # Remembered names give the same bytes; a name met again is not lowered again.
    remembered["X-Tag"] = b"x-tag"
    assert asgi_headers(MultiValueItems({"X-Tag": ["1", "2"]})) == [(b"x-tag", b"1"), (b"x-tag", b"2")]
    monkeypatch.setattr(scope, "_NAME_BYTES_LIMIT", 3)
    assert asgi_headers([("A", "1"), ("B", "2"), ("C", "3")]) == [(b"a", b"1"), (b"b", b"2"), (b"c", b"3")]
    assert list(remembered) == ["X-Tag", "Host", "A"]


def test_a_name_latin1_cannot_hold_is_encoded_as_utf8_and_not_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remembered: dict[str, bytes] = {}
    monkeypatch.setattr(scope, "_NAME_BYTES", remembered)
    assert asgi_headers([("X-日本", "v"), ("Host", "h")]) == [("x-日本".encode(), b"v"), (b"host", b"h")]
    assert "X-日本" not in remembered


def test_a_small_unread_headers_map_is_still_validated() -> None:
    # Below the threshold the copy would cost more than the validation it saves.
    small = {f"X-{index}": "v" for index in range(api_gateway_v1._UNREAD_WORTH_LEAVING - 1)}
    event = rest_event(headers={**small, "Host": 1}, multiValueHeaders={"Host": ["h"]})
    assert single_values_unread(event)
    with pytest.raises(InvalidEvent) as raised:
        api_gateway_v1.read(event)
    assert [error.path for error in raised.value.errors] == ["headers.Host"]


def test_a_large_unread_headers_map_is_left_out_of_the_validation() -> None:
    large = {f"X-{index}": "v" for index in range(api_gateway_v1._UNREAD_WORTH_LEAVING)}
    event = rest_event(headers={**large, "Host": 1}, multiValueHeaders={"Host": ["h"]})
    assert list(api_gateway_v1.read(event).request.headers) == [("Host", "h")]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.text(alphabet="cCoOkKiIeEx\u212a-", min_size=5, max_size=7), st.just("v"), max_size=4)
)
@example({"Host": "h", "Cookie": "c", "COOKIE": "c", "coo\u212aie": "c", "cookies": "v", "x-cookie": "v"})
@example({"cookie": "c"})
def test_payload_v2_cookies_replace_every_spelling_of_a_cookie_header(headers: dict[str, str]) -> None:
    items = list(with_cookies(headers, ["a=1", "b=2"]))
    kept = [(name, value) for name, value in headers.items() if name.lower() != "cookie"]
    assert items == [*kept, ("cookie", "a=1; b=2")]
    assert list(with_cookies(headers, None)) == list(headers.items())
