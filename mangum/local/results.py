"""A function's result turned into the HTTP response the service sends, and the service's own faults.

What each service does with a result (``--source``):

- REST API: ``statusCode`` (required), ``headers`` and ``multiValueHeaders`` merged (a name in
  both keeps the multi-value list), ``body``, ``isBase64Encoded`` (the body is decoded);
- HTTP API and Function URL (payload 2.0): the same, with ``cookies`` sent as one ``Set-Cookie``
  each; a result without ``statusCode`` is not malformed but *is* the body: status 200,
  ``content-type: application/json``, the result as JSON;
- ALB: ``statusCode``, ``statusDescription``, ``headers`` or ``multiValueHeaders``.

A result that is not that shape (not an object, a status that is not a number from 100 to 599, a
header that is not text, a header name that is not an RFC 9110 token, a header value or cookie with
a control character, a body that is not valid base64 when flagged so) raises
:class:`MalformedResult`: the service answers it as a function error (:func:`fault`).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from mangum._http.fields import is_field_name, is_field_value
from mangum.local.events import HttpSourceName

Fault: TypeAlias = Literal["function_error", "timeout", "request_too_large", "invoke_rejected"]
"""What went wrong outside the function's own answer: its error, crash or malformed result; its
timeout; a request body over the service's limit; an event Lambda refuses (over 6 MB)."""

_JSON = (b"content-type", b"application/json")


class MalformedResult(ValueError):
    """The function's result is not in the shape the service reads."""


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """A response to send: status, headers as ASGI byte pairs, body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def _text(value: object, where: str) -> str:
    """A header value, cookie or status text: refused when HTTP cannot carry it (control characters)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedResult(f"{where} must be text")
    text = str(value)
    if not is_field_value(text):
        raise MalformedResult(f"{where} must not contain CR or LF or other control characters")
    return text


def _name(value: object) -> str:
    """A header name: refused unless it is an RFC 9110 token (no space, colon, control character)."""
    if not isinstance(value, str) or not is_field_name(value):
        shown = repr(value) if isinstance(value, str) and is_field_value(value) else "<header name>"
        raise MalformedResult(f"header name {shown} is not an RFC 9110 token")
    return value


def _map(result: Mapping[str, object], key: str) -> Mapping[str, object]:
    found = result.get(key)
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise MalformedResult(f"{key} must be an object")
    return found


def header_pairs(result: Mapping[str, object], *, multi_value: bool = True) -> list[tuple[str, str]]:
    """``headers`` and (unless payload 2.0, which has none) ``multiValueHeaders`` merged: a name in
    both keeps its multi-value list."""
    multi = _map(result, "multiValueHeaders") if multi_value else {}
    pairs: list[tuple[str, str]] = []
    lowered = {str(name).lower() for name in multi}
    for name, value in _map(result, "headers").items():
        if name.lower() not in lowered:
            pairs.append((_name(name), _text(value, f"header {name!r}")))
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResult(f"multiValueHeaders[{_name(name)!r}] must be a list")
        pairs.extend((_name(name), _text(value, f"header {name!r}")) for value in values)
    return pairs


def status_of(result: Mapping[str, object]) -> int:
    """``statusCode`` (a number, or digits in a string) from 100 to 599."""
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise MalformedResult("statusCode must be a number from 100 to 599")
    return status


def body_of(result: Mapping[str, object]) -> bytes:
    """``body``, decoded from base64 when ``isBase64Encoded``."""
    body = result.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResult("body must be a string")
    flag = result.get("isBase64Encoded", False)
    if not isinstance(flag, bool):
        raise MalformedResult("isBase64Encoded must be a boolean")
    if not flag:
        return body.encode()
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedResult("body is flagged base64 but is not valid base64") from None


def cookie_pairs(result: Mapping[str, object]) -> list[tuple[str, str]]:
    """Payload 2.0 ``cookies``: one ``Set-Cookie`` each."""
    cookies = result.get("cookies")
    if cookies is None:
        return []
    if not isinstance(cookies, list):
        raise MalformedResult("cookies must be a list")
    return [("set-cookie", _text(cookie, "a cookie")) for cookie in cookies]


