"""Every HTTP-shaped sample event, scope field by field; expectations read from the raw event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import ip_interface
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from mangum._http.scope import http_scope
from mangum.config import Config
from mangum.events import event_of, parse_event
from mangum.types import HTTPScope, LambdaCognitoIdentity, LambdaEvent, LambdaMobileClientContext
from tests.support.event_files import POWERTOOLS_DIR
from tests.support.http_events import read_http

HTTP_SAMPLES = sorted(p for p in POWERTOOLS_DIR.glob("*.json") if "WebSocket" not in p.name)


@dataclass
class FakeContext:
    """A stand-in for the Lambda runtime's context object (only identity is checked)."""

    function_name: str = "fn"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:fn"
    memory_limit_in_mb: int = 128
    aws_request_id: str = "req-1"
    log_group_name: str = "/aws/lambda/fn"
    log_stream_name: str = "stream"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def get_remaining_time_in_millis(self) -> int:
        return 1000


def load(path: Path) -> tuple[LambdaEvent, HTTPScope]:
    raw: LambdaEvent = json.loads(path.read_text())
    return raw, http_scope(read_http(raw).request, raw, None, Config())


def is_v2(raw: LambdaEvent) -> bool:
    return raw.get("version") == "2.0"


def is_alb(raw: LambdaEvent) -> bool:
    return "elb" in raw["requestContext"]


def raw_headers(raw: LambdaEvent) -> list[tuple[str, str]]:
    """Every header of the raw event as (name, value), every value of a multi-value header kept."""
    if raw.get("multiValueHeaders"):
        return [(name, value) for name, values in raw["multiValueHeaders"].items() for value in values]
    pairs = list((raw.get("headers") or {}).items())
    if raw.get("cookies"):
        pairs.append(("cookie", "; ".join(raw["cookies"])))
    return pairs


def raw_header(raw: LambdaEvent, name: str) -> str | None:
    for key, value in raw_headers(raw):
        if key.lower() == name:
            return value
    return None


def test_every_http_sample_is_covered() -> None:
    assert len(HTTP_SAMPLES) == 25


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_type_asgi_and_method(path: Path) -> None:
    raw, scope = load(path)
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.3"}
    expected = raw["requestContext"]["http"]["method"] if is_v2(raw) else raw["httpMethod"]
    assert scope["method"] == expected.upper()


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_http_version_from_protocol(path: Path) -> None:
    raw, scope = load(path)
    context = raw["requestContext"]
    protocol = context["http"].get("protocol") if is_v2(raw) else context.get("protocol")
    # Every sample that names a protocol says HTTP/1.1; the others fall back to 1.1.
    assert protocol in (None, "HTTP/1.1")
    assert scope["http_version"] == "1.1"


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_paths(path: Path) -> None:
    raw, scope = load(path)
    event_path = raw["rawPath"] if is_v2(raw) else raw["path"]
    # No sample is behind a named stage or base path mapping: requestContext.path (when present)
    # is the event path itself, or unrelated to it (the trailing-slash samples).
    assert raw["requestContext"].get("stage") in (None, "$default")
    assert scope["root_path"] == ""
    assert scope["path"] == event_path
    assert scope["raw_path"] == event_path.encode("ascii")


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_query_string(path: Path) -> None:
    raw, scope = load(path)
    if is_v2(raw):
        assert scope["query_string"] == raw["rawQueryString"].encode()
        return
    multi: dict[str, list[str]] = raw.get("multiValueQueryStringParameters") or {}
    single: dict[str, str] = raw.get("queryStringParameters") or {}
    expected = [(k, v) for k, values in multi.items() for v in values] or list(single.items())
    assert parse_qsl(scope["query_string"].decode(), keep_blank_values=True) == expected


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_headers(path: Path) -> None:
    raw, scope = load(path)
    expected = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in raw_headers(raw)]
    assert list(scope["headers"]) == expected
    for name, _ in scope["headers"]:
        assert name == name.lower()


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_client(path: Path) -> None:
    raw, scope = load(path)
    context = raw["requestContext"]
    source: str | None
    if is_alb(raw):
        forwarded = raw_header(raw, "x-forwarded-for")
        source = forwarded.split(",")[0].strip() if forwarded else None
    elif is_v2(raw):
        source = context["http"].get("sourceIp")
    else:
        source = (context.get("identity") or {}).get("sourceIp")
    expected = None if source is None else (str(ip_interface(source).ip), 0)
    assert scope["client"] == expected


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_scheme_and_server(path: Path) -> None:
    raw, scope = load(path)
    scheme = raw_header(raw, "x-forwarded-proto") or "https"
    assert scope["scheme"] == scheme
    host = raw_header(raw, "host")
    if host is None:
        assert scope["server"] is None
        return
    port = raw_header(raw, "x-forwarded-port") or {"https": "443", "http": "80"}[scheme]
    assert scope["server"] == (host, int(port))


@pytest.mark.parametrize("path", HTTP_SAMPLES, ids=lambda p: p.name)
def test_aws_and_mangum_keys(path: Path) -> None:
    raw: dict[str, Any] = json.loads(path.read_text())
    context = FakeContext()
    scope = http_scope(read_http(raw).request, raw, context, Config())
    assert scope["aws.event"] is raw
    assert scope["aws.context"] is context
    assert "state" not in scope
    # The model is built on demand, from the raw event, and kept.
    assert "mangum.event" not in scope
    event = event_of(scope)
    assert event == parse_event(raw)
    assert event_of(scope) is event
