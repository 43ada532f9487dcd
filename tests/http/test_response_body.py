"""Text or base64: the body of the result for every source, and the bytes it decodes back to."""

from __future__ import annotations

import gzip
import json
from base64 import b64decode, b64encode
from dataclasses import dataclass, field

import pytest

from mangum.config import Config, build_config
from tests.support.responses import SOURCES, expected, result

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\x00\xff" * 8


@dataclass(frozen=True)
class BodyCase:
    """An app response, and whether its body must reach Lambda as text."""

    headers: list[tuple[str, str]]
    body: bytes
    textual: bool
    config: Config = field(default_factory=Config)


JSON_BODY = json.dumps({"name": "café ☕", "tags": ["a", "b"]}, ensure_ascii=False).encode()

BODY_CASES: dict[str, BodyCase] = {
    "json": BodyCase([("content-type", "application/json")], JSON_BODY, textual=True),
    "json-with-charset-any-case": BodyCase(
        [("Content-Type", "Application/JSON; charset=UTF-8")], JSON_BODY, textual=True
    ),
    "html": BodyCase(
        [("content-type", "text/html; charset=utf-8")], "<p>Olá, mundo</p>".encode(), textual=True
    ),
    "javascript": BodyCase([("content-type", "application/javascript")], b"let a = 1;", textual=True),
    "png": BodyCase([("content-type", "image/png")], PNG, textual=False),
    "gzip-json": BodyCase(
        [("content-type", "application/json"), ("content-encoding", "gzip")],
        gzip.compress(JSON_BODY, mtime=0),
        textual=False,
    ),
    "br-html": BodyCase(
        [("content-type", "text/html"), ("Content-Encoding", "br")], b"\x1b\x0b\x00\xf8", textual=False
    ),
    "identity-encoding": BodyCase(
        [("content-type", "text/plain"), ("content-encoding", "identity")], b"plain", textual=True
    ),
    "custom-type-configured": BodyCase(
        [("content-type", "application/x-ndjson")],
        b'{"a": 1}\n{"a": 2}\n',
        textual=True,
        config=build_config(text_mime_types=["application/x-ndjson"]),
    ),
    "custom-type-default-config": BodyCase(
        [("content-type", "application/x-ndjson")], b'{"a": 1}\n', textual=False
    ),
    "vendor-json": BodyCase([("content-type", "application/problem+json")], b'{"title": "x"}', textual=True),
    "vendor-xml": BodyCase([("content-type", "application/atom+xml")], b"<feed/>", textual=True),
    "invalid-utf8-text": BodyCase([("content-type", "text/plain")], b"caf\xe9 \xff", textual=False),
    "no-content-type": BodyCase([("x-request-id", "r-1")], b"hello", textual=False),
    "empty-binary": BodyCase([("content-type", "image/png")], b"", textual=True),
    "empty-no-headers": BodyCase([], b"", textual=True),
}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case_id", list(BODY_CASES))
def test_body_is_text_or_base64(source: str, case_id: str) -> None:
    case = BODY_CASES[case_id]
    raw_headers = [(name.encode(), value.encode()) for name, value in case.headers]
    body = case.body.decode() if case.textual else b64encode(case.body).decode()
    got = result(source, 200, raw_headers, case.body, case.config)
    assert got == expected(source, case.headers, body, base64=not case.textual)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("case_id", list(BODY_CASES))
def test_body_round_trips_to_the_apps_bytes(source: str, case_id: str) -> None:
    case = BODY_CASES[case_id]
    raw_headers = [(name.encode(), value.encode()) for name, value in case.headers]
    got = result(source, 200, raw_headers, case.body, case.config)
    body = got["body"]
    assert isinstance(body, str)
    is_base64 = got.get("isBase64Encoded", got.get("bodyEncoding") == "base64")
    assert (b64decode(body, validate=True) if is_base64 else body.encode()) == case.body


@pytest.mark.parametrize("source", SOURCES)
def test_text_types_from_config_are_matched_without_parameters(source: str) -> None:
    config = build_config(text_mime_types=["application/x-yaml"])
    got = result(source, 200, [(b"content-type", b"application/x-yaml; charset=utf-8")], b"a: 1", config)
    assert got["body"] == "a: 1"
