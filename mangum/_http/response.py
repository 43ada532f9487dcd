"""The app's collected response turned into the result Lambda expects from the event's source.

Pure: no I/O, and no state but a bounded map of the header names already decoded. What every
source shares is written here once: decoding the app's headers, choosing text or base64 for the
body, grouping repeated headers and cookies, the plain-text answers of the adapter's own, checking
the result against its response model (in the pass that decodes the headers, and with the model's
generated validator for what that pass does not settle), and checking its size against Lambda's and
CloudFront's limits. What differs, the layout, is each source's
:class:`ResponseShape` (in its home, :mod:`mangum._sources`).
"""

from __future__ import annotations

import json
import logging
from base64 import b64encode
from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING, Any, TypeAlias

from mangum._validation.validators import LazyValidator, ValidationError
from mangum.exceptions import InvalidResponse, ResponseTooLarge

if TYPE_CHECKING:
    from mangum.config import Config

logger = logging.getLogger("mangum")

PLAIN_TEXT: tuple[bytes, bytes] = (b"content-type", b"text/plain; charset=utf-8")


@cache
def _reason_phrases() -> dict[int, str]:
    # Imported on first use: creating the HTTPStatus enum is a measurable part of a cold start.
    from http import HTTPStatus

    return {status.value: status.phrase for status in HTTPStatus}


def reason_phrase(status: int) -> str | None:
    """The standard reason phrase of a status code (``None`` for one Python does not know)."""
    return _reason_phrases().get(status)


class CollectedResponse:
    """The status, headers (raw ASGI byte pairs, in order) and whole body an app sent."""

    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int, headers: list[tuple[bytes, bytes]] | None = None, body: bytes = b""
    ) -> None:
        self.status = status
        self.headers: list[tuple[bytes, bytes]] = [] if headers is None else headers
        self.body = body

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CollectedResponse):
            return NotImplemented
        return (self.status, self.headers, self.body) == (other.status, other.headers, other.body)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable, as a dataclass

    def __repr__(self) -> str:
        return f"CollectedResponse(status={self.status!r}, headers={self.headers!r}, body={self.body!r})"


def plain_text(status: int, message: str) -> CollectedResponse:
    """An answer of the adapter's own: ``message`` as ``text/plain``, never any detail of a failure."""
    return CollectedResponse(status, [PLAIN_TEXT], message.encode())


def internal_server_error() -> CollectedResponse:
    """The response given for any application failure: a plain "Internal Server Error"."""
    return plain_text(500, "Internal Server Error")


def gateway_timeout() -> CollectedResponse:
    """The response given when the invocation's deadline came before the application's answer."""
    return plain_text(504, "Gateway Timeout")


# --- the body ------------------------------------------------------------------------------------


class EncodedBody:
    """The body as the result carries it: ``text`` is base64 when ``base64`` is true."""

    __slots__ = ("base64", "text")

    def __init__(self, text: str, base64: bool) -> None:
        self.text = text
        self.base64 = base64

    def __repr__(self) -> str:
        return f"EncodedBody({self.text[:20]!r}..., base64={self.base64})"


EMPTY_BODY = EncodedBody("", base64=False)


def is_text_media_type(media_type: str | None, text_mime_types: frozenset[str]) -> bool:
    """Whether a media type (lower-cased, without parameters) is text: ``text/*``, one of
    ``text_mime_types``, or a ``+json`` / ``+xml`` structured syntax suffix."""
    if not media_type:
        return False
    return (
        media_type in text_mime_types
        or media_type.startswith("text/")
        or media_type.endswith(("+json", "+xml"))
    )


def text_or_base64(body: bytes, textual: bool) -> tuple[str, bool]:
    """``(text, is base64)`` of a non-empty body: text when ``textual`` and valid UTF-8, otherwise
    base64 (what :func:`encode_body` wraps, without the wrapper the result does not need)."""
    if textual:
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return b64encode(body).decode("ascii"), True


def encode_body(body: bytes, *, textual: bool) -> EncodedBody:
    """The body as text when ``textual`` and valid UTF-8, otherwise base64; empty stays empty text.

    ``textual`` says the content type is text and no ``Content-Encoding`` compresses it; a text type
    whose bytes are not UTF-8 is sent as base64 so that the client gets back exactly those bytes.
    """
    if not body:
        return EMPTY_BODY
    return EncodedBody(*text_or_base64(body, textual))


