"""A Lambda authorizer in front of the local gateway's routes, as API Gateway runs one.

The authorizer function runs in a worker of its own (:class:`~mangum.local.workers.WorkerPool`),
like the handler. Before a request reaches the handler (every HTTP request of a REST or HTTP API,
and a WebSocket API's ``$connect``), :class:`LocalAuthorizer` finds the identity sources in it,
sends the authorizer the real event of its source (:mod:`mangum.local.authorizer_events`,
validated by :func:`~mangum.events.parse_authorizer_event`), validates what comes back with
:class:`~mangum.events.AuthorizerPolicyResponse` or :class:`~mangum.events.AuthorizerSimpleResponse`,
and decides as API Gateway does:

- an identity source missing: 401 ``{"message":"Unauthorized"}`` (the authorizer is not called);
- the function fails with the message ``Unauthorized``: 401;
- a policy that denies the method ARN (explicitly, or by allowing nothing that matches), or a
  simple response with ``isAuthorized: false``: 403 (``{"message":"Forbidden"}``; a REST API
  answers with its ``Message`` about the explicit deny);
- any other failure (an error, a timeout, a response the models refuse): 500;
- an allow: the request goes on, the context in ``requestContext.authorizer`` in the source's
  layout (REST and WebSocket: ``principalId``, the context keys stringified, ``integrationLatency``;
  HTTP API: ``{"lambda": context}``).

A response is cached by the identity sources' values for ``ttl`` seconds (0: not cached) and the
cached policy is evaluated again for each method ARN, as API Gateway does. IAM ``Condition`` blocks
are not evaluated locally.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from pydantic import JsonValue, ValidationError

from mangum.events import AuthorizerPolicyResponse, AuthorizerSimpleResponse, parse_authorizer_event
from mangum.events.authorizers.responses import INVOKE_ACTION, PolicyStatement
from mangum.exceptions import InvalidEvent, UnsupportedEvent
from mangum.local import authorizer_events as events
from mangum.local.authorizer_events import AuthorizerType, IdentitySource
from mangum.local.events import GatewayRequest, HttpSourceName, stage_path
from mangum.local.results import HttpAnswer
from mangum.local.workers import Outcome, WorkerPool, WorkerSettings
from mangum.types import LambdaEvent

logger = logging.getLogger("mangum.serve")

DEFAULT_TTL = 300.0
"""API Gateway's default authorizer cache TTL (seconds)."""
UNAUTHORIZED_MESSAGE = "Unauthorized"
"""The error message a function fails with to have API Gateway answer 401."""

AuthorizerResponse = AuthorizerPolicyResponse | AuthorizerSimpleResponse
Verdict = Literal["allow", "deny", "unauthorized", "error"]
ApiKind = Literal["rest", "http", "websocket"]

_JSON = (b"content-type", b"application/json")
TOKEN_SOURCE = (IdentitySource("header", "Authorization"),)
"""A ``TOKEN`` authorizer's identity source."""


@dataclass(frozen=True, slots=True)
class AuthorizerSettings:
    """What ``--authorizer``, ``--authorizer-type``, ``--authorizer-ttl`` and
    ``--authorizer-identity`` ask for."""

    reference: str
    """``MODULE:ATTR``, as given."""
    handler: str
    """The same as ``module.attribute`` (``_HANDLER``)."""
    kind: AuthorizerType = "request"
    ttl: float = DEFAULT_TTL
    identity: tuple[IdentitySource, ...] = (IdentitySource("header", "Authorization"),)

    def describe(self, source: str) -> str:
        """The startup line: what the authorizer guards, and how."""
        guarded = {
            "api_gateway_v1": "every route of the REST API",
            "api_gateway_v2": "every route of the HTTP API",
        }[source]
        kind = "TOKEN" if self.kind == "token" and source == "api_gateway_v1" else "REQUEST"
        identity = "header.Authorization" if kind == "TOKEN" else ", ".join(map(str, self.identity))
        cache = f"cached {self.ttl:g} s" if self.ttl > 0 else "not cached"
        return (
            f"{self.reference} ({kind}, identity {identity}, {cache}) guards {guarded} and WebSocket $connect"
        )


