"""The events AWS sends for a real HTTP request: REST API, HTTP API, ALB and Function URL.

``python -m mangum serve`` turns each request it receives into a :class:`GatewayRequest` (what the
client sent, where from, when) and then into the event of the chosen source, laid out as the
service lays it out (the sources' samples in :mod:`mangum._sources` are the same shapes with made-up
requests; the ids, times and constants come from :mod:`mangum._sources.samples`):

- REST API (payload 1.0): single- and multi-value header and query maps (the query decoded), the
  stage in ``requestContext.path`` and the URL, ``resource: /{proxy+}``;
- HTTP API (payload 2.0): ``rawPath`` (with a named stage), ``rawQueryString``, repeated headers
  comma-joined, ``cookies`` apart, ``queryStringParameters`` comma-joined;
- Function URL: the payload 2.0 layout on a ``*.lambda-url.*`` domain (which is what tells the
  source apart), no stage;
- ALB: the query still percent-encoded, single-value maps (the default target group setting).

:func:`sample_event` gives a sample event of any source (``python -m mangum event`` prints them), to
invoke a function with by hand, e.g. through :class:`~mangum.local.runtime_api.RuntimeApiServer`.

Bodies that are text (a textual ``Content-Type``, valid UTF-8) are passed as they are; any other
body is base64 with ``isBase64Encoded: true``, as API Gateway does with binary media types ``*/*``.
The proxies' ``X-Forwarded-For`` / ``-Port`` / ``-Proto`` headers are added, from the connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal, TypeAlias

from mangum._http.response import encode_body, is_text_media_type
from mangum._sources import samples
from mangum._sources.registry import sample_event as sample_event
from mangum.config import DEFAULT_TEXT_MIME_TYPES
from mangum.types import LambdaEvent

HttpSourceName: TypeAlias = Literal["rest", "http", "alb", "url"]
"""The ``--source`` choices of ``serve``."""

DEFAULT_STAGE = "$default"
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class GatewayRequest:
    """One request as the gateway received it.

    ``path`` is the percent-decoded path and ``raw_path`` the path as sent; ``query`` the raw query
    string; ``headers`` every header in order, names lower-cased; ``body`` the bytes received;
    ``source_ip`` the client's address; ``host`` the ``Host`` header; ``port`` and ``scheme`` where
    the gateway listens.
    """

    method: str
    path: str
    raw_path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    host: str
    port: int
    scheme: str = "http"
    protocol: str = "HTTP/1.1"
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def header(self, name: str) -> str | None:
        """The last value of a header (by lower-case name)."""
        found = None
        for key, value in self.headers:
            if key == name:
                found = value
        return found

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header ('' without one)."""
        return self.header("user-agent") or ""

    def forwarded_headers(self) -> list[tuple[str, str]]:
        """The headers with what the service's proxy adds: ``X-Forwarded-For``, ``-Port``, ``-Proto``."""
        sent = [(name, value) for name, value in self.headers if not name.startswith("x-forwarded-")]
        forwarded_for = self.header("x-forwarded-for")
        chain = f"{forwarded_for}, {self.source_ip}" if forwarded_for else self.source_ip
        return [
            *sent,
            ("x-forwarded-for", chain),
            ("x-forwarded-port", str(self.port)),
            ("x-forwarded-proto", self.scheme),
        ]


def body_field(request: GatewayRequest) -> tuple[str, bool]:
    """The body as the event carries it: ``(text, isBase64Encoded)``."""
    media_type = (request.header("content-type") or "").partition(";")[0].strip().lower()
    textual = not media_type or media_type == _FORM or is_text_media_type(media_type, DEFAULT_TEXT_MIME_TYPES)
    encoded = encode_body(request.body, textual=textual and not request.header("content-encoding"))
    return encoded.text, encoded.base64


def single_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """A single-value map: the last value of each name."""
    return dict(pairs)


