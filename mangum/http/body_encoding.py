"""Whether a response body goes back to Lambda as text or as base64, and the encoding itself."""

from __future__ import annotations

from base64 import b64encode
from typing import NamedTuple


class EncodedBody(NamedTuple):
    """The body as the result carries it: ``text`` is base64 when ``base64`` is true."""

    text: str
    base64: bool


EMPTY_BODY = EncodedBody("", base64=False)


def is_text_media_type(media_type: str | None, text_mime_types: frozenset[str]) -> bool:
    """Whether a media type (lower-cased, without parameters) is text: ``text/*``, one of
    ``text_mime_types``, or a ``+json`` / ``+xml`` structured syntax suffix."""
    if not media_type:
        return False
    return (
        media_type.startswith("text/")
        or media_type in text_mime_types
        or media_type.endswith(("+json", "+xml"))
    )


def encode_body(body: bytes, *, textual: bool) -> EncodedBody:
    """The body as text when ``textual`` and valid UTF-8, otherwise base64; empty stays empty text.

    ``textual`` says the content type is text and no ``Content-Encoding`` compresses it; a text type
    whose bytes are not UTF-8 is sent as base64 so that the client gets back exactly those bytes.
    """
    if not body:
        return EMPTY_BODY
    if textual:
        try:
            return EncodedBody(body.decode("utf-8"), base64=False)
        except UnicodeDecodeError:
            pass
    return EncodedBody(b64encode(body).decode("ascii"), base64=True)
