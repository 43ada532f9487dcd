"""Shared by the adapter tests: reading a handler's result whatever the source's layout, and small
raw ASGI apps."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from mangum.local_context import LocalContext
from mangum.responses import (
    AlbResponse,
    ApiGatewayV1Response,
    ApiGatewayV2Response,
    CloudFrontResponse,
    FunctionUrlResponse,
    LambdaResponse,
)
from mangum.types import Receive, Scope, Send

# A handler result is open JSON by nature: its values are read by key and checked.
Result = Mapping[str, Any]

# Shared by whole test modules, so its deadline must outlast the session: a 30 s one counted down
# from import left a window, half a second wide, in which a test got a 504 (the deadline margin).
CONTEXT = LocalContext(timeout_ms=24 * 60 * 60 * 1000)

RESPONSE_MODEL: dict[str, type[LambdaResponse]] = {
    "ApiGatewayV1Event": ApiGatewayV1Response,
    "ApiGatewayV2Event": ApiGatewayV2Response,
    "FunctionUrlEvent": FunctionUrlResponse,
    "AlbEvent": AlbResponse,
    "CloudFrontEvent": CloudFrontResponse,
}
"""The response model of each HTTP event model, by the event model's name."""


def status_of(result: Result) -> int:
    """The status code, from ``statusCode`` or Lambda@Edge's string ``status``."""
    return int(result["statusCode"]) if "statusCode" in result else int(result["status"])


def body_of(result: Result) -> bytes:
    """The body as bytes, decoded from base64 when the result says so."""
    body: str = result.get("body") or ""
    encoded = result.get("isBase64Encoded") or result.get("bodyEncoding") == "base64"
    return base64.b64decode(body) if encoded else body.encode()


def json_of(result: Result) -> Any:
    """The body parsed as JSON."""
    return json.loads(body_of(result))


def header_values(result: Result, name: str) -> list[str]:
    """Every value of a header (case-insensitive), from whichever fields the source's layout uses."""
    wanted = name.lower()
    values: list[str] = []
    for key, value in (result.get("headers") or {}).items():
        if key.lower() != wanted:
            continue
        if isinstance(value, list):  # Lambda@Edge: [{"key": ..., "value": ...}]
            values.extend(entry["value"] for entry in value)
        else:
            values.append(value)
    for key, listed in (result.get("multiValueHeaders") or {}).items():
        if key.lower() == wanted:
            values.extend(listed)
    if wanted == "set-cookie":
        values.extend(result.get("cookies") or [])
    return values


def http_scope(path: str = "/", method: str = "POST") -> Scope:
    """A hand-built ASGI HTTP scope, as a custom handler or a unit test would make one."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"example.com")],
        "client": ("203.0.113.7", 0),
        "server": ("example.com", 443),
    }


class EchoApp:
    """Answers every request with its body, the scope's method and path in headers, and records
    each scope it was called with."""

    def __init__(self) -> None:
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        self.scopes.append(scope)
        message = await receive()
        headers = [
            (b"content-type", b"application/octet-stream"),
            (b"x-method", scope["method"].encode()),
            (b"x-path", scope["path"].encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": message["body"]})