def multi_values(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """A multi-value map: every value of each name, in order."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values


def joined_values(pairs: list[tuple[str, str]], separator: str = ",") -> dict[str, str]:
    """Repeated names joined with ``separator`` (payload 2.0's maps)."""
    return {name: separator.join(values) for name, values in multi_values(pairs).items()}


def stage_path(stage: str, path: str) -> str:
    """The path under a stage, as the default ``execute-api`` domain has it."""
    return path if stage == DEFAULT_STAGE else f"/{stage}{path}"


def rest_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The REST API event (``request.path`` without the stage)."""
    headers = request.forwarded_headers()
    single, multi = samples.query_parameter_maps(request.query)
    body, base64 = body_field(request)
    proxy = request.path.lstrip("/")
    resource = "/{proxy+}" if proxy else "/"
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": single_values(headers) or None,
        "multiValueHeaders": multi_values(headers) or None,
        "queryStringParameters": single or None,
        "multiValueQueryStringParameters": multi or None,
        "pathParameters": {"proxy": proxy} if proxy else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": samples.ACCOUNT_ID,
            "apiId": api_id,
            "domainName": request.host,
            "domainPrefix": api_id,
            "extendedRequestId": samples.connection_id(),
            "httpMethod": request.method,
            "identity": {"sourceIp": request.source_ip, "userAgent": request.user_agent},
            "path": stage_path(stage, request.path),
            "protocol": request.protocol,
            "requestId": request.request_id,
            "requestTime": samples.clf_time(request.now),
            "requestTimeEpoch": samples.epoch_ms(request.now),
            "resourceId": samples.token(6),
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body if request.body else None,
        "isBase64Encoded": base64,
    }


def payload_v2_event(request: GatewayRequest, stage: str, api_id: str, domain: str) -> LambdaEvent:
    """A payload 2.0 event (HTTP API, Function URL) for a request whose ``path`` includes the stage."""
    headers = request.forwarded_headers()
    cookies = [cookie.strip() for name, value in headers if name == "cookie" for cookie in value.split(";")]
    others = [(name, value) for name, value in headers if name != "cookie"]
    body, base64 = body_field(request)
    event: LambdaEvent = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.raw_path,
        "rawQueryString": request.query,
        "headers": joined_values(others),
        "requestContext": {
            "accountId": samples.ACCOUNT_ID,
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
            "time": samples.clf_time(request.now),
            "timeEpoch": samples.epoch_ms(request.now),
        },
        "isBase64Encoded": base64,
    }
    if cookies := [cookie for cookie in cookies if cookie]:
        event["cookies"] = cookies
    if parameters := samples.joined_query_parameters(request.query):
        event["queryStringParameters"] = parameters
    if request.body:
        event["body"] = body
    return event


def http_api_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The HTTP API event."""
    return payload_v2_event(request, stage, api_id, request.host)


def function_url_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The Function URL event: the payload 2.0 layout on the function's ``lambda-url`` domain
    (what tells a Function URL event apart), with no stage."""
    domain = f"{api_id}.lambda-url.{samples.REGION}.on.aws"
    return payload_v2_event(request, DEFAULT_STAGE, api_id, domain)


def alb_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The ALB event of a target group without multi-value headers."""
    body, base64 = body_field(request)
    pairs = [pair.partition("=") for pair in request.query.split("&") if pair]
    return {
        "requestContext": {
            "elb": {
                "targetGroupArn": f"arn:aws:elasticloadbalancing:{samples.REGION}:{samples.ACCOUNT_ID}:"
                f"targetgroup/lambda-{api_id}/{api_id.encode().hex()[:16]}"
            }
        },
        "httpMethod": request.method,
        "path": request.raw_path,
        "queryStringParameters": {name: value for name, _, value in pairs},
        "headers": single_values(request.forwarded_headers()),
        "body": body,
        "isBase64Encoded": base64,
    }


EventBuilder: TypeAlias = Callable[[GatewayRequest, str, str], LambdaEvent]

BUILDERS: Mapping[HttpSourceName, EventBuilder] = {
    "rest": rest_event,
    "http": http_api_event,
    "alb": alb_event,
    "url": function_url_event,
}
"""The event builder of each ``--source``: ``builder(request, stage, api_id)``."""