def http_answer(source: HttpSourceName, result: object) -> HttpAnswer:
    """The response for a buffered result; raises :class:`MalformedResult`."""
    payload_v2 = source in ("api_gateway_v2", "function_url")
    if payload_v2 and (not isinstance(result, dict) or "statusCode" not in result):
        return HttpAnswer(200, [_JSON], json.dumps(result).encode())
    if not isinstance(result, dict):
        raise MalformedResult("the result must be a JSON object")
    status = status_of(result)
    pairs = header_pairs(result, multi_value=not payload_v2)
    if payload_v2:
        pairs += cookie_pairs(result)
    return HttpAnswer(status, encode_headers(pairs), body_of(result))


def stream_head(
    source: HttpSourceName, prelude: Mapping[str, object]
) -> tuple[int, list[tuple[bytes, bytes]]]:
    """Status and headers of a streamed response's prelude; raises :class:`MalformedResult`."""
    pairs = header_pairs(prelude, multi_value=source not in ("api_gateway_v2", "function_url"))
    if source in ("api_gateway_v2", "function_url"):
        pairs += cookie_pairs(prelude)
    return status_of(prelude), encode_headers(pairs)


def encode_headers(pairs: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Header pairs as ASGI bytes (names lower-cased; text that is not Latin-1 as UTF-8)."""
    encoded: list[tuple[bytes, bytes]] = []
    for name, value in pairs:
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:
            raw = value.encode()
        encoded.append((name.lower().encode("latin-1", "replace"), raw))
    return encoded


_API_GATEWAY_FAULTS: dict[Fault, tuple[int, str]] = {
    "function_error": (502, "Internal server error"),
    "timeout": (504, "Endpoint request timed out"),
    "request_too_large": (413, "Request Entity Too Large"),
    "invoke_rejected": (500, "Internal server error"),
}
_PLAIN_FAULTS: dict[Fault, tuple[int, str]] = {
    "function_error": (502, "Bad Gateway"),
    "timeout": (504, "Gateway Time-out"),
    "request_too_large": (413, "Request Entity Too Large"),
    "invoke_rejected": (502, "Bad Gateway"),
}


def fault(source: HttpSourceName, kind: Fault) -> HttpAnswer:
    """The service's own answer to a fault.

    API Gateway: ``{"message": ...}`` JSON (502 function error or malformed result, 504 timeout,
    413 body over 10 MB, 500 when Lambda refuses the event); ALB: its HTML error pages (502, 504,
    413 over 1 MB); Function URL: ``Internal Server Error`` as text with 502 (a timeout is a
    function error there too), 413 for a body over 6 MB.
    """
    if source in ("api_gateway_v1", "api_gateway_v2"):
        status, message = _API_GATEWAY_FAULTS[kind]
        return HttpAnswer(status, [_JSON], json.dumps({"message": message}).encode())
    if source == "function_url":
        status, message = (413, "Request Entity Too Large") if kind == "request_too_large" else (502, "")
        text = message or "Internal Server Error"
        return HttpAnswer(status, [(b"content-type", b"text/plain; charset=utf-8")], text.encode())
    status, phrase = _PLAIN_FAULTS[kind]
    page = (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    return HttpAnswer(status, [(b"content-type", b"text/html")], page.encode())


REQUEST_LIMITS: Mapping[HttpSourceName, int] = {
    "api_gateway_v1": 10 * 1024 * 1024,
    "api_gateway_v2": 10 * 1024 * 1024,
    "function_url": 6 * 1024 * 1024,
    "alb": 1024 * 1024,
}
"""The largest request body each service takes (bytes): API Gateway 10 MB, Function URLs 6 MB,
ALB 1 MB for a Lambda target."""

INVOKE_PAYLOAD_LIMIT = 6 * 1024 * 1024
"""The largest event Lambda accepts for a synchronous invocation (bytes)."""

ALB_RESPONSE_LIMIT = 1024 * 1024
"""The largest result an ALB takes from a Lambda target (bytes of JSON)."""
