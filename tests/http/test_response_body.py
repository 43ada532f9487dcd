"""Text or base64: the body of the result for every source, and the bytes it decodes back to."""

from __future__ import annotations

import gzip
import json
from base64 import b64decode, b64encode
from dataclasses import dataclass, field

import pytest

from mangum._http.response import CollectedResponse, ResponseShape, build_result
from mangum.config import Config, build_config
from mangum.exceptions import InvalidResponse
from tests.support.responses import LAMBDA_LIMIT, SOURCES, event_for, expected, result

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


@pytest.mark.parametrize("source", SOURCES)
def test_the_result_model_is_validated_before_the_body_is_serialized(source: str) -> None:
    # The source's own layout and model, with its validator watched: what it is given, in order.
    read = event_for(source).response
    shape = ResponseShape(read.model, read.build, read.encoding_key, read.encodings)
    validate = shape.validator.build().validate_python
    validated: list[dict[str, object]] = []

    def watched(data: object) -> object:
        assert isinstance(data, dict)
        validated.append(dict(data))
        return validate(data)

    shape.validator.validate = watched
    # A status of 100-599 and plainly sendable headers fit the model without asking its validator.
    png = CollectedResponse(200, [(b"content-type", b"image/png")], PNG)
    built = build_result(shape, LAMBDA_LIMIT, png, Config())
    assert validated == []
    assert b64decode(str(built["body"])) == PNG
    assert built[shape.encoding_key] == shape.encodings[True]

    # A tab in a value is sendable, but not plainly: the validator judges it, with the body unset.
    tabbed = CollectedResponse(200, [*png.headers, (b"x-note", b"a\tb")], PNG)
    built = build_result(shape, LAMBDA_LIMIT, tabbed, Config())
    assert [entry["body"] for entry in validated] == [""]
    assert b64decode(str(built["body"])) == PNG

    with pytest.raises(InvalidResponse, match="status"):
        build_result(shape, LAMBDA_LIMIT, CollectedResponse(600, png.headers, PNG), Config())
    assert [entry["body"] for entry in validated] == ["", ""]  # refused before any base64 was made
