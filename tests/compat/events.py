"""Events shaped like the ones PyPI mangum's own tests use (taken from AWS's documentation): a REST
API proxy event, HTTP API events of both payload formats, ALB events in both header modes and a
Lambda@Edge origin request."""

from __future__ import annotations

import base64
from typing import Any

from mangum.types import LambdaEvent

BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, lzma, sdch, br",
    "Accept-Language": "en-US,en;q=0.8",
    "CloudFront-Forwarded-Proto": "https",
    "CloudFront-Viewer-Country": "US",
    "Cookie": "cookie1; cookie2",
    "Host": "test.execute-api.us-west-2.amazonaws.com",
    "Upgrade-Insecure-Requests": "1",
    "X-Forwarded-For": "192.168.100.1, 192.168.1.1",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https",
}
PIXEL_GIF = base64.b64decode("R0lGODdhAQABAIABAP8AAAAAACwAAAAAAQABAAACAkQBADs=")
"""A 1x1 red GIF."""


def rest(
    method: str = "GET",
    path: str = "/test/hello",
    query: dict[str, list[str]] | None = None,
    body: str | None = None,
    base64_body: bool = False,
) -> LambdaEvent:
    """A REST API proxy event without a stage in the requested path (a custom domain's root)."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": dict(BROWSER_HEADERS),
        "multiValueHeaders": None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} if query else None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": {"stageVarName": "stageVarValue"},
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "us4z18",
            "stage": "Prod",
            "requestId": "41b45ea3-70b5-11e6-b7bd-69b5aaebc7d9",
            "identity": {"sourceIp": "192.168.100.1", "userAgent": "Mozilla/5.0"},
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "apiId": "123",
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }


def http_v2(
    method: str = "GET", path: str = "/my/path", query: str = "", body: str | None = None
) -> LambdaEvent:
    """An HTTP API payload 2.0 event, with two cookies."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "cookies": ["cookie1", "cookie2"],
        "headers": {
            "accept-encoding": "gzip,deflate",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            "host": "test.execute-api.us-west-2.amazonaws.com",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "id",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.168.100.1",
                "userAgent": "agent",
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "12/Mar/2020:19:03:58 +0000",
            "timeEpoch": 1583348638390,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def http_v1(
    method: str = "GET", path: str = "/my/path", query: dict[str, list[str]] | None = None
) -> LambdaEvent:
    """An HTTP API payload 1.0 event: the REST layout with a ``version``."""
    return {
        "version": "1.0",
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {
            "Header1": "value1",
            "Header2": "value2",
            "Host": "test.execute-api.us-west-2.amazonaws.com",
        },
        "multiValueHeaders": {
            "Header1": ["value1"],
            "Header2": ["value1", "value2"],
            "Host": ["test.execute-api.us-west-2.amazonaws.com"],
        },
        "queryStringParameters": {name: values[-1] for name, values in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "id",
            "httpMethod": method,
            "identity": {"sourceIp": "192.168.100.1", "userAgent": "user-agent"},
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": "id=",
            "resourcePath": path,
            "stage": "$default",
        },
        "body": "Hello from Lambda!",
        "isBase64Encoded": False,
    }


TARGET_GROUP = "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDq/49e9d65c"
ALB_HEADERS = {
    "accept": ["text/html"],
    "host": ["lambda-alb-123578498.us-east-2.elb.amazonaws.com"],
    "user-agent": ["Mozilla/5.0"],
    "x-forwarded-for": ["72.12.164.125"],
    "x-forwarded-port": ["80"],
    "x-forwarded-proto": ["http"],
}


def alb(
    path: str = "/lambda",
    query: dict[str, list[str]] | None = None,
    *,
    multi_value: bool = False,
    body: str = "",
) -> LambdaEvent:
    """An ALB event; with multi-value headers off, ALB passes the last value of each name."""
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": TARGET_GROUP}},
        "httpMethod": "GET",
        "path": path,
        "body": body,
        "isBase64Encoded": False,
    }
    query = query or {}
    if multi_value:
        event["multiValueHeaders"] = {name: list(values) for name, values in ALB_HEADERS.items()}
        event["multiValueQueryStringParameters"] = query
    else:
        event["headers"] = {name: values[-1] for name, values in ALB_HEADERS.items()}
        event["queryStringParameters"] = {name: values[-1] for name, values in query.items()}
    return event


def lambda_at_edge(
    method: str = "GET", uri: str = "/", querystring: str = "", body: str | None = None
) -> LambdaEvent:
    """A CloudFront origin-request event; ``body`` is sent as text when given."""
    headers = {
        "x-forwarded-for": "192.168.100.1",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        "host": "test.execute-api.us-west-2.amazonaws.com",
    }
    request: dict[str, Any] = {
        "clientIp": "192.168.100.1",
        "headers": {name: [{"key": name, "value": value}] for name, value in headers.items()},
        "method": method,
        "querystring": querystring,
        "uri": uri,
    }
    if body is not None:
        request["body"] = {"inputTruncated": False, "action": "read-only", "encoding": "text", "data": body}
    return {
        "Records": [
            {
                "cf": {
                    "config": {
                        "distributionDomainName": "mock-distribution.local.localhost",
                        "distributionId": "ABC123DEF456G",
                        "eventType": "origin-request",
                        "requestId": "lBEBo2N0JKYUP2JXwn_4am2xAXB2GzcL2FlwXI8G59PA8wghF2ImFQ==",
                    },
                    "request": request,
                }
            }
        ]
    }
