"""Ready-made Lambda events for every source, with fresh ids and the current time.

For trying an app locally (``python -m mangum event http``) and for tests. Every sample is shaped
like what the service sends and validates against its model in :mod:`mangum.events`.
"""

from __future__ import annotations

import base64
import secrets
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from mangum.events import (
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    CloudFrontEvent,
    FunctionUrlEvent,
    WebSocketEvent,
)
from mangum.events._query import decode_query
from mangum.events.sources import EventModelType
from mangum.types import LambdaEvent

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
SOURCE_IP = "203.0.113.10"
USER_AGENT = "mangum-sample/1.0"


@dataclass(frozen=True)
class SampleRequest:
    """What the sample asks for, and the ids and time that make it fresh."""

    method: str = "GET"
    path: str = "/"
    query: str = ""
    body: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    api_id: str = field(default_factory=lambda: _token(10))

    @property
    def epoch_ms(self) -> int:
        return int(self.now.timestamp() * 1000)

    @property
    def clf_time(self) -> str:
        """The time as API Gateway writes it: ``12/Mar/2020:19:03:58 +0000``."""
        return self.now.strftime("%d/%b/%Y:%H:%M:%S +0000")

    def headers(self, host: str) -> dict[str, str]:
        sent = {
            "accept": "*/*",
            "host": host,
            "user-agent": USER_AGENT,
            "x-amzn-trace-id": f"Root=1-{int(self.now.timestamp()):08x}-{secrets.token_hex(12)}",
            "x-forwarded-for": SOURCE_IP,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        }
        if self.body is not None:
            sent["content-type"] = "application/json"
        return sent


def _token(length: int) -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(length))


def _connection_id() -> str:
    return base64.b64encode(secrets.token_bytes(11)).decode()


def _multi(values: dict[str, str]) -> dict[str, list[str]]:
    return {name: [value] for name, value in values.items()}


def _decoded_multi(query: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in decode_query(query):
        params.setdefault(name, []).append(value)
    return params


def rest(request: SampleRequest) -> LambdaEvent:
    """API Gateway REST API, stage ``prod`` on the default domain."""
    host = f"{request.api_id}.execute-api.{REGION}.amazonaws.com"
    headers = request.headers(host)
    query = _decoded_multi(request.query)
    return {
        "resource": "/{proxy+}",
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": _multi(headers),
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": request.path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": request.api_id,
            "domainName": host,
            "domainPrefix": request.api_id,
            "extendedRequestId": _connection_id(),
            "httpMethod": request.method,
            "identity": {"sourceIp": SOURCE_IP, "userAgent": USER_AGENT},
            "path": f"/prod{request.path}",
            "protocol": "HTTP/1.1",
            "requestId": request.request_id,
            "requestTime": request.clf_time,
            "requestTimeEpoch": request.epoch_ms,
            "resourceId": _token(6),
            "resourcePath": "/{proxy+}",
            "stage": "prod",
        },
        "body": request.body,
        "isBase64Encoded": False,
    }


def _v2(request: SampleRequest, host: str, api_id: str) -> LambdaEvent:
    query = _decoded_multi(request.query)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": request.headers(host),
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": api_id,
            "domainName": host,
            "domainPrefix": api_id,
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": USER_AGENT,
            },
            "requestId": request.request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": request.clf_time,
            "timeEpoch": request.epoch_ms,
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in query.items()}
    if request.body is not None:
        event["body"] = request.body
    return event


def http(request: SampleRequest) -> LambdaEvent:
    """API Gateway HTTP API (payload 2.0), ``$default`` stage."""
    return _v2(request, f"{request.api_id}.execute-api.{REGION}.amazonaws.com", request.api_id)


def function_url(request: SampleRequest) -> LambdaEvent:
    """Lambda Function URL."""
    url_id = _token(32)
    return _v2(request, f"{url_id}.lambda-url.{REGION}.on.aws", url_id)


def _alb(request: SampleRequest, *, multi_value: bool) -> LambdaEvent:
    # ALB passes the query on as the client sent it, still percent-encoded.
    pairs = [pair.partition("=") for pair in request.query.split("&") if pair]
    headers = request.headers("lambda-alb-123578498.us-east-1.elb.amazonaws.com")
    event: dict[str, Any] = {
        "requestContext": {
            "elb": {
                "targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:"
                f"targetgroup/lambda-{_token(8)}/{secrets.token_hex(8)}"
            }
        },
        "httpMethod": request.method,
        "path": request.path,
        "body": request.body or "",
        "isBase64Encoded": False,
    }
    if multi_value:
        query: dict[str, list[str]] = {}
        for name, _, value in pairs:
            query.setdefault(name, []).append(value)
        event["multiValueQueryStringParameters"] = query
        event["multiValueHeaders"] = _multi(headers)
    else:
        event["queryStringParameters"] = {name: value for name, _, value in pairs}
        event["headers"] = headers
    return event


def alb(request: SampleRequest) -> LambdaEvent:
    """Application Load Balancer, single-value headers."""
    return _alb(request, multi_value=False)