def add_arguments(command: argparse.ArgumentParser) -> None:
    """The ``--authorizer*`` options of ``serve``."""
    group = command.add_argument_group("Lambda authorizer")
    group.add_argument(
        "--authorizer", metavar="MODULE:ATTR", help="a Lambda authorizer in front of every route and $connect"
    )
    group.add_argument(
        "--authorizer-type",
        choices=("token", "request"),
        default="request",
        help="REST API authorizer type (default request; HTTP and WebSocket APIs have request only)",
    )
    group.add_argument(
        "--authorizer-ttl",
        type=float,
        default=DEFAULT_TTL,
        metavar="SECONDS",
        help=f"cache results by identity source this long (default {DEFAULT_TTL:g}; 0: off)",
    )
    group.add_argument(
        "--authorizer-identity",
        default="header.Authorization",
        metavar="SOURCES",
        help="comma-separated identity sources of a request authorizer: header.NAME, querystring.NAME "
        "(default header.Authorization)",
    )


def settings_from(arguments: argparse.Namespace, source: str, handler: str) -> AuthorizerSettings | None:
    """The authorizer the parsed options ask for (``handler`` its ``module.attribute``), ``None``
    without ``--authorizer``; raises :class:`ValueError` for options that do not fit."""
    if arguments.authorizer is None:
        return None
    if source not in ("api_gateway_v1", "api_gateway_v2"):
        raise ValueError(f"--authorizer needs --source rest or http (API Gateway), not {source}")
    if arguments.authorizer_type == "token" and source != "api_gateway_v1":
        raise ValueError("--authorizer-type token is for REST APIs only (--source rest)")
    if not arguments.authorizer_ttl >= 0:
        raise ValueError(f"--authorizer-ttl must be 0 or more, not {arguments.authorizer_ttl:g}")
    identity = tuple(IdentitySource.parse(text) for text in arguments.authorizer_identity.split(",") if text)
    if not identity:
        raise ValueError("--authorizer-identity names no identity source")
    return AuthorizerSettings(
        reference=arguments.authorizer,
        handler=handler,
        kind=arguments.authorizer_type,
        ttl=arguments.authorizer_ttl,
        identity=identity,
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """What the authorizer decided for one request: the verdict, the refusal to answer with (any
    verdict but ``allow``), the ``requestContext.authorizer`` to pass on (``allow``), and whether
    the response came from the cache."""

    verdict: Verdict
    refusal: HttpAnswer | None = None
    context: dict[str, JsonValue] | None = None
    cached: bool = False
    principal_id: str | None = None
    request_id: str | None = None
    """The authorizer's invocation (``None`` when it was not invoked: a cached or missing identity)."""

    def summary(self) -> dict[str, JsonValue]:
        """The decision as the inspector shows it."""
        return {
            "verdict": self.verdict,
            "status": None if self.refusal is None else self.refusal.status,
            "principalId": self.principal_id,
            "cached": self.cached,
            "context": self.context,
            "requestId": self.request_id,
        }


def _glob(pattern: str, *, case_sensitive: bool = True) -> re.Pattern[str]:
    # IAM wildcards: * is any run of characters (slashes included), ? any one character.
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(expression, 0 if case_sensitive else re.IGNORECASE)


@lru_cache(maxsize=1024)
def _compiled(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    return _glob(pattern, case_sensitive=case_sensitive)


def _matches(patterns: str | list[str] | None, value: str, *, case_sensitive: bool) -> bool:
    listed = [patterns] if isinstance(patterns, str) else patterns or []
    return any(_compiled(pattern, case_sensitive).fullmatch(value) for pattern in listed)


def _applies(statement: PolicyStatement, arn: str) -> bool:
    if statement.action is not None:
        acts = _matches(statement.action, INVOKE_ACTION, case_sensitive=False)
    else:
        acts = not _matches(statement.not_action, INVOKE_ACTION, case_sensitive=False)
    if statement.resource is not None:
        return acts and _matches(statement.resource, arn, case_sensitive=True)
    return acts and not _matches(statement.not_resource, arn, case_sensitive=True)


def evaluate(policy: AuthorizerPolicyResponse, arn: str) -> Literal["allow", "explicit", "implicit"]:
    """Whether ``policy`` lets its principal invoke ``arn``: ``allow``, or denied ``explicit``-ly
    (a Deny statement matches) or ``implicit``-ly (no Allow statement matches)."""
    applying = [statement for statement in policy.policy_document.statement if _applies(statement, arn)]
    if any(statement.effect == "Deny" for statement in applying):
        return "explicit"
    return "allow" if applying else "implicit"


def _answer(status: int, payload: dict[str, JsonValue], error_type: str | None = None) -> HttpAnswer:
    headers = [_JSON] + ([] if error_type is None else [(b"x-amzn-errortype", error_type.encode())])
    return HttpAnswer(status, headers, json.dumps(payload).encode())


def refusal(api: ApiKind, verdict: Verdict, explicit: bool = True) -> HttpAnswer:
    """API Gateway's answer to a request the authorizer did not allow."""
    rest = api == "rest"
    if verdict == "unauthorized":
        return _answer(401, {"message": "Unauthorized"}, "UnauthorizedException" if rest else None)
    if verdict == "deny":
        if not rest:
            return _answer(403, {"message": "Forbidden"})
        message = "User is not authorized to access this resource" + (
            " with an explicit deny" if explicit else ""
        )
        return _answer(403, {"Message": message}, "AccessDeniedException")
    if rest:
        return _answer(500, {"message": None}, "AuthorizerConfigurationException")
    return _answer(500, {"message": "Internal Server Error"})


def _stringified(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class LocalAuthorizer:
    """The authorizer function, its worker and its cache (see the module docs)."""

    def __init__(self, settings: AuthorizerSettings, workers: WorkerSettings) -> None:
        self.settings = settings
        self.pool = WorkerPool(workers)
        self._cache: dict[tuple[str, ...], tuple[float, AuthorizerResponse]] = {}

    # --- the three kinds of request --------------------------------------------------------------

    async def request(self, source: HttpSourceName, request: GatewayRequest, event: LambdaEvent) -> Decision:
        """Authorize a request of a REST API (``event`` its REST event) or an HTTP API (``event`` its
        HTTP API event)."""
        headers, query = request.headers, request.query
        context = event["requestContext"]
        stage = context["stage"]
        path = (
            request.path if source == "api_gateway_v1" else request.path.removeprefix(stage_path(stage, ""))
        )
        arn = events.route_arn(context["apiId"], stage, events.http_route(request.method, path))
        api: ApiKind = "rest" if source == "api_gateway_v1" else "http"
        token = api == "rest" and self.settings.kind == "token"
        identity = events.identity_values(TOKEN_SOURCE if token else self.settings.identity, headers, query)
        if identity is None:
            return Decision("unauthorized", refusal(api, "unauthorized"))
        if token:
            authorizer_event = events.token_event(identity[0], arn)
        elif api == "rest":
            authorizer_event = events.rest_request_event(event, arn)
        else:
            authorizer_event = events.http_api_event(event, arn, identity)
        return await self._decide(api, authorizer_event, identity, arn)

    async def websocket(
        self, connect_event: LambdaEvent, headers: Sequence[tuple[str, str]], query: str
    ) -> Decision:
        """Authorize a WebSocket handshake, given its ``$connect`` event."""
        context = connect_event["requestContext"]
        arn = events.route_arn(context["apiId"], context["stage"], "$connect")
        identity = events.identity_values(self.settings.identity, headers, query)
        if identity is None:
            return Decision("unauthorized", refusal("websocket", "unauthorized"))
        return await self._decide("websocket", events.websocket_event(connect_event, arn), identity, arn)

    # --- deciding --------------------------------------------------------------------------------

    async def _decide(
        self, api: ApiKind, event: LambdaEvent, identity: tuple[str, ...], arn: str
    ) -> Decision:
        try:
            parse_authorizer_event(event)
        except (InvalidEvent, UnsupportedEvent) as error:  # a bug of the gateway, not of the function
            logger.error("the authorizer event does not validate: %s", error)
            return Decision("error", refusal(api, "error"))
        # The WebSocket API is an API of its own, with a cache of its own.
        key = (api, *identity)
        response = self._cached(key)
        started = time.monotonic()
        if response is not None:
            return self._verdict(api, response, arn, 0, cached=True)
        outcome = await self.pool.invoke(json.dumps(event).encode())
        found = self._response(api, outcome)
        if isinstance(found, Decision):
            return replace(found, request_id=outcome.request_id)
        if self.settings.ttl > 0:
            self._cache[key] = (time.monotonic() + self.settings.ttl, found)
        latency = round((time.monotonic() - started) * 1000)
        return replace(self._verdict(api, found, arn, latency, cached=False), request_id=outcome.request_id)

    def _cached(self, key: tuple[str, ...]) -> AuthorizerResponse | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._cache[key]
            return None
        return entry[1]

    def _response(self, api: ApiKind, outcome: Outcome) -> AuthorizerResponse | Decision:
        result = outcome.result
        if outcome.ending != "answered" or result is None:
            logger.error("the authorizer %s (%s)", outcome.ending.replace("_", " "), outcome.request_id)
            return Decision("error", refusal(api, "error"))
        if result.error is not None:
            if result.error.error_message == UNAUTHORIZED_MESSAGE:
                return Decision("unauthorized", refusal(api, "unauthorized"))
            logger.error("the authorizer failed: %s: %s", result.error.error_type, result.error.error_message)
            return Decision("error", refusal(api, "error"))
        try:
            answer = result.json()
            if api == "http" and isinstance(answer, dict) and "isAuthorized" in answer:
                return AuthorizerSimpleResponse.model_validate(answer)
            return AuthorizerPolicyResponse.model_validate(answer)
        except ValueError as error:  # not JSON, or refused by the model (ValidationError)
            reason = error.errors(include_url=False) if isinstance(error, ValidationError) else error
            logger.error("the authorizer's response is malformed: %s", reason)
            return Decision("error", refusal(api, "error"))

    def _verdict(
        self, api: ApiKind, response: AuthorizerResponse, arn: str, latency: int, *, cached: bool
    ) -> Decision:
        context = response.context or {}
        if isinstance(response, AuthorizerSimpleResponse):
            if not response.is_authorized:
                return Decision("deny", refusal(api, "deny"), cached=cached)
            return Decision("allow", context={"lambda": dict(context)}, cached=cached)
        principal = response.principal_id
        found = evaluate(response, arn)
        if found != "allow":
            return Decision(
                "deny", refusal(api, "deny", found == "explicit"), cached=cached, principal_id=principal
            )
        if api == "http":
            return Decision("allow", context={"lambda": dict(context)}, cached=cached, principal_id=principal)
        if any(isinstance(value, dict | list) for value in context.values()):
            # REST and WebSocket APIs take only strings, numbers and booleans in the context.
            logger.error(
                "the authorizer's context has an object or list value: REST and WebSocket APIs refuse it"
            )
            return Decision("error", refusal(api, "error"), principal_id=principal)
        layout: dict[str, JsonValue] = {
            "principalId": principal,
            **{name: _stringified(value) for name, value in context.items()},
            "integrationLatency": latency,
        }
        return Decision("allow", context=layout, cached=cached, principal_id=principal)
