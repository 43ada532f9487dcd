"""Hand-made HTTP events, one builder per source, shaped like what each service sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mangum._http.scope import http_scope
from mangum._sources.registry import HttpEvent, HttpSource, detect
from mangum.config import Config
from mangum.events import WebSocketEvent, parse_event
from mangum.events.sources import LambdaHttpEvent
from mangum.types import HTTPScope, LambdaEvent

HOST = "abc123.execute-api.eu-west-1.amazonaws.com"


def rest_event(
    path: str = "/items",
    *,
    context_path: str | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    multi_value_headers: dict[str, list[str]] | None = None,
    query: dict[str, list[str]] | None = None,
    source_ip: str | None = "198.51.100.4",
    protocol: str | None = "HTTP/1.1",
    stage: str = "prod",
) -> LambdaEvent:
    """A REST API (payload 1.0) event; ``context_path`` is what the client requested."""
    request_context: dict[str, Any] = {
        "path": path if context_path is None else context_path,
        "stage": stage,
        "httpMethod": method,
        "identity": {"sourceIp": source_ip},
    }
    if protocol is not None:
        request_context["protocol"] = protocol
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi_value_headers,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "requestContext": request_context,
        "body": None,
        "isBase64Encoded": False,
    }


def v2_event(
    raw_path: str = "/items",
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    raw_query: str = "",
    cookies: list[str] | None = None,
    source_ip: str = "198.51.100.4",
    protocol: str = "HTTP/1.1",
    domain: str = HOST,
) -> LambdaEvent:
    """An HTTP API (payload 2.0) event; a ``.lambda-url.`` domain makes it a Function URL event."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers if headers is not None else {"host": domain},
        "requestContext": {
            "domainName": domain,
            "stage": "$default",
            "http": {"method": method, "path": raw_path, "protocol": protocol, "sourceIp": source_ip},
        },
        "isBase64Encoded": False,
    }
    if cookies is not None:
        event["cookies"] = cookies
    return event


def function_url_event(raw_path: str = "/items", **options: Any) -> LambdaEvent:
    """A Lambda Function URL event."""
    return v2_event(raw_path, domain="abcdefgh.lambda-url.eu-west-1.on.aws", **options)


def alb_event(
    path: str = "/items",
    *,
    headers: dict[str, str] | None = None,
    multi_value_headers: dict[str, list[str]] | None = None,
    query: dict[str, str] | None = None,
    multi_value_query: dict[str, list[str]] | None = None,
) -> LambdaEvent:
    """An ALB event; single-value unless a multi-value field is given."""
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:1:tg/x/y"}},
        "httpMethod": "GET",
        "path": path,
        "body": "",
        "isBase64Encoded": False,
    }
    if multi_value_headers is not None or multi_value_query is not None:
        event["multiValueHeaders"] = multi_value_headers or {}
        event["multiValueQueryStringParameters"] = multi_value_query or {}
    else:
        event["headers"] = headers if headers is not None else {"host": "lb.example.com"}
        event["queryStringParameters"] = query or {}
    return event


def cloudfront_event(
    uri: str = "/items",
    *,
    querystring: str = "",
    headers: dict[str, str] | None = None,
    client_ip: str = "203.0.113.178",
) -> LambdaEvent:
    """A Lambda@Edge origin-request event."""
    sent = headers if headers is not None else {"Host": "d111111abcdef8.cloudfront.net"}
    cf_headers = {name.lower(): [{"key": name, "value": value}] for name, value in sent.items()}
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": "d111111abcdef8.cloudfront.net",
                        "distributionId": "EDFDVBD6EXAMPLE",
                        "eventType": "origin-request",
                        "requestId": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
                    },
                    "request": {
                        "clientIp": client_ip,
                        "headers": cf_headers,
                        "method": "GET",
                        "querystring": querystring,
                        "uri": uri,
                    },
                }
            }
        ]
    }


EVENT_BUILDERS: dict[str, Callable[[str], LambdaEvent]] = {
    "rest": rest_event,
    "http-api": v2_event,
    "function-url": function_url_event,
    "alb": alb_event,
    "cloudfront": cloudfront_event,
}
"""Every source's builder, taking the request path as its first argument."""


def http_event_of(raw: LambdaEvent) -> LambdaHttpEvent:
    """The parsed model of an HTTP event."""
    event = parse_event(raw)
    if isinstance(event, WebSocketEvent):
        raise AssertionError("not an HTTP event")
    return event


def read_http(raw: LambdaEvent) -> HttpEvent:
    """An HTTP event as the adapter reads it: detected, validated and reduced by its source's home."""
    source = detect(raw)
    if not isinstance(source, HttpSource):
        raise AssertionError("not an HTTP event")
    return source.read(raw)


def scope_of(raw: LambdaEvent, base_path: str = "") -> HTTPScope:
    """The scope for a raw event, as the adapter builds it."""
    return http_scope(read_http(raw).request, raw, None, Config(api_gateway_base_path=base_path))
