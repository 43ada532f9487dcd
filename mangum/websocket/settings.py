"""Where the WebSocket state lives: table, endpoints and region, from arguments or the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from mangum.exceptions import ConfigurationError
from mangum.websocket.redaction import DEFAULT_REDACTED_HEADERS, DEFAULT_REDACTED_QUERY, Redaction

TABLE_VARIABLE = "MANGUM_WEBSOCKET_TABLE"
DYNAMODB_ENDPOINT_VARIABLE = "MANGUM_DYNAMODB_ENDPOINT"
API_ENDPOINT_VARIABLE = "MANGUM_WEBSOCKET_API_ENDPOINT"
SQLITE_VARIABLE = "MANGUM_WEBSOCKET_SQLITE"
DEFAULT_SQLITE_TABLE = "mangum-connections"
"""The table's name inside an SQLite file when none is given."""
REDACT_HEADERS_VARIABLE = "MANGUM_WEBSOCKET_REDACT_HEADERS"
REDACT_QUERY_VARIABLE = "MANGUM_WEBSOCKET_REDACT_QUERY"

_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")


@dataclass(frozen=True, slots=True)
class WebSocketSettings:
    """Validated, immutable: build it with :func:`websocket_settings`, once per container.

    ``dynamodb_endpoint`` is ``None`` for AWS's own endpoint; ``api_endpoint`` is ``None`` to use
    ``https://{domainName}/{stage}`` of each event. Endpoints carry no trailing slash.
    ``redact_headers`` / ``redact_query`` are the lower-case header and query parameter names left
    out of stored CONNECT events (:mod:`mangum.websocket.redaction`). ``sqlite_path`` names an
    SQLite file that holds the table instead of DynamoDB (the embedded store of ``python -m
    mangum serve``, :mod:`mangum.websocket.stores.sqlite`).
    """

    table: str
    region: str
    dynamodb_endpoint: str | None = None
    api_endpoint: str | None = None
    redact_headers: frozenset[str] = DEFAULT_REDACTED_HEADERS
    redact_query: frozenset[str] = DEFAULT_REDACTED_QUERY
    sqlite_path: str | None = None

    @property
    def redaction(self) -> Redaction:
        """What the store leaves out of CONNECT events."""
        return Redaction(self.redact_headers, self.redact_query)

    def management_endpoint(self, domain_name: str | None = None, stage: str | None = None) -> str:
        """The Management API endpoint: the configured one, else built from the event's domain and stage."""
        if self.api_endpoint is not None:
            return self.api_endpoint
        if not domain_name or not stage:
            raise ConfigurationError(
                f"{API_ENDPOINT_VARIABLE} (or api_endpoint) must be set to reach connections "
                "outside of a WebSocket event"
            )
        return f"https://{domain_name}/{stage}"


def _value(argument: str | None, variable: str, environ: Mapping[str, str]) -> str | None:
    value = argument if argument is not None else environ.get(variable)
    stripped = value.strip() if value is not None else ""
    return stripped or None


def _endpoint(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(f"{name} must be an http(s) URL without query or fragment")
    return value.rstrip("/")


def _names(
    argument: Iterable[str] | None, variable: str, environ: Mapping[str, str], default: frozenset[str]
) -> frozenset[str]:
    """Names to redact: the argument, else the variable's comma-separated list (``default`` in it
    stands for the default names, ``none`` alone for no name), else the defaults."""
    if argument is not None:
        given = [] if isinstance(argument, str) else list(argument)
        if isinstance(argument, str) or not all(isinstance(name, str) and name.strip() for name in given):
            raise ConfigurationError(f"{variable} (or its argument) must be a list of non-empty names")
        return frozenset(name.strip().lower() for name in given)
    text = _value(None, variable, environ)
    if text is None:
        return default
    names = {name.strip().lower() for name in text.split(",") if name.strip()}
    if names == {"none"}:
        return frozenset()
    if "default" in names:
        names = (names - {"default"}) | default
    return frozenset(names)


def redaction_from_environment(environ: Mapping[str, str] | None = None) -> Redaction:
    """The names ``MANGUM_WEBSOCKET_REDACT_HEADERS`` / ``MANGUM_WEBSOCKET_REDACT_QUERY`` give (see
    :func:`websocket_settings`): what the store leaves out, and what ``serve`` keeps out of its logs."""
    env = os.environ if environ is None else environ
    return Redaction(
        _names(None, REDACT_HEADERS_VARIABLE, env, DEFAULT_REDACTED_HEADERS),
        _names(None, REDACT_QUERY_VARIABLE, env, DEFAULT_REDACTED_QUERY),
    )


def websocket_settings(
    *,
    table: str | None = None,
    dynamodb_endpoint: str | None = None,
    api_endpoint: str | None = None,
    region: str | None = None,
    redact_headers: Iterable[str] | None = None,
    redact_query: Iterable[str] | None = None,
    sqlite_path: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> WebSocketSettings:
    """Settings from the arguments, each falling back to its environment variable.

    ``table`` ← ``MANGUM_WEBSOCKET_TABLE`` (required), ``dynamodb_endpoint`` ←
    ``MANGUM_DYNAMODB_ENDPOINT``, ``api_endpoint`` ← ``MANGUM_WEBSOCKET_API_ENDPOINT``, ``region`` ←
    ``AWS_REGION`` (then ``AWS_DEFAULT_REGION``), ``redact_headers`` ←
    ``MANGUM_WEBSOCKET_REDACT_HEADERS`` and ``redact_query`` ← ``MANGUM_WEBSOCKET_REDACT_QUERY``
    (comma-separated; ``default`` adds the default names, ``none`` stores everything; unset: the
    defaults), ``sqlite_path`` ← ``MANGUM_WEBSOCKET_SQLITE`` (an SQLite file in place of DynamoDB;
    the table then defaults to ``mangum-connections``). Raises :class:`ConfigurationError` naming
    the variable that is missing or malformed.
    """
    env = os.environ if environ is None else environ
    sqlite_file = _value(sqlite_path, SQLITE_VARIABLE, env)
    table_name = _value(table, TABLE_VARIABLE, env)
    if table_name is None and sqlite_file is not None:
        table_name = DEFAULT_SQLITE_TABLE
    if table_name is None:
        raise ConfigurationError(f"{TABLE_VARIABLE} (or table) must name the WebSocket connections table")
    if not _TABLE_NAME.fullmatch(table_name):
        raise ConfigurationError(
            f"{TABLE_VARIABLE} (or table) must be 3 to 255 letters, digits, '_', '-' or '.'"
        )
    region_name = _value(region, "AWS_REGION", env) or _value(None, "AWS_DEFAULT_REGION", env)
    if region_name is None:
        raise ConfigurationError("AWS_REGION (or region) must name the AWS region of the table")
    return WebSocketSettings(
        table=table_name,
        region=region_name,
        dynamodb_endpoint=_endpoint(
            _value(dynamodb_endpoint, DYNAMODB_ENDPOINT_VARIABLE, env), DYNAMODB_ENDPOINT_VARIABLE
        ),
        api_endpoint=_endpoint(_value(api_endpoint, API_ENDPOINT_VARIABLE, env), API_ENDPOINT_VARIABLE),
        redact_headers=_names(redact_headers, REDACT_HEADERS_VARIABLE, env, DEFAULT_REDACTED_HEADERS),
        redact_query=_names(redact_query, REDACT_QUERY_VARIABLE, env, DEFAULT_REDACTED_QUERY),
        sqlite_path=sqlite_file,
    )