def alb_multi(request: SampleRequest) -> LambdaEvent:
    """Application Load Balancer with multi-value headers enabled on the target group."""
    return _alb(request, multi_value=True)


def edge(request: SampleRequest) -> LambdaEvent:
    """CloudFront Lambda@Edge origin request, body included."""
    headers = request.headers("d111111abcdef8.cloudfront.net")
    cf_request: dict[str, Any] = {
        "clientIp": SOURCE_IP,
        "headers": {name: [{"key": name.title(), "value": value}] for name, value in headers.items()},
        "method": request.method,
        "querystring": request.query,
        "uri": request.path,
    }
    if request.body is not None:
        cf_request["body"] = {
            "action": "read-only",
            "data": base64.b64encode(request.body.encode()).decode(),
            "encoding": "base64",
            "inputTruncated": False,
        }
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": "d111111abcdef8.cloudfront.net",
                        "distributionId": "EDFDVBD6EXAMPLE",
                        "eventType": "origin-request",
                        "requestId": base64.urlsafe_b64encode(secrets.token_bytes(42)).decode(),
                    },
                    "request": cf_request,
                }
            }
        ]
    }


def _websocket_context(request: SampleRequest, route: str, event_type: str) -> dict[str, Any]:
    return {
        "routeKey": route,
        "eventType": event_type,
        "extendedRequestId": _connection_id(),
        "requestTime": request.clf_time,
        "messageDirection": "IN",
        "stage": "prod",
        "connectedAt": request.epoch_ms,
        "requestTimeEpoch": request.epoch_ms,
        "identity": {"sourceIp": SOURCE_IP, "userAgent": USER_AGENT},
        "requestId": _connection_id(),
        "domainName": f"{request.api_id}.execute-api.{REGION}.amazonaws.com",
        "connectionId": _connection_id(),
        "apiId": request.api_id,
    }


def websocket_connect(request: SampleRequest) -> LambdaEvent:
    """WebSocket API ``$connect``: the handshake's headers and query string."""
    headers = request.headers(f"{request.api_id}.execute-api.{REGION}.amazonaws.com")
    headers |= {
        "sec-websocket-key": base64.b64encode(secrets.token_bytes(16)).decode(),
        "sec-websocket-version": "13",
    }
    query = _decoded_multi(request.query)
    event: dict[str, Any] = {
        "headers": headers,
        "multiValueHeaders": _multi(headers),
        "requestContext": _websocket_context(request, "$connect", "CONNECT"),
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = {name: values[-1] for name, values in query.items()}
        event["multiValueQueryStringParameters"] = query
    return event


def websocket_message(request: SampleRequest) -> LambdaEvent:
    """WebSocket API message on the ``$default`` route."""
    context = _websocket_context(request, "$default", "MESSAGE") | {"messageId": _connection_id()}
    body = request.body if request.body is not None else '{"action": "sendmessage", "data": "hello"}'
    return {"requestContext": context, "body": body, "isBase64Encoded": False}


def websocket_disconnect(request: SampleRequest) -> LambdaEvent:
    """WebSocket API ``$disconnect`` after the client closed normally."""
    host = f"{request.api_id}.execute-api.{REGION}.amazonaws.com"
    headers = {"Host": host, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
    context = _websocket_context(request, "$disconnect", "DISCONNECT") | {
        "disconnectStatusCode": 1000,
        "disconnectReason": "Client closed the connection",
    }
    return {
        "headers": headers,
        "multiValueHeaders": _multi(headers),
        "requestContext": context,
        "isBase64Encoded": False,
    }


@dataclass(frozen=True)
class Sample:
    """One source's sample: how to build it, the model it validates against, its example file."""

    build: Callable[[SampleRequest], LambdaEvent]
    model: EventModelType
    file_name: str


SAMPLES: dict[str, Sample] = {
    "rest": Sample(rest, ApiGatewayV1Event, "rest-api.json"),
    "http": Sample(http, ApiGatewayV2Event, "http-api.json"),
    "function-url": Sample(function_url, FunctionUrlEvent, "function-url.json"),
    "alb": Sample(alb, AlbEvent, "alb.json"),
    "alb-multi": Sample(alb_multi, AlbEvent, "alb-multi-value.json"),
    "edge": Sample(edge, CloudFrontEvent, "lambda-edge.json"),
    "websocket-connect": Sample(websocket_connect, WebSocketEvent, "websocket-connect.json"),
    "websocket-message": Sample(websocket_message, WebSocketEvent, "websocket-message.json"),
    "websocket-disconnect": Sample(websocket_disconnect, WebSocketEvent, "websocket-disconnect.json"),
}
"""Every source with a sample, by the name the CLI takes."""


def sample_event(
    source: str, *, method: str = "GET", path: str = "/", body: str | None = None
) -> LambdaEvent:
    """A fresh sample event of ``source`` (a key of :data:`SAMPLES`) for ``method`` and ``path``
    (which may carry a ``?query``). Raises :class:`KeyError` for an unknown source."""
    route, _, query = path.partition("?")
    request = SampleRequest(method=method.upper(), path=route or "/", query=query, body=body)
    return SAMPLES[source].build(request)
