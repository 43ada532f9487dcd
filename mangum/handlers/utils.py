"""PyPI mangum's ``mangum.handlers.utils``, for code that calls its helpers: each one runs the
shared code the adapter runs (:mod:`mangum._http`), so it behaves as this package does where
PyPI mangum differed (see ``docs/migrating.md``): header names keep the app's spelling, text types
are media types rather than substrings, a base path is matched segment by segment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from mangum._http.request import decode_body
from mangum._http.response import decode_headers, encode_body, is_text_content_type
from mangum._http.scope import request_scheme, scope_path, server_address
from mangum._sources.api_gateway_v1 import single_and_multi_value
from mangum.config import build_config
from mangum.types import Headers, LambdaConfig

__all__ = [
    "get_server_and_port",
    "handle_base64_response_body",
    "handle_exclude_headers",
    "handle_multi_value_headers",
    "maybe_encode_body",
    "strip_api_gateway_path",
]

ValueT = TypeVar("ValueT")

NO_HOST: tuple[str, int] = ("mangum", 80)
"""PyPI mangum's server address for a request without a ``Host`` header."""


def maybe_encode_body(body: str | bytes | None, *, is_base64: bool) -> bytes:
    """The request body as bytes: base64-decoded when ``is_base64``, UTF-8 encoded text otherwise;
    raises :class:`~mangum.exceptions.InvalidBody` for base64 that is not."""
    if isinstance(body, bytes):
        if not is_base64:
            return body
        body = body.decode("latin-1")
    return decode_body(body, is_base64)


def get_server_and_port(headers: Mapping[str, str]) -> tuple[str, int]:
    """The ASGI ``server`` from lower-cased request headers: ``Host``, with the port from it, else
    from ``X-Forwarded-Port``, else the scheme's default; ``("mangum", 80)`` without a ``Host``."""
    proto = headers.get("x-forwarded-proto")
    scheme = request_scheme(proto.encode("latin-1", errors="replace") if proto else None)
    return server_address(headers.get("host"), headers.get("x-forwarded-port"), scheme) or NO_HOST


def strip_api_gateway_path(path: str, *, api_gateway_base_path: str) -> str:
    """``path`` decoded, without ``api_gateway_base_path`` when it starts with it (whole segments):
    the path an app routes on; ``"/"`` when nothing is left."""
    base = build_config(api_gateway_base_path=api_gateway_base_path).api_gateway_base_path
    root_path, full_path, _ = scope_path("", path, base)
    return full_path[len(root_path) :] or "/"


def handle_multi_value_headers(response_headers: Headers) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The app's headers as a REST API result holds them: names sent once with their value, and
    repeated names (compared case-insensitively) with every value."""
    decoded, _, _, _, _ = decode_headers(
        ((bytes(name), bytes(value)) for name, value in response_headers), frozenset()
    )
    return single_and_multi_value(decoded)


def handle_base64_response_body(
    body: bytes, headers: Mapping[str, str], text_mime_types: Iterable[str]
) -> tuple[str, bool]:
    """The body as the result carries it, and whether that is base64: text when the content type
    (from ``headers``) is ``text/*``, ``+json``/``+xml`` or one of ``text_mime_types``, no
    ``Content-Encoding`` compresses it, and it is UTF-8."""
    pairs = [
        (name.encode("latin-1", "replace"), value.encode("latin-1", "replace"))
        for name, value in headers.items()
    ]
    _, content_type, content_encoded, _, _ = decode_headers(pairs, frozenset())
    text_types = frozenset(kind.lower() for kind in text_mime_types)
    textual = content_type is not None and is_text_content_type(content_type, text_types)
    encoded = encode_body(body, textual=textual and not content_encoded)
    return encoded.text, encoded.base64


def handle_exclude_headers(headers: Mapping[str, ValueT], config: LambdaConfig) -> dict[str, ValueT]:
    """``headers`` without the names in ``config["exclude_headers"]`` (compared case-insensitively)."""
    excluded = {name.lower() for name in config.get("exclude_headers", ())}
    return {name: value for name, value in headers.items() if name.lower() not in excluded}
