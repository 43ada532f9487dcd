"""Query-string encoding and decoding, written once for every source."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qsl, quote, unquote_plus

_NEEDS_NO_QUOTING = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9_.~=&-]*").fullmatch


def _quote_component(text: str) -> str:
    if _NEEDS_NO_QUOTING(text):
        return text
    # A lone surrogate (possible in JSON, impossible in UTF-8) is passed on as the bytes a client
    # would have sent for it rather than failing the request.
    return quote(text, safe="", errors="surrogatepass")


def encode_query(items: Sequence[tuple[str, str]]) -> str:
    """Percent-encode decoded (name, value) pairs into a query string (``%20`` for spaces)."""
    # Nearly every query is plain: one check over the joined text settles that nothing needs quoting
    # (no component holds a character to quote, nor an "=" or "&" of its own).
    query = "&".join([f"{name}={value}" for name, value in items])
    if _PLAIN_QUERY(query) and query.count("=") == len(items) and query.count("&") == len(items) - 1:
        return query
    return "&".join(f"{_quote_component(name)}={_quote_component(value)}" for name, value in items)


def decode_query(query: str) -> list[tuple[str, str]]:
    """Split a percent-encoded query string into decoded (name, value) pairs, blanks kept."""
    return parse_qsl(query, keep_blank_values=True)


def encoded_pairs_query(items: Iterable[tuple[str, str]]) -> str:
    """Join pairs that are still percent-encoded as received (ALB) without encoding them again."""
    return "&".join(f"{name}={value}" for name, value in items)


def decode_pairs(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Decode pairs that are still percent-encoded as received (ALB)."""
    return [(unquote_plus(name), unquote_plus(value)) for name, value in items]


def flatten_single(values: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """A single-value map as pairs."""
    return list(values.items()) if values else []


def flatten_multi(values: Mapping[str, list[str]] | None) -> list[tuple[str, str]]:
    """A multi-value map as pairs, every value kept in order."""
    if not values:
        return []
    return [(name, value) for name, many in values.items() for value in many]
