"""One builder per source: decoded headers and an encoded body into that source's response model.

Each builder calls the model's validated constructor, so a value Lambda would refuse raises
pydantic's ``ValidationError`` here; :mod:`mangum.http.response` translates it.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from itertools import product

from mangum.exceptions import InvalidResponse
from mangum.http.body_encoding import EncodedBody
from mangum.http.response_headers import ResponseHeader, group_values, join_values, split_cookies
from mangum.responses import (
    AlbResponse,
    ApiGatewayV1Response,
    ApiGatewayV2Response,
    LambdaEdgeResponse,
)

REASON_PHRASES: dict[int, str] = {status.value: status.phrase for status in HTTPStatus}
"""The standard reason phrase of every status code Python knows."""

# Headers a Lambda@Edge response must not carry, from "Restrictions on all edge functions" in the
# CloudFront Developer Guide: the disallowed headers, plus the headers read-only in viewer-request
# and origin-request events (the triggers that can generate a response). Any of them makes
# CloudFront fail validation and answer 502.
EDGE_DISALLOWED_HEADERS = frozenset(
    {
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "trailer",
        "upgrade",
        "x-accel-buffering",
        "x-accel-charset",
        "x-accel-limit-rate",
        "x-accel-redirect",
        "x-amzn-auth",
        "x-amzn-cf-billing",
        "x-amzn-cf-id",
        "x-amzn-cf-xff",
        "x-amzn-errortype",
        "x-amzn-fle-profile",
        "x-amzn-header-count",
        "x-amzn-header-order",
        "x-amzn-lambda-integration-tag",
        "x-amzn-requestid",
        "x-cache",
        "x-forwarded-proto",
        "x-real-ip",
        # read-only in viewer-request and origin-request events
        "accept-encoding",
        "content-length",
        "host",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "transfer-encoding",
        "via",
    }
)
EDGE_DISALLOWED_PREFIXES = ("x-amz-cf-", "x-edge-")


def api_gateway_v1(status: int, headers: list[ResponseHeader], body: EncodedBody) -> ApiGatewayV1Response:
    """REST API / payload 1.0: names sent once in ``headers``, repeated names (compared
    case-insensitively) with all their values in ``multiValueHeaders``."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, values in group_values(headers).items():
        if len(values) == 1:
            single[name] = values[0]
        else:
            multi[name] = values
    return ApiGatewayV1Response(
        status_code=status,
        headers=single,
        multi_value_headers=multi,
        body=body.text,
        is_base64_encoded=body.base64,
    )


def api_gateway_v2(
    model: type[ApiGatewayV2Response], status: int, headers: list[ResponseHeader], body: EncodedBody
) -> ApiGatewayV2Response:
    """HTTP API payload 2.0 and Function URLs: every ``Set-Cookie`` in ``cookies``, other repeated
    headers joined with ``", "``."""
    cookies, others = split_cookies(headers)
    return model(
        status_code=status,
        headers=join_values(group_values(others)),
        cookies=cookies,
        body=body.text,
        is_base64_encoded=body.base64,
    )


def _case_variants(name: str) -> Iterator[str]:
    """Every spelling of ``name`` that differs only in letter case: the lower-cased one first, then
    with the first letter upper-cased, the second, both, and so on (the original mangum's order)."""
    options = [(char, char.upper()) if char.isalpha() else (char,) for char in reversed(name.lower())]
    # product() varies its last iterable fastest; reversing makes the first letter change first.
    return ("".join(reversed(spelling)) for spelling in product(*options))


def _alb_single_value_headers(headers: list[ResponseHeader]) -> dict[str, str]:
    """ALB's single-value ``headers``: repeated headers joined with ``", "``, except ``Set-Cookie``.

    Cookies cannot be joined (their ``Expires`` dates contain commas), and the map holds one value
    per key, so each cookie goes under its own spelling of the name (``set-cookie``, ``Set-cookie``,
    ``sEt-cookie``...): the load balancer sends every one on as a separate ``Set-Cookie`` header.
    This is what the original mangum (and serverless-wsgi) do.
    """
    cookies, others = split_cookies(headers)
    result = join_values(group_values(others))
    if len(cookies) == 1:
        cookie_name = next(name for name, key, _ in headers if key == "set-cookie")
        result[cookie_name] = cookies[0]
    elif cookies:
        variants = list(zip(_case_variants("set-cookie"), cookies, strict=False))
        if len(variants) < len(cookies):
            raise InvalidResponse(
                f"headers: ALB without multi-value headers can carry at most {len(variants)} "
                "Set-Cookie headers; enable multi-value headers on the target group"
            )
        result.update(variants)
    return result


def alb(status: int, headers: list[ResponseHeader], body: EncodedBody, *, multi_value: bool) -> AlbResponse:
    """ALB: ``statusDescription`` as ``"<code> <reason>"``; ``multiValueHeaders`` when the target
    group has multi-value headers enabled, ``headers`` otherwise."""
    phrase = REASON_PHRASES.get(status)
    return AlbResponse(
        status_code=status,
        status_description=f"{status} {phrase}" if phrase else str(status),
        headers=None if multi_value else _alb_single_value_headers(headers),
        multi_value_headers=group_values(headers) if multi_value else None,
        body=body.text,
        is_base64_encoded=body.base64,
    )


def _edge_allows(key: str) -> bool:
    return key not in EDGE_DISALLOWED_HEADERS and not key.startswith(EDGE_DISALLOWED_PREFIXES)


def lambda_edge(status: int, headers: list[ResponseHeader], body: EncodedBody) -> LambdaEdgeResponse:
    """Lambda@Edge generated response: ``status`` as a string, headers as CloudFront's lists keyed
    by lower-cased name, minus those CloudFront refuses in a generated response."""
    edge_headers: dict[str, list[dict[str, str]]] = {}
    for name, key, value in headers:
        if _edge_allows(key):
            edge_headers.setdefault(key, []).append({"key": name, "value": value})
    # Validating the plain dicts in one go is cheaper than building a LambdaEdgeHeader per header.
    return LambdaEdgeResponse.model_validate(
        {
            "status": str(status),
            "status_description": REASON_PHRASES.get(status),
            "headers": edge_headers,
            "body": body.text,
            "body_encoding": "base64" if body.base64 else "text",
        }
    )