# --- the size ------------------------------------------------------------------------------------
#
# How large the JSON result the handler returns will be, and the limits it must stay under.
# Lambda refuses a synchronous result larger than 6,291,556 bytes (the figure in its
# ``Function.ResponseSizeTooLarge`` error; the quota page says "6 MB"). CloudFront refuses a response
# generated by Lambda@Edge larger than 40 KB for viewer-request triggers and 1 MB for origin-request
# triggers ("Quotas on Lambda@Edge", CloudFront Developer Guide). Either refusal reaches the client as
# a bare 502, so the adapter checks first and answers with a clear error instead.
#
# The size is measured as the runtime serializes the result: ``json.dumps`` with the default
# separators and non-ASCII characters escaped as ``\\uXXXX``. Runtimes that write UTF-8 instead give a
# result that is never larger, so the figure is an upper bound either way.

LAMBDA_RESPONSE_LIMIT = 6_291_556
"""Bytes Lambda accepts as a synchronous invocation's result."""


# Bounds for the quick estimate. A character of a latin-1 header name or value takes at most six
# bytes once JSON-escaped, and CloudFront's layout writes each name twice (lower-cased key and
# ``key``); the per-header allowance covers quotes, separators, brackets and CloudFront's
# ``"key": `` / ``"value": `` labels, the envelope covers the status fields and the top-level keys.
_HEADER_CHAR_BOUND = 12
_PER_HEADER_BOUND = 48
_ENVELOPE_BOUND = 256
# A body byte becomes at most six bytes of escaped JSON (a control byte as ``\\u00XX``).
_TEXT_BYTE_BOUND = 6


def _too_large(limit: int) -> ResponseTooLarge:
    return ResponseTooLarge(f"the response exceeds the {limit:,}-byte limit of its event source")


def _escaped_length(text: str, base64: bool) -> int:
    if base64:
        # base64 is plain ASCII with nothing to escape: only the two quotes are added.
        return len(text) + 2
    return len(encode_basestring_ascii(text))


def _measure(result: Mapping[str, object], text: str, base64: bool, limit: int) -> None:
    """Raise :class:`ResponseTooLarge` when ``result`` (carrying the body ``text``) serializes to
    more than ``limit`` bytes, measured exactly: the JSON of everything but the body, plus the
    body's escaped length. Only called when the bound of :func:`build_result` does not settle it."""
    size = len(json.dumps({**result, "body": ""})) - 2 + _escaped_length(text, base64)
    if size > limit:
        raise _too_large(limit)


# --- the headers ---------------------------------------------------------------------------------

ResponseHeader: TypeAlias = tuple[str, str, str]
"""One header the app sent: ``(name as sent, lower-cased name, value)``. A plain tuple: the hot path
builds one per header, and a named tuple costs twice as much to create."""


DecodedHeaders: TypeAlias = "tuple[list[ResponseHeader], str | None, bool, int, bool]"
"""The app's headers after ``exclude_headers``, with what the body encoding and the result's check
need to know: the headers; the first ``Content-Type`` as sent and whether a content coding
compresses the body (both read before any header is excluded); the characters of every kept name
and value (for the size estimate); and whether every kept name and value is *plainly sendable*
(see :func:`decode_headers`)."""


def _is_content_coding(value: str) -> bool:
    """Whether a ``Content-Encoding`` value names a coding other than ``identity``."""
    return any(token.strip().lower() not in ("", "identity") for token in value.split(","))


_NAMES: dict[bytes, tuple[str, str, bool]] = {}
"""Header names decoded before: ``(name, lower-cased name, plainly sendable)`` by the name's bytes.
An app sends the same few names on every call; the first :data:`_NAMES_KEPT` are kept, so that an
app inventing names cannot make it grow without bound."""
_NAMES_KEPT = 512


def _decoded_name(raw_name: bytes) -> tuple[str, str, bool]:
    name = raw_name.decode("latin-1")
    # bytes.isalnum() is ASCII-only, and false when empty.
    decoded = (name, name.lower(), raw_name.replace(b"-", b"").isalnum())
    if len(_NAMES) < _NAMES_KEPT:
        _NAMES[bytes(raw_name)] = decoded
    return decoded


