"""What the services make of a function's result, and their own fault answers."""

from __future__ import annotations

import json

import pytest

from mangum.local.results import MalformedResult, fault, http_answer


def test_rest_merges_headers_with_multi_value_headers_winning() -> None:
    answer = http_answer(
        "api_gateway_v1",
        {
            "statusCode": 201,
            "headers": {"X-One": "1", "X-Both": "single"},
            "multiValueHeaders": {"x-both": ["m1", "m2"], "Set-Cookie": ["a=1", "b=2"]},
            "body": "aGk=",
            "isBase64Encoded": True,
        },
    )
    assert answer.status == 201
    assert answer.headers == [
        (b"x-one", b"1"),
        (b"x-both", b"m1"),
        (b"x-both", b"m2"),
        (b"set-cookie", b"a=1"),
        (b"set-cookie", b"b=2"),
    ]
    assert answer.body == b"hi"


def test_payload_v2_cookies_and_no_multi_value_headers() -> None:
    answer = http_answer(
        "api_gateway_v2", {"statusCode": "200", "cookies": ["a=1", "b=2"], "multiValueHeaders": {"x": ["y"]}}
    )
    assert answer.headers == [(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]


@pytest.mark.parametrize("result", [{"hello": "world"}, "text", 3, None, [1, 2]])
def test_payload_v2_without_status_is_the_body(result: object) -> None:
    answer = http_answer("function_url", result)
    assert (answer.status, answer.headers, json.loads(answer.body)) == (
        200,
        [(b"content-type", b"application/json")],
        result,
    )


@pytest.mark.parametrize(
    "result",
    [
        [1],
        {"body": "no status"},
        {"statusCode": 99},
        {"statusCode": True},
        {"statusCode": 200, "headers": {"x": {"nested": 1}}},
        {"statusCode": 200, "headers": {"x": "a\r\nb"}},
        {"statusCode": 200, "body": 5},
        {"statusCode": 200, "body": "@@", "isBase64Encoded": True},
        {"statusCode": 200, "multiValueHeaders": {"x": "not a list"}},
    ],
)
def test_malformed_rest_results(result: object) -> None:
    with pytest.raises(MalformedResult):
        http_answer("api_gateway_v1", result)


def test_fault_answers() -> None:
    assert json.loads(fault("api_gateway_v1", "function_error").body) == {"message": "Internal server error"}
    assert fault("api_gateway_v2", "timeout").status == 504
    assert fault("api_gateway_v1", "invoke_rejected").status == 500
    assert fault("alb", "timeout").body.startswith(b"<html>")
    assert (fault("function_url", "timeout").status, fault("function_url", "timeout").body) == (
        502,
        b"Internal Server Error",
    )
    assert fault("alb", "request_too_large").status == 413
