"""Request headers as ASGI byte pairs, written once for every HTTP source."""

from __future__ import annotations

from collections.abc import Sequence


def header_bytes(text: str) -> bytes:
    """``text`` as latin-1, the encoding of HTTP header bytes.

    Lambda hands headers over as decoded JSON strings, so a value may hold characters latin-1
    cannot represent (a client sent raw UTF-8 and the service decoded it). Those are encoded as
    UTF-8 instead, which gives the app back the bytes that were most likely on the wire, rather
    than failing the request; characters UTF-8 cannot encode either (lone surrogates) become ``?``.
    """
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace")


def asgi_headers(items: Sequence[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """ASGI ``headers``: names lower-cased, every value kept as its own entry, in order."""
    try:
        # Nearly every request is plain latin-1: encode it without a call per header.
        return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in items]
    except UnicodeEncodeError:
        return [(header_bytes(name.lower()), header_bytes(value)) for name, value in items]