def decode_headers(raw: Iterable[tuple[bytes, bytes]], exclude: frozenset[str]) -> DecodedHeaders:
    """Decode ASGI header pairs as latin-1 (names keep the app's spelling), dropping excluded names.

    The same pass tells whether every kept header is plainly sendable: a name of ASCII letters,
    digits and ``-`` only, a value of printable characters only. That is a narrower rule than
    HTTP's (RFC 9110 tokens for names, any text without control characters but tab for values,
    :mod:`mangum._http.fields`), so a header it accepts is one the result models accept; a header
    it does not accept is not necessarily wrong, and is left to the models' schema to judge.
    """
    headers: list[ResponseHeader] = []
    content_type: str | None = None
    content_encoded = False
    chars = 0
    plain = True
    known = _NAMES.get
    for raw_name, raw_value in raw:
        name, key, plain_name = known(raw_name) or _decoded_name(raw_name)
        value = raw_value.decode("latin-1")
        if key == "content-type":
            if content_type is None:
                content_type = value
        elif key == "content-encoding":
            content_encoded = content_encoded or _is_content_coding(value)
        if exclude and key in exclude:
            continue
        headers.append((name, key, value))
        chars += len(name) + len(value)
        # str.isprintable() is false for every control character, tab included.
        if plain and not (plain_name and value.isprintable()):
            plain = False
    return headers, content_type, content_encoded, chars, plain


def media_type(content_type: str) -> str:
    """The media type of a ``Content-Type`` value: lower-cased, without parameters."""
    return content_type.partition(";")[0].strip().lower()


@lru_cache(maxsize=64)
def is_text_content_type(content_type: str, text_mime_types: frozenset[str]) -> bool:
    """Whether a ``Content-Type`` value (as sent, parameters and all) names a text media type
    (:func:`is_text_media_type`). Cached: an app sends a handful of content types, and the same
    ones on every call."""
    return is_text_media_type(media_type(content_type), text_mime_types)


def group_values(headers: Iterable[ResponseHeader]) -> dict[str, list[str]]:
    """Every value by header name, names compared case-insensitively and spelled as first sent."""
    spelling: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for name, key, value in headers:
        groups.setdefault(spelling.setdefault(key, name), []).append(value)
    return groups


def joined_headers(headers: Iterable[ResponseHeader], cookies: list[str] | None = None) -> dict[str, str]:
    """One value per header name, names compared case-insensitively and spelled as first sent,
    repeated values joined with ``","`` (RFC 9110's list syntax, as PyPI mangum joins them).

    Given ``cookies``, every ``Set-Cookie`` value is appended to it instead (a cookie's
    ``Expires`` date holds a comma: cookies cannot be joined)."""
    joined: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for name, key, value in headers:
        if cookies is not None and key == "set-cookie":
            cookies.append(value)
            continue
        first = spelling.get(key)
        if first is None:
            spelling[key] = name
            joined[name] = value
        else:
            joined[first] = f"{joined[first]},{value}"
    return joined


# --- the result ----------------------------------------------------------------------------------

if TYPE_CHECKING:  # for annotations only: subscripting Callable at import costs a cold start 85K instructions
    ShapeBuilder: TypeAlias = Callable[[int, list[ResponseHeader], EncodedBody], Mapping[str, object]]
    """Lays a response out as one source's result: status, decoded headers and encoded body in."""


class ResponseShape:
    """One source's result layout, and the response model (:mod:`mangum.responses`) whose schema
    validates it (through its generated validator, built on the first result the check of
    :func:`build_result` leaves to it).

    The result is laid out and checked with an empty body, then the body is serialized into it:
    ``body`` takes the text or base64, and ``encoding_key`` says which, as ``encodings``
    ``(as text, as base64)``."""

    __slots__ = ("build", "encoding_key", "encodings", "model", "validator")

    def __init__(
        self,
        model: str,
        build: ShapeBuilder,
        encoding_key: str = "isBase64Encoded",
        encodings: tuple[object, object] = (False, True),
    ) -> None:
        self.model = model
        self.build = build
        self.encoding_key = encoding_key
        self.encodings = encodings
        self.validator: LazyValidator[object] = LazyValidator(
            f"mangum._validation.generated.results:{model}_SCHEMA",
            f"mangum.responses.models:{model}",
            "alias",
        )

    def __repr__(self) -> str:
        return f"ResponseShape({self.model!r}, {getattr(self.build, '__qualname__', self.build)!r})"


