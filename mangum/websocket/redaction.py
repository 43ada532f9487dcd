"""What the connection record leaves out of the CONNECT event: credentials the handshake carried.

The record keeps the CONNECT event so that later events of the connection get the same scope; a
bearer token, a session cookie or a signed URL's signature stored with it would sit in DynamoDB
for the connection's life, readable by anyone who can read the table. The names listed here are
removed from the stored copy only: the CONNECT invocation itself sees every header and query
parameter, and later invocations see the rest. Matching ignores case, for query keys too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import JsonValue

DEFAULT_REDACTED_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "x-api-key",
        "x-amz-security-token",
        "sec-websocket-protocol",  # the one header a browser can set: often a token in disguise
    }
)
"""Headers that carry credentials by standard or AWS convention, and ``Sec-WebSocket-Protocol``,
which browsers' WebSocket clients use to carry a token since they cannot set other headers."""

DEFAULT_REDACTED_QUERY = frozenset(
    {
        "access_token",  # RFC 6750's name for a bearer token in a URI
        "id_token",
        "token",
        "auth",
        "api_key",
        "apikey",
        "x-amz-security-token",  # a SigV4-signed URL's session token and signature
        "x-amz-signature",
    }
)
"""Query parameters that browsers use to pass a token, since they cannot set WebSocket headers."""

_HEADER_MAPS = ("headers", "multiValueHeaders")
_QUERY_MAPS = ("queryStringParameters", "multiValueQueryStringParameters")


@dataclass(frozen=True, slots=True)
class Redaction:
    """Header and query parameter names (lower-case) left out of stored CONNECT events."""

    headers: frozenset[str] = DEFAULT_REDACTED_HEADERS
    query: frozenset[str] = DEFAULT_REDACTED_QUERY

    @classmethod
    def of(cls, headers: Iterable[str], query: Iterable[str]) -> Redaction:
        """Names in any case."""
        return cls(frozenset(name.lower() for name in headers), frozenset(name.lower() for name in query))

    def apply(self, event: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
        """A copy of a CONNECT event (as JSON data, with AWS's field names) without the listed names.

        With ``x-api-key`` listed, the API key API Gateway copies into
        ``requestContext.identity.apiKey`` is left out too.
        """
        kept = dict(event)
        for key in _HEADER_MAPS:
            kept[key] = _without(event.get(key), self.headers)
        for key in _QUERY_MAPS:
            kept[key] = _without(event.get(key), self.query)
        if "x-api-key" in self.headers:
            kept["requestContext"] = _without_api_key(event.get("requestContext"))
        return {key: value for key, value in kept.items() if key in event}


def _without(values: JsonValue | None, names: frozenset[str]) -> JsonValue | None:
    if not isinstance(values, dict) or not names:
        return values
    return {name: value for name, value in values.items() if name.lower() not in names}


def _without_api_key(context: JsonValue | None) -> JsonValue | None:
    if not isinstance(context, dict):
        return context
    identity = context.get("identity")
    if not isinstance(identity, dict) or "apiKey" not in identity:
        return context
    return {**context, "identity": {key: value for key, value in identity.items() if key != "apiKey"}}
