"""Query strings encoded from decoded pairs: every pair survives a round trip, and the fast path
for plain queries gives exactly what quoting each component gives."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given, settings, strategies as st

from mangum._http.request import encode_query, encode_value_maps, value_map_pairs

PLAIN_AND_DELIMITERS = st.text(alphabet="ab9_.~-=&% +/é", max_size=6)


def quoted_one_by_one(items: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in items)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], ""),
        ([("a", "1"), ("a", "2"), ("b", "")], "a=1&a=2&b="),
        ([("a=b", "c")], "a%3Db=c"),
        ([("a", "b&c")], "a=b%26c"),
        ([("q", "two words")], "q=two%20words"),
        ([("", "")], "="),
        ([("café", "1")], "caf%C3%A9=1"),
    ],
)
def test_encoded_query(items: list[tuple[str, str]], expected: str) -> None:
    assert encode_query(items) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(PLAIN_AND_DELIMITERS, PLAIN_AND_DELIMITERS), max_size=5))
def test_plain_and_quoted_paths_agree_and_round_trip(items: list[tuple[str, str]]) -> None:
    encoded = encode_query(items)
    assert encoded == quoted_one_by_one(items)
    assert parse_qsl(encoded, keep_blank_values=True) == items


@settings(max_examples=400, deadline=None)
@given(
    st.none() | st.dictionaries(PLAIN_AND_DELIMITERS, PLAIN_AND_DELIMITERS, max_size=4),
    st.none() | st.dictionaries(PLAIN_AND_DELIMITERS, st.lists(PLAIN_AND_DELIMITERS, max_size=3), max_size=4),
)
def test_value_maps_are_encoded_as_their_pairs(
    single: dict[str, str] | None, multi: dict[str, list[str]] | None
) -> None:
    encoded = encode_value_maps(single, multi)
    assert encoded == encode_query(value_map_pairs(single, multi))
    assert encoded == quoted_one_by_one(value_map_pairs(single, multi))
