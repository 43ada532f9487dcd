"""The app's raw response headers, decoded once and shaped into each source's header layout."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, TypeAlias

ResponseHeader: TypeAlias = tuple[str, str, str]
"""One header the app sent: ``(name as sent, lower-cased name, value)``. A plain tuple: the hot path
builds one per header, and a named tuple costs twice as much to create."""


class DecodedHeaders(NamedTuple):
    """The app's headers after ``exclude_headers``, plus what the body encoding needs to know.

    ``media_type`` and ``content_encoded`` describe the body as the app sent it, so they are read
    before any header is excluded. ``chars`` counts the characters of every kept name and value, for
    the payload size estimate.
    """

    headers: list[ResponseHeader]
    media_type: str | None
    content_encoded: bool
    chars: int


def _is_content_coding(value: str) -> bool:
    """Whether a ``Content-Encoding`` value names a coding other than ``identity``."""
    return any(token.strip().lower() not in ("", "identity") for token in value.split(","))


def decode_headers(raw: Iterable[tuple[bytes, bytes]], exclude: frozenset[str]) -> DecodedHeaders:
    """Decode ASGI header pairs as latin-1 (names keep the app's spelling), dropping excluded names."""
    headers: list[ResponseHeader] = []
    media_type: str | None = None
    content_encoded = False
    chars = 0
    for raw_name, raw_value in raw:
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1")
        key = name.lower()
        if key == "content-type":
            if media_type is None:
                media_type = value.partition(";")[0].strip().lower()
        elif key == "content-encoding":
            content_encoded = content_encoded or _is_content_coding(value)
        if key in exclude:
            continue
        headers.append((name, key, value))
        chars += len(name) + len(value)
    return DecodedHeaders(headers, media_type, content_encoded, chars)


def group_values(headers: Iterable[ResponseHeader]) -> dict[str, list[str]]:
    """Every value by header name, names compared case-insensitively and spelled as first sent."""
    spelling: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for name, key, value in headers:
        groups.setdefault(spelling.setdefault(key, name), []).append(value)
    return groups


def join_values(groups: dict[str, list[str]]) -> dict[str, str]:
    """One value per name: repeated values joined with ``", "`` (RFC 9110's list syntax)."""
    return {name: values[0] if len(values) == 1 else ", ".join(values) for name, values in groups.items()}


def split_cookies(headers: Iterable[ResponseHeader]) -> tuple[list[str], list[ResponseHeader]]:
    """The ``Set-Cookie`` values, and every other header."""
    cookies: list[str] = []
    others: list[ResponseHeader] = []
    for header in headers:
        if header[1] == "set-cookie":
            cookies.append(header[2])
        else:
            others.append(header)
    return cookies, others
