"""Shared by the response tests: one sample event per source, and the result layout of each source
for a response whose header names are all distinct."""

from __future__ import annotations

import json
from http import HTTPStatus

from mangum._http.response import CollectedResponse, ResponseShape, build_result
from mangum._sources import alb, api_gateway_v1, api_gateway_v2, cloudfront, function_url, websocket
from mangum._sources.registry import HttpEvent
from mangum.config import Config
from tests.support.event_files import load_event
from tests.support.http_events import read_http

SOURCE_EVENTS: dict[str, str] = {
    "rest": "apiGatewayProxyEvent.json",
    "http": "apiGatewayProxyV2Event.json",
    "url": "lambdaFunctionUrlEvent.json",
    "alb": "albEvent.json",
    "alb-multi": "albMultiValueCookiesEvent.json",
    "cloudfront-viewer": "cloudFrontViewerRequestEvent.json",
    "cloudfront-origin": "cloudFrontOriginRequestEvent.json",
}
SOURCES = list(SOURCE_EVENTS)

RESPONSE_SHAPES: dict[str, ResponseShape] = {
    "rest": api_gateway_v1.RESPONSE,
    "http": api_gateway_v2.RESPONSE,
    "url": function_url.RESPONSE,
    "alb": alb.SINGLE_VALUE_RESPONSE,
    "alb-multi": alb.MULTI_VALUE_RESPONSE,
    "cloudfront": cloudfront.RESPONSE,
    "websocket": websocket.RESPONSE,
}
"""Every result layout, by a short name."""

LAMBDA_LIMIT = 6_291_556
LIMITS: dict[str, int] = {
    **dict.fromkeys(SOURCES, LAMBDA_LIMIT),
    "cloudfront-viewer": 40 * 1024,
    "cloudfront-origin": 1024 * 1024,
}


def event_for(source: str) -> HttpEvent:
    """The sample event of a source, as the adapter reads it."""
    return read_http(load_event(SOURCE_EVENTS[source]))


def result(
    source: str,
    status: int,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    config: Config | None = None,
) -> dict[str, object]:
    """What the handler returns for this app response under the source's sample event."""
    response = CollectedResponse(status, headers, body)
    event = event_for(source)
    return build_result(event.response, event.limit, response, config or Config())


def serialized_size(payload: dict[str, object]) -> int:
    """Bytes of the result as the Lambda runtime serializes it (non-ASCII escaped)."""
    return len(json.dumps(payload).encode())


def expected(
    source: str, headers: list[tuple[str, str]], body: str, base64: bool, status: int = 200
) -> dict[str, object]:
    """The exact result for a response whose header names are pairwise distinct (case-insensitively)."""
    phrase = HTTPStatus(status).phrase
    if source.startswith("cloudfront-"):
        return {
            "status": str(status),
            "statusDescription": phrase,
            "headers": {name.lower(): [{"key": name, "value": value}] for name, value in headers},
            "body": body,
            "bodyEncoding": "base64" if base64 else "text",
        }
    layouts: dict[str, dict[str, object]] = {
        "rest": {"headers": dict(headers), "multiValueHeaders": {}},
        "http": {"headers": dict(headers), "cookies": []},
        "url": {"headers": dict(headers), "cookies": []},
        "alb": {"statusDescription": f"{status} {phrase}", "headers": dict(headers)},
        "alb-multi": {
            "statusDescription": f"{status} {phrase}",
            "multiValueHeaders": {name: [value] for name, value in headers},
        },
    }
    return {"statusCode": status, **layouts[source], "body": body, "isBase64Encoded": base64}