def _path_part(part: str | int) -> str:
    from mangum._http.fields import is_field_value  # only on this error path: not at cold start

    text = str(part)
    # A header name is part of the path; one with a line break could smuggle a value in, and other
    # control characters have no business in a log line either.
    return text if is_field_value(text) else "<header name>"


def invalid_response(error: ValidationError) -> InvalidResponse:
    """Name each failing field and what is wrong, never the offending value."""
    problems = [
        f"{'.'.join(_path_part(part) for part in detail['loc'] if part != '[key]')}: "
        f"{detail['msg'].removeprefix('Value error, ')}"
        for detail in error.errors(include_url=False, include_input=False, include_context=False)
    ]
    return InvalidResponse(f"the app's response does not fit {error.title}: {'; '.join(problems)}")


def build_result(
    shape: ResponseShape, limit: int, response: CollectedResponse, config: Config
) -> dict[str, Any]:
    """The result to return to Lambda for ``response``, laid out by ``shape``.

    Header names keep the app's spelling and ``config.exclude_headers`` are dropped. The body is
    text when its media type is textual (``text/*``, ``config.text_mime_types``, ``+json``,
    ``+xml``), no ``Content-Encoding`` compresses it and it is valid UTF-8; base64 otherwise.

    Raises :class:`~mangum.exceptions.InvalidResponse` when the app produced something Lambda would
    refuse (a status outside 100-599, a header name that is not an RFC 9110 token,
    a control character such as CR or LF in a header value), and
    :class:`~mangum.exceptions.ResponseTooLarge` when the result would exceed ``limit`` bytes.
    """
    headers, content_type, content_encoded, chars, plain = decode_headers(
        response.headers, config.exclude_headers
    )
    status = response.status
    body = response.body
    body_length = len(body)
    # A body that alone cannot fit fails before it is encoded: its JSON form is never shorter
    # than its bytes (escaping and base64 only grow it).
    if body_length + 2 > limit:
        raise _too_large(limit)
    # Every layout builds a plain dict (typed as its source's TypedDict): the handler's result.
    result: dict[str, Any] = shape.build(status, headers, EMPTY_BODY)  # type: ignore[assignment]
    # The result is checked against its response model before the body is serialized: an invalid
    # response costs no encoding. What the app controls is the status and the headers (the layout
    # adds only what it derives from them); a status of 100-599 and plainly sendable headers
    # (decode_headers) fit every model, as tests/http/test_response_check.py checks against the
    # schemas. Anything else goes through the model's generated validator, which refuses it with
    # the error naming each field, or finds it sendable after all (a tab, an underscore).
    if not (plain and type(status) is int and 100 <= status <= 599):
        try:
            shape.validator.validate(result)
        except ValidationError as error:
            raise invalid_response(error) from None
    if body_length:
        textual = (
            content_type is not None
            and not content_encoded
            and is_text_content_type(content_type, config.text_mime_types)
        )
        text, base64 = text_or_base64(body, textual)
        result["body"] = text
        result[shape.encoding_key] = shape.encodings[base64]
    else:
        text, base64 = "", False
    # The size: a bound from lengths alone settles almost every result; the rest are measured.
    body_bound = len(text) + 2 if base64 else body_length * _TEXT_BYTE_BOUND + 2
    headers_bound = chars * _HEADER_CHAR_BOUND + len(headers) * _PER_HEADER_BOUND
    if body_bound + headers_bound + _ENVELOPE_BOUND > limit:
        _measure(result, text, base64, limit)
    return result


def result_or_error(
    shape: ResponseShape, limit: int, response: CollectedResponse, config: Config
) -> dict[str, Any]:
    """:func:`build_result`; when the app's response cannot be returned to Lambda (too large, or
    invalid), the cause is logged and a plain-text 500 is returned in the same layout instead."""
    try:
        return build_result(shape, limit, response, config)
    except (ResponseTooLarge, InvalidResponse) as error:
        logger.error("The application's response cannot be returned to Lambda: %s", error)
        return build_result(shape, limit, internal_server_error(), config)
