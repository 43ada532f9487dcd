"""One event builder per source: the event AWS sends for one request, laid out as the service lays it
out. The samples (:mod:`mangum._sources.samples`, ``python -m mangum event``) and ``python -m mangum
serve`` (:mod:`mangum.local.events`) build every event here, from an :class:`EventRequest`: the
samples from a made-up request, ``serve`` from the one it received.

- REST API (payload 1.0): single- and multi-value header and query maps (the query decoded), the
  stage in ``requestContext.path``, ``resource: /{proxy+}`` (``/`` for the root);
- HTTP API (payload 2.0): ``rawPath``, ``rawQueryString``, repeated headers comma-joined,
  ``cookies`` apart, ``queryStringParameters`` comma-joined;
- Function URL: the payload 2.0 layout on a ``*.lambda-url.*`` domain (which is what tells the
  source apart), no stage;
- ALB: the query still percent-encoded, single- or multi-value maps as the target group is set;
- CloudFront: a Lambda@Edge origin-request event, body included;
- WebSocket API: ``$connect`` with the handshake's headers and query, a message on its route,
  ``$disconnect`` with the close code and reason.

Nothing here reads an event: the source homes beside this module do, and none of them imports it, so
a function serving events never loads it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from typing import TYPE_CHECKING, Protocol

from mangum._http.request import decode_query

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from mangum.types import LambdaEvent

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
DEFAULT_STAGE = "$default"
DEFAULT_ROUTE = "$default"


# --- ids, times and maps as the services write them -----------------------------------------------


def epoch_ms(now: datetime) -> int:
    """A time in milliseconds since the epoch (``requestTimeEpoch``, ``timeEpoch``)."""
    return int(now.timestamp() * 1000)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clf_time(now: datetime) -> str:
    """A UTC time as API Gateway writes it: ``12/Mar/2020:19:03:58 +0000``."""
    # Formatted by hand: half the time of strftime on serve's path, and English whatever the locale.
    return (
        f"{now.day:02d}/{_MONTHS[now.month - 1]}/{now.year}:"
        f"{now.hour:02d}:{now.minute:02d}:{now.second:02d} +0000"
    )


def random_uuid() -> str:
    """A random (version 4) UUID as text, as ``str(uuid.uuid4())`` writes it, in a quarter of its time
    (request ids: ``serve`` makes two per request)."""
    digits = os.urandom(16).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"


_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def token(length: int) -> str:
    """A random lower-case alphanumeric id."""
    # One read of the system's randomness for the whole id (``secrets.choice`` per character made
    # one each: 6 to 32 system calls per event that ``serve`` builds). The 64 extra bits keep the
    # base-36 digits uniform to within 2**-64.
    number = int.from_bytes(secrets.token_bytes(length + 8), "big")
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        digits.append(_TOKEN_ALPHABET[digit])
    return "".join(digits)


def connection_id() -> str:
    """A random id in the form API Gateway gives connection and extended request ids.

    Base64 in form (``"L0SM9cOFvHcCIhw="``), but of letters and digits only: the id goes into URL
    paths unescaped (``@connections/{id}``, the inspector's actions), where a ``/`` would split it."""
    return base64.b64encode(secrets.token_bytes(11)).decode().translate(_PATH_SAFE)


_PATH_SAFE = str.maketrans("+/", "Az")


def execute_api_host(api_id: str) -> str:
    """The default ``execute-api`` domain of an API."""
    return f"{api_id}.execute-api.{REGION}.amazonaws.com"


def single_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """A single-value map: the last value of each name."""
    return dict(pairs)


def multi_values(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """A multi-value map: every value of each name, in order."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        found = values.get(name)  # not setdefault(name, []): that builds a list for every pair
        if found is None:
            values[name] = [value]
        else:
            found.append(value)
    return values


def value_maps(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """:func:`single_values` and :func:`multi_values` of ``pairs``: the REST and WebSocket events
    carry both maps of their headers and of their query."""
    return single_values(pairs), multi_values(pairs)


def joined_values(pairs: list[tuple[str, str]], separator: str = ",") -> dict[str, str]:
    """Repeated names joined with ``separator`` (payload 2.0's maps)."""
    return {name: separator.join(values) for name, values in multi_values(pairs).items()}


def query_parameter_maps(query: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A query string as API Gateway's two decoded maps (REST and WebSocket events):
    ``queryStringParameters``, the last value of each name, and ``multiValueQueryStringParameters``."""
    return value_maps(decode_query(query))


def stage_path(stage: str, path: str) -> str:
    """The path under a stage, as the default ``execute-api`` domain has it."""
    return path if stage == DEFAULT_STAGE else f"/{stage}{path}"


# --- the request an HTTP event is built from -------------------------------------------------------


class EventRequest:
    """One HTTP request as every builder takes it.

    ``path`` is the percent-decoded path and ``raw_path`` the path as sent; ``query`` the raw query
    string; ``headers`` every header in order as the service passes them on (names lower-cased,
    the proxy's ``X-Forwarded-*`` included); ``body`` the body as the event carries it (``None``
    for none) and ``base64`` whether that is base64; ``source_ip`` and ``user_agent`` the caller's.
    (A plain class: ``serve`` builds one per request.)
    """

    __slots__ = (
        "base64",
        "body",
        "headers",
        "method",
        "now",
        "path",
        "protocol",
        "query",
        "raw_path",
        "request_id",
        "source_ip",
        "user_agent",
    )

    def __init__(
        self,
        *,
        method: str,
        path: str,
        raw_path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: str | None,
        base64: bool,
        source_ip: str,
        user_agent: str,
        protocol: str,
        request_id: str,
        now: datetime,
    ) -> None:
        self.method = method
        self.path = path
        self.raw_path = raw_path
        self.query = query
        self.headers = headers
        self.body = body
        self.base64 = base64
        self.source_ip = source_ip
        self.user_agent = user_agent
        self.protocol = protocol
        self.request_id = request_id
        self.now = now


# --- the HTTP sources -------------------------------------------------------------------------------


def api_gateway_v1_event(request: EventRequest, *, host: str, stage: str, api_id: str) -> LambdaEvent:
    """The REST API event (payload 1.0) of ``request`` on ``host``, whose ``path`` is without the stage."""
    single_headers, multi_headers = value_maps(request.headers)
    single, multi = query_parameter_maps(request.query)
    proxy = request.path.lstrip("/")
    resource = "/{proxy+}" if proxy else "/"
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": single_headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": single or None,
        "multiValueQueryStringParameters": multi or None,
        "pathParameters": {"proxy": proxy} if proxy else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": api_id,
            "extendedRequestId": connection_id(),
            "httpMethod": request.method,
            "identity": {"sourceIp": request.source_ip, "userAgent": request.user_agent},
            "path": stage_path(stage, request.path),
            "protocol": request.protocol,
            "requestId": request.request_id,
            "requestTime": clf_time(request.now),
            "requestTimeEpoch": epoch_ms(request.now),
            "resourceId": token(6),
            "resourcePath": resource,
            "stage": stage,
        },
        "body": request.body,
        "isBase64Encoded": request.base64,
    }


def payload_v2_event(request: EventRequest, *, domain: str, stage: str, api_id: str) -> LambdaEvent:
    """A payload 2.0 event (HTTP API, Function URL) on ``domain``; ``raw_path`` includes the stage."""
    cookies = [
        cookie.strip() for name, value in request.headers if name == "cookie" for cookie in value.split(";")
    ]
    others = [(name, value) for name, value in request.headers if name != "cookie"]
    event: LambdaEvent = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.raw_path,
        "rawQueryString": request.query,
        "headers": joined_values(others),
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": domain.partition(".")[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": request.user_agent,
            },
            "requestId": request.request_id,
            "routeKey": "$default",
            "stage": stage,
            "time": clf_time(request.now),
            "timeEpoch": epoch_ms(request.now),
        },
        "isBase64Encoded": request.base64,
    }
    if cookies := [cookie for cookie in cookies if cookie]:
        event["cookies"] = cookies
    if parameters := joined_values(decode_query(request.query)):
        event["queryStringParameters"] = parameters
    if request.body is not None:
        event["body"] = request.body
    return event


def api_gateway_v2_event(request: EventRequest, *, host: str, stage: str, api_id: str) -> LambdaEvent:
    """The HTTP API event of ``request`` on ``host``."""
    return payload_v2_event(request, domain=host, stage=stage, api_id=api_id)


def function_url_event(request: EventRequest, *, url_id: str) -> LambdaEvent:
    """The Function URL event: the payload 2.0 layout on the function's ``lambda-url`` domain
    (what tells a Function URL event apart), with no stage."""
    domain = f"{url_id}.lambda-url.{REGION}.on.aws"
    return payload_v2_event(request, domain=domain, stage=DEFAULT_STAGE, api_id=url_id)


def alb_event(request: EventRequest, *, target_group: str, multi_value: bool) -> LambdaEvent:
    """The ALB event of a target group named ``target_group``, with or without multi-value headers.

    ALB passes the query on as the client sent it, still percent-encoded."""
    pairs = [pair.partition("=") for pair in request.query.split("&") if pair]
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/{target_group}"
    event: LambdaEvent = {
        "requestContext": {"elb": {"targetGroupArn": arn}},
        "httpMethod": request.method,
        "path": request.raw_path,
        "body": request.body or "",
        "isBase64Encoded": request.base64,
    }
    if multi_value:
        event["multiValueQueryStringParameters"] = multi_values([(name, value) for name, _, value in pairs])
        event["multiValueHeaders"] = multi_values(request.headers)
    else:
        event["queryStringParameters"] = {name: value for name, _, value in pairs}
        event["headers"] = single_values(request.headers)
    return event


def cloudfront_event(request: EventRequest, *, distribution_domain: str) -> LambdaEvent:
    """A Lambda@Edge origin-request event, body included (as base64)."""
    headers: dict[str, list[dict[str, str]]] = {}
    for name, value in request.headers:
        headers.setdefault(name, []).append({"key": name.title(), "value": value})
    cf_request: LambdaEvent = {
        "clientIp": request.source_ip,
        "headers": headers,
        "method": request.method,
        "querystring": request.query,
        "uri": request.raw_path,
    }
    if request.body is not None:
        data = request.body if request.base64 else base64.b64encode(request.body.encode()).decode()
        cf_request["body"] = {
            "action": "read-only",
            "data": data,
            "encoding": "base64",
            "inputTruncated": False,
        }
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": distribution_domain,
                        "distributionId": "EDFDVBD6EXAMPLE",
                        "eventType": "origin-request",
                        "requestId": base64.urlsafe_b64encode(secrets.token_bytes(42)).decode(),
                    },
                    "request": cf_request,
                }
            }
        ]
    }


# --- the WebSocket source ---------------------------------------------------------------------------


class WebSocketConnection(Protocol):
    """What API Gateway knows of a connection from its handshake, as every event of it carries."""

    @property
    def connection_id(self) -> str: ...
    @property
    def source_ip(self) -> str: ...
    @property
    def user_agent(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def api_id(self) -> str: ...
    @property
    def connected_at(self) -> datetime: ...
    @property
    def authorizer(self) -> Mapping[str, object] | None:
        """``requestContext.authorizer`` of every event of the connection, when an authorizer allowed it."""


def route_key(frame: str | bytes) -> str:
    """The route of a frame under the route selection expression ``$request.body.action``: a text
    frame holding a JSON object whose ``action`` is a string goes to that route, anything else to
    ``$default``."""
    if isinstance(frame, bytes):
        return DEFAULT_ROUTE
    try:
        body = json.loads(frame)
    except ValueError:
        return DEFAULT_ROUTE
    action = body.get("action") if isinstance(body, dict) else None
    return action if isinstance(action, str) and action else DEFAULT_ROUTE


def _websocket_context(
    connection: WebSocketConnection, route: str, event_type: str, now: datetime
) -> dict[str, object]:
    context: dict[str, object] = {
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": connection_id(),
        "requestTime": clf_time(now),
        "messageDirection": "IN",
        "stage": connection.stage,
        "connectedAt": epoch_ms(connection.connected_at),
        "requestTimeEpoch": epoch_ms(now),
        "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
        "requestId": connection_id(),
        "domainName": connection.domain,
        "connectionId": connection.connection_id,
        "apiId": connection.api_id,
    }
    if connection.authorizer is not None:
        context["authorizer"] = connection.authorizer
    return context


def websocket_connect_event(
    connection: WebSocketConnection, headers: list[tuple[str, str]], query: str, now: datetime
) -> LambdaEvent:
    """The ``$connect`` event of a handshake with these headers (names lower-cased) and raw query."""
    single, multi = query_parameter_maps(query)
    single_headers, multi_headers = value_maps(headers)
    event: LambdaEvent = {
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "requestContext": _websocket_context(connection, "$connect", "CONNECT", now),
        "isBase64Encoded": False,
    }
    if multi:
        event["queryStringParameters"] = single
        event["multiValueQueryStringParameters"] = multi
    return event


def websocket_message_event(
    connection: WebSocketConnection, frame: str | bytes, now: datetime
) -> LambdaEvent:
    """The event of one frame from the client, on its route; a binary frame arrives base64."""
    context = _websocket_context(connection, route_key(frame), "MESSAGE", now) | {
        "messageId": connection_id()
    }
    if isinstance(frame, bytes):
        return {"requestContext": context, "body": base64.b64encode(frame).decode(), "isBase64Encoded": True}
    return {"requestContext": context, "body": frame, "isBase64Encoded": False}


def websocket_disconnect_event(
    connection: WebSocketConnection, code: int, reason: str, now: datetime
) -> LambdaEvent:
    """The ``$disconnect`` event after the connection closed with ``code`` and ``reason``."""
    headers = [("Host", connection.domain), ("x-api-key", ""), ("X-Forwarded-For", ""), ("x-restapi", "")]
    context = _websocket_context(connection, "$disconnect", "DISCONNECT", now) | {
        "disconnectStatusCode": code,
        "disconnectReason": reason,
    }
    single_headers, multi_headers = value_maps(headers)
    return {
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "requestContext": context,
        "isBase64Encoded": False,
    }
