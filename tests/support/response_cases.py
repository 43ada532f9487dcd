"""Responses built for the tests, each with the exact dict Lambda must receive for it."""

from __future__ import annotations

from mangum.responses import (
    AlbResponse,
    ApiGatewayV1Response,
    ApiGatewayV2Response,
    CloudFrontResponse,
    CloudFrontResponseHeader,
    FunctionUrlResponse,
    LambdaResponseModel,
    WebSocketResponse,
)

RESPONSE_CASES: list[tuple[str, LambdaResponseModel, dict[str, object]]] = [
    (
        "rest-minimal",
        ApiGatewayV1Response(status_code=204),
        {"statusCode": 204, "headers": {}, "multiValueHeaders": {}, "body": "", "isBase64Encoded": False},
    ),
    (
        "rest-repeated-headers",
        ApiGatewayV1Response(
            status_code=200,
            headers={"content-type": "text/plain"},
            multi_value_headers={"set-cookie": ["a=1", "b=2"]},
            body="hello",
        ),
        {
            "statusCode": 200,
            "headers": {"content-type": "text/plain"},
            "multiValueHeaders": {"set-cookie": ["a=1", "b=2"]},
            "body": "hello",
            "isBase64Encoded": False,
        },
    ),
    (
        "http-api-cookies",
        ApiGatewayV2Response(
            status_code=302,
            headers={"location": "/next"},
            cookies=["a=1; Path=/", "b=2; HttpOnly"],
        ),
        {
            "statusCode": 302,
            "headers": {"location": "/next"},
            "cookies": ["a=1; Path=/", "b=2; HttpOnly"],
            "body": "",
            "isBase64Encoded": False,
        },
    ),
    (
        "function-url-binary",
        FunctionUrlResponse(status_code=200, body="AAEC", is_base64_encoded=True),
        {"statusCode": 200, "headers": {}, "cookies": [], "body": "AAEC", "isBase64Encoded": True},
    ),
    (
        "alb-single-value",
        AlbResponse(status_code=404, status_description="404 Not Found", headers={"x-a": "1"}, body="nope"),
        {
            "statusCode": 404,
            "statusDescription": "404 Not Found",
            "headers": {"x-a": "1"},
            "body": "nope",
            "isBase64Encoded": False,
        },
    ),
    (
        "alb-multi-value",
        AlbResponse(
            status_code=200,
            status_description="200 OK",
            multi_value_headers={"set-cookie": ["a=1", "b=2"]},
        ),
        {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "multiValueHeaders": {"set-cookie": ["a=1", "b=2"]},
            "body": "",
            "isBase64Encoded": False,
        },
    ),
    (
        "lambda-edge",
        CloudFrontResponse(
            status="200",
            status_description="OK",
            headers={"content-type": [CloudFrontResponseHeader(key="Content-Type", value="text/html")]},
            body="<p>hi</p>",
        ),
        {
            "status": "200",
            "statusDescription": "OK",
            "headers": {"content-type": [{"key": "Content-Type", "value": "text/html"}]},
            "body": "<p>hi</p>",
            "bodyEncoding": "text",
        },
    ),
    (
        "lambda-edge-base64",
        CloudFrontResponse(status="500", body="AA==", body_encoding="base64"),
        {"status": "500", "headers": {}, "body": "AA==", "bodyEncoding": "base64"},
    ),
    (
        "websocket-connect-subprotocol",
        WebSocketResponse(status_code=200, headers={"Sec-WebSocket-Protocol": "chat"}),
        {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": "chat"}},
    ),
    (
        "websocket-message",
        WebSocketResponse(status_code=200, body="pong", is_base64_encoded=False),
        {"statusCode": 200, "body": "pong", "isBase64Encoded": False},
    ),
]
"""(case id, response, the dict ``to_lambda()`` must return)."""
