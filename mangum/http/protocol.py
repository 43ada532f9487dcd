"""The request's HTTP version and URL scheme, as an ASGI scope states them."""

from __future__ import annotations

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
    return _HTTP_VERSIONS.get(protocol.strip().upper(), DEFAULT_HTTP_VERSION)


def request_scheme(forwarded_proto: str | None) -> str:
    """``"http"`` or ``"https"`` from ``X-Forwarded-Proto`` (its first entry); ``"https"`` otherwise.

    Every Lambda HTTP source terminates TLS in front of the function, so https is the default; a
    value other than http/https is ignored because an HTTP scope allows only those two.
    """
    if forwarded_proto:
        scheme = forwarded_proto.split(",", 1)[0].strip().lower()
        if scheme in ("http", "https"):
            return scheme
    return "https"
