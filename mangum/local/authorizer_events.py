"""The events API Gateway sends a Lambda authorizer, built from a request the local gateway received.

- REST API ``TOKEN``: ``{type, authorizationToken, methodArn}``, the token from the
  ``Authorization`` header;
- REST API ``REQUEST``: the REST event (payload 1.0) without its body, with ``type`` and
  ``methodArn``;
- HTTP API (payload 2.0): the HTTP API event without its body, with ``type``, ``routeArn`` and
  ``identitySource`` (the identity sources' values, in order);
- WebSocket API ``$connect``: the ``$connect`` event with ``type`` and a ``methodArn`` ending in
  ``$connect``.

Identity sources are named as API Gateway names them (``method.request.header.Authorization``,
``$request.querystring.token``, ``route.request.header.Auth``) or shortly (``header.Authorization``,
``querystring.token``); header names are case-insensitive, query parameter names are not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from mangum._sources import builders
from mangum.events.authorizers import MethodArn
from mangum.types import LambdaEvent

AuthorizerType: TypeAlias = Literal["token", "request"]
"""The ``--authorizer-type`` choices."""

_PREFIXES = ("method.request.", "$request.", "route.request.", "request.")
_KINDS = {"header": "header", "querystring": "querystring", "query": "querystring"}


@dataclass(frozen=True, slots=True)
class IdentitySource:
    """One identity source: a request header or a query string parameter."""

    kind: Literal["header", "querystring"]
    name: str

    @classmethod
    def parse(cls, text: str) -> IdentitySource:
        """``header.NAME`` / ``querystring.NAME``, with or without API Gateway's prefixes; raises
        :class:`ValueError` for anything else."""
        rest = text.strip()
        for prefix in _PREFIXES:
            rest = rest.removeprefix(prefix)
        kind, dot, name = rest.partition(".")
        if not dot or not name or kind.lower() not in _KINDS:
            raise ValueError(f"an identity source is header.NAME or querystring.NAME, not {text!r}")
        return cls("header" if _KINDS[kind.lower()] == "header" else "querystring", name)

    def __str__(self) -> str:
        return f"{self.kind}.{self.name}"

    def value(self, headers: Sequence[tuple[str, str]], query: str) -> str | None:
        """The source's value in a request (its last one), or ``None`` when missing or empty."""
        found: str | None = None
        if self.kind == "header":
            wanted = self.name.lower()
            for name, value in headers:
                if name == wanted:
                    found = value
        else:
            found = builders.query_parameter_maps(query)[0].get(self.name)
        return found or None


def identity_values(
    sources: Sequence[IdentitySource], headers: Sequence[tuple[str, str]], query: str
) -> tuple[str, ...] | None:
    """Every source's value, in order; ``None`` when one is missing (API Gateway answers 401)."""
    values = tuple(source.value(headers, query) for source in sources)
    return None if any(value is None for value in values) else tuple(value or "" for value in values)


def route_arn(api_id: str, stage: str, route: str) -> str:
    """The ``execute-api`` ARN of ``route`` (``GET/items/7``, ``$connect``) in ``stage`` of this API."""
    return str(MethodArn(builders.REGION, builders.ACCOUNT_ID, api_id, stage, route))


def http_route(method: str, path: str) -> str:
    """The route part of a REST or HTTP API method ARN: ``GET/items/7`` (``GET/`` for the root)."""
    return f"{method}/{path.lstrip('/')}"


def _without_body(event: LambdaEvent) -> LambdaEvent:
    # API Gateway sends an authorizer no body.
    return {name: value for name, value in event.items() if name not in ("body", "isBase64Encoded")}


def token_event(token: str, method_arn: str) -> LambdaEvent:
    """A REST API ``TOKEN`` authorizer's event."""
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}


def rest_request_event(rest_event: LambdaEvent, method_arn: str) -> LambdaEvent:
    """A REST API ``REQUEST`` authorizer's event, from the REST event of the same request."""
    return {"type": "REQUEST", "methodArn": method_arn, **_without_body(rest_event)}


def http_api_event(http_event: LambdaEvent, route_arn: str, identity: Sequence[str]) -> LambdaEvent:
    """An HTTP API authorizer's event (payload 2.0), from the HTTP API event of the same request."""
    return {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": route_arn,
        "identitySource": list(identity),
        **_without_body(http_event),
    }


def websocket_event(connect_event: LambdaEvent, method_arn: str) -> LambdaEvent:
    """A WebSocket API authorizer's event, from the ``$connect`` event of the same handshake."""
    return {
        "type": "REQUEST",
        "methodArn": method_arn,
        "stageVariables": None,
        **_without_body(connect_event),
    }
