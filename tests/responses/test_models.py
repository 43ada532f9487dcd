"""Response models: the exact dict each source expects, and the values Lambda would refuse."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError

from mangum.responses import (
    RESPONSE_MODELS,
    AlbResponse,
    ApiGatewayV1Response,
    ApiGatewayV2Response,
    CloudFrontResponse,
    CloudFrontResponseHeader,
    FunctionUrlResponse,
    LambdaResponse,
    LambdaResponseModel,
    WebSocketResponse,
)
from tests.support.json_schemas import assert_matches_its_schema
from tests.support.response_cases import RESPONSE_CASES

STATUS_CODE_MODELS: list[Callable[[int], LambdaResponse]] = [
    lambda status: ApiGatewayV1Response(status_code=status),
    lambda status: ApiGatewayV2Response(status_code=status),
    lambda status: FunctionUrlResponse(status_code=status),
    lambda status: AlbResponse(status_code=status, status_description="x"),
    lambda status: WebSocketResponse(status_code=status),
]


@pytest.mark.parametrize(
    ("response", "expected"), [case[1:] for case in RESPONSE_CASES], ids=[case[0] for case in RESPONSE_CASES]
)
def test_to_lambda_gives_exactly_the_expected_dict(
    response: LambdaResponseModel, expected: dict[str, object]
) -> None:
    assert response.to_lambda() == expected


def test_every_response_model_has_a_case() -> None:
    assert {type(case[1]) for case in RESPONSE_CASES} == set(RESPONSE_MODELS)


@pytest.mark.parametrize("build", STATUS_CODE_MODELS)
@pytest.mark.parametrize("status", [100, 200, 599])
def test_status_codes_100_to_599_are_accepted(build: Callable[[int], LambdaResponse], status: int) -> None:
    response = build(status)
    assert response.to_lambda()["statusCode"] == status
    assert_matches_its_schema(response)


@pytest.mark.parametrize("build", STATUS_CODE_MODELS)
@pytest.mark.parametrize("status", [-1, 0, 99, 600, 1000])
def test_status_codes_outside_100_to_599_are_rejected(
    build: Callable[[int], LambdaResponse], status: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        build(status)
    assert [error["loc"] for error in caught.value.errors()] == [("status_code",)]


@pytest.mark.parametrize("status", ["100", "404", "599"])
def test_cloudfront_status_strings_are_accepted(status: str) -> None:
    response = CloudFrontResponse(status=status)
    assert response.to_lambda()["status"] == status
    assert_matches_its_schema(response)


@pytest.mark.parametrize("status", ["99", "600", "2000", "20x", "", " 200"])
def test_cloudfront_status_strings_outside_100_to_599_are_rejected(status: str) -> None:
    with pytest.raises(ValidationError):
        CloudFrontResponse(status=status)


SECRET = "session=sk-live-SECRET"

NAME_CASES: dict[str, Callable[[str], LambdaResponse]] = {
    "rest header name": lambda text: ApiGatewayV1Response(status_code=200, headers={text: "v"}),
    "rest multi-value name": lambda text: ApiGatewayV1Response(
        status_code=200, multi_value_headers={text: ["v"]}
    ),
    "function url header name": lambda text: FunctionUrlResponse(status_code=200, headers={text: "v"}),
    "lambda@edge header map name": lambda text: CloudFrontResponse(
        status="200", headers={text: [CloudFrontResponseHeader(key="h", value="v")]}
    ),
    "lambda@edge header key": lambda text: CloudFrontResponse(
        status="200", headers={"h": [CloudFrontResponseHeader(key=text, value="v")]}
    ),
}

VALUE_CASES: dict[str, Callable[[str], LambdaResponse]] = {
    "rest header value": lambda text: ApiGatewayV1Response(status_code=200, headers={"h": text}),
    "rest multi-value value": lambda text: ApiGatewayV1Response(
        status_code=200, multi_value_headers={"h": ["ok", text]}
    ),
    "http api header value": lambda text: ApiGatewayV2Response(status_code=200, headers={"h": text}),
    "http api cookie": lambda text: ApiGatewayV2Response(status_code=200, cookies=[text]),
    "alb header value": lambda text: AlbResponse(
        status_code=200, status_description="OK", headers={"h": text}
    ),
    "alb multi-value value": lambda text: AlbResponse(
        status_code=200, status_description="OK", multi_value_headers={"h": [text]}
    ),
    "alb status description": lambda text: AlbResponse(status_code=200, status_description=text),
    "lambda@edge header value": lambda text: CloudFrontResponse(
        status="200", headers={"h": [CloudFrontResponseHeader(key="h", value=text)]}
    ),
    "lambda@edge status description": lambda text: CloudFrontResponse(status="200", status_description=text),
    "websocket header value": lambda text: WebSocketResponse(status_code=200, headers={"h": text}),
}

LINE_BREAKS = ["X-Evil\r\nX-Injected: 1", "trailing\n", "\rleading"]


@pytest.mark.parametrize("build", NAME_CASES.values(), ids=NAME_CASES.keys())
@pytest.mark.parametrize("text", LINE_BREAKS, ids=repr)
def test_cr_or_lf_in_a_header_name_is_rejected(build: Callable[[str], LambdaResponse], text: str) -> None:
    with pytest.raises(ValidationError, match="must not contain CR or LF"):
        build(text)


@pytest.mark.parametrize("build", VALUE_CASES.values(), ids=VALUE_CASES.keys())
@pytest.mark.parametrize("text", LINE_BREAKS, ids=repr)
def test_cr_or_lf_in_a_header_value_is_rejected_without_echoing_it(
    build: Callable[[str], LambdaResponse], text: str
) -> None:
    with pytest.raises(ValidationError, match="must not contain CR or LF") as caught:
        build(f"{SECRET}{text}")
    assert "sk-live" not in str(caught.value)
    assert "sk-live" not in repr(caught.value)


@pytest.mark.parametrize("build", VALUE_CASES.values(), ids=VALUE_CASES.keys())
def test_header_values_without_control_characters_are_accepted(
    build: Callable[[str], LambdaResponse],
) -> None:
    assert_matches_its_schema(build("text; with: punctuation, tabs\tand unicode é"))


@pytest.mark.parametrize("build", NAME_CASES.values(), ids=NAME_CASES.keys())
@pytest.mark.parametrize("name", ["X-Request-Id", "x_custom.header~1", "!#$%&'*+-.^_`|~"])
def test_header_names_that_are_tokens_are_accepted(build: Callable[[str], LambdaResponse], name: str) -> None:
    assert_matches_its_schema(build(name))


NOT_TOKENS = ["X Bad", "X-Bad:", "a:b", "X\x00Nul", 'quote"d', "semi;colon", "", "é"]


@pytest.mark.parametrize("build", NAME_CASES.values(), ids=NAME_CASES.keys())
@pytest.mark.parametrize("name", NOT_TOKENS, ids=repr)
def test_header_names_that_are_not_rfc_9110_tokens_are_rejected(
    build: Callable[[str], LambdaResponse], name: str
) -> None:
    with pytest.raises(ValidationError, match="outside RFC 9110 tokens"):
        build(name)


CONTROL_CHARACTERS = ["nul\x00byte", "bell\x07", "escape\x1b[0m", "delete\x7f", "\x0bvertical tab"]


@pytest.mark.parametrize("build", VALUE_CASES.values(), ids=VALUE_CASES.keys())
@pytest.mark.parametrize("text", CONTROL_CHARACTERS, ids=repr)
def test_control_characters_in_a_header_value_or_cookie_are_rejected_without_echoing_them(
    build: Callable[[str], LambdaResponse], text: str
) -> None:
    with pytest.raises(ValidationError, match="other control characters") as caught:
        build(f"{SECRET}{text}")
    assert "sk-live" not in str(caught.value)


def test_responses_reject_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        ApiGatewayV2Response.model_validate({"statusCode": 200, "multiValueHeaders": {}})


def test_alb_response_serializes_only_the_header_form_that_was_set() -> None:
    single = AlbResponse(status_code=200, status_description="200 OK", headers={"a": "1"}).to_lambda()
    multi = AlbResponse(status_code=200, status_description="200 OK", multi_value_headers={"a": ["1"]})
    assert "multiValueHeaders" not in single
    assert "headers" not in multi.to_lambda()
    assert_matches_its_schema(multi)
