"""The ASGI scope of a request, built from the :class:`~mangum._http.request.Request` every source
reduces its event to. One builder serves HTTP (spec version 2.3) and WebSocket (2.5) scopes.

Paths (see ``docs/paths.md``): ``root_path`` is the mount point and ``path`` includes it, as uvicorn
>= 0.26 does, so frameworks route on ``path`` minus ``root_path`` (exactly the path PyPI mangum
routes) and generate URLs that include the mount (:mod:`mangum._http.paths`).

Other keys: ``query_string`` is the request's percent-encoded query; ``headers`` are its header
pairs lower-cased and latin-1 encoded (UTF-8 for values latin-1 cannot hold); ``scheme`` comes from
``X-Forwarded-Proto`` (https by default); ``client`` from the address the source reports;
``server`` from ``Host`` and ``X-Forwarded-Port``; ``aws.event`` is the raw event object as
received and ``aws.context`` the Lambda context. The event model is built on demand from
``aws.event`` by :func:`mangum.events.event_of`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from mangum._http.endpoints import client_address, server_address
from mangum._http.paths import scope_path
from mangum._http.request import Request

if TYPE_CHECKING:
    from mangum.config import Config
    from mangum.types import (
        ASGIVersions,
        ConnectionScope,
        HTTPScope,
        LambdaContext,
        LambdaEvent,
        WebSocketScope,
    )

HTTP_ASGI: ASGIVersions = {"version": "3.0", "spec_version": "2.3"}
WEBSOCKET_ASGI: ASGIVersions = {"version": "3.0", "spec_version": "2.5"}
DEFAULT_HTTP_VERSION = "1.1"

_HTTP_VERSIONS: dict[str, str] = {
    "HTTP/1.0": "1.0",
    "HTTP/1.1": "1.1",
    "HTTP/2": "2",
    "HTTP/2.0": "2",
    "HTTP/3": "3",
    "HTTP/3.0": "3",
}


def http_version(protocol: str | None) -> str:
    """ASGI ``http_version`` for a request-line protocol such as ``"HTTP/2.0"`` (``"2"``).

    Sources without a protocol field (ALB, CloudFront) and unknown values give ``"1.1"``.
    """
    if not protocol:
        return DEFAULT_HTTP_VERSION
    return _HTTP_VERSIONS.get(protocol) or _HTTP_VERSIONS.get(protocol.strip().upper(), DEFAULT_HTTP_VERSION)


def request_scheme(forwarded_proto: bytes | None) -> str:
    """``"http"`` or ``"https"`` from ``X-Forwarded-Proto`` (its first entry); ``"https"`` otherwise.

    Every Lambda HTTP source terminates TLS in front of the function, so https is the default; a
    value other than http/https is ignored because an HTTP scope allows only those two.
    """
    if forwarded_proto:
        scheme = forwarded_proto.split(b",", 1)[0].strip().lower()
        if scheme == b"http":
            return "http"
    return "https"


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


def asgi_headers(items: Collection[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """ASGI ``headers``: names lower-cased, every value kept as its own entry, in order."""
    try:
        # Nearly every request is plain latin-1: encode it without a call per header.
        return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in items]
    except UnicodeEncodeError:
        return [(header_bytes(name.lower()), header_bytes(value)) for name, value in items]


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")


def connection_scope(
    request: Request, base_path: str, raw_event: LambdaEvent, context: LambdaContext | None
) -> ConnectionScope:
    """The keys HTTP and WebSocket scopes share, from ``request`` (``base_path``: the configured
    ``api_gateway_base_path``, normalised as :class:`~mangum.config.Config` keeps it)."""
    headers = asgi_headers(request.headers)
    # reversed: the first value of a repeated header wins, as get_header() would return it.
    first = dict(reversed(headers)) if len(headers) > 1 else dict(headers)
    paths = scope_path(request.mount, request.route, base_path)
    scheme = request_scheme(first.get(b"x-forwarded-proto"))
    return {
        "http_version": http_version(request.protocol),
        "scheme": scheme,
        "path": paths.path,
        "raw_path": paths.raw_path,
        "root_path": paths.root_path,
        "query_string": request.query.encode("utf-8", errors="replace"),
        "headers": headers,
        "client": client_address(request.caller),
        "server": server_address(_text(first.get(b"host")), _text(first.get(b"x-forwarded-port")), scheme),
        "aws.event": raw_event,
        "aws.context": context,
    }


def http_scope(
    request: Request, raw_event: LambdaEvent, context: LambdaContext | None, config: Config
) -> HTTPScope:
    """The ASGI HTTP scope of one request (see the module docs for each key's source)."""
    # The shared keys' dict, completed in place rather than copied into a new one.
    scope = cast("HTTPScope", connection_scope(request, config.api_gateway_base_path, raw_event, context))
    scope["type"] = "http"
    scope["asgi"] = HTTP_ASGI.copy()
    scope["method"] = request.method.upper()
    return scope


def with_state(scope: HTTPScope | WebSocketScope, state: dict[str, Any] | None) -> None:
    """Give ``scope`` the lifespan ``state`` of this invocation (a copy the application may change),
    when the application's lifespan started."""
    if state is not None:
        scope["state"] = state
