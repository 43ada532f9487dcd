"""API Gateway HTTP APIs (payload format 2.0); Function URLs share the layout (:mod:`.function_url`).

Request: headers arrive with repeated values comma-joined and cookies apart in ``cookies``; the
query string arrives raw in ``rawQueryString``; the path is ``rawPath``, which includes a named
stage (users strip it with ``api_gateway_base_path``). There is no mount.

Result: every ``Set-Cookie`` in ``cookies``, other repeated headers joined with ``","`` (as PyPI
mangum joins them). Lambda's 6 MB limit applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mangum._http.request import HeaderPairs, HttpEvent, Request, decode_query, with_cookies
from mangum._http.response import (
    LAMBDA_RESPONSE_LIMIT,
    EncodedBody,
    ResponseHeader,
    ResponseShape,
    joined_headers,
)
from mangum._sources.registry import API_GATEWAY_V2, event_schema, validated
from mangum._validation.validators import LazyValidator

if TYPE_CHECKING:
    from typing import TypedDict

    from mangum._http.request import RequestKind
    from mangum._validation.generated.api_gateway_v2 import (
        ApiGatewayV2EventDict,
        ApiGatewayV2RequestContextDict,
    )
    from mangum._validation.generated.results import ApiGatewayV2ResponseDict

    # A type of the code only: nothing creates the class at run time.
    class PayloadV2(TypedDict):
        """The fields of a payload 2.0 event the request is read from (HTTP API and Function URL)."""

        raw_path: str
        raw_query_string: str
        cookies: list[str] | None
        headers: dict[str, str] | None
        request_context: ApiGatewayV2RequestContextDict
        body: str | None
        is_base64_encoded: bool | None


VALIDATOR: LazyValidator[ApiGatewayV2EventDict] = LazyValidator(
    event_schema("api_gateway_v2"), API_GATEWAY_V2.model, "name", sparse=True
)


def query_items(data: PayloadV2) -> HeaderPairs:
    """Query parameters decoded from ``rawQueryString``, every repeated value kept."""
    return decode_query(data["raw_query_string"])


def encoded_query(data: PayloadV2) -> str:
    """``rawQueryString`` as received."""
    return data["raw_query_string"]


def request(data: PayloadV2) -> Request:
    """The request of a validated payload 2.0 event."""
    return reduced(data, Request)


def reduced(data: PayloadV2, kind: type[RequestKind]) -> RequestKind:
    """The request of a validated payload 2.0 event, as a ``kind`` (optional fields read with
    ``.get()``: a sparse validator leaves them out, see
    :class:`~mangum._validation.validators.LazyValidator`)."""
    http = data["request_context"]["http"]
    # Positionally: keyword arguments cost more on the hot path.
    return kind(
        http["method"],  # method
        http.get("protocol"),  # protocol
        "",  # mount
        data["raw_path"],  # route
        http.get("source_ip"),  # caller
        with_cookies(data.get("headers"), data.get("cookies")),  # headers, cookies as one cookie header
        data["raw_query_string"],  # query
        data.get("body"),  # body
        data["is_base64_encoded"],  # body_base64
    )


def result(status: int, headers: list[ResponseHeader], body: EncodedBody) -> ApiGatewayV2ResponseDict:
    """The payload 2.0 result layout (see the module docs)."""
    cookies: list[str] = []
    joined = joined_headers(headers, cookies)
    return {
        "statusCode": status,
        "headers": joined,
        "cookies": cookies,
        "body": body.text,
        "isBase64Encoded": body.base64,
    }


RESPONSE = ResponseShape("ApiGatewayV2Response", result)


def read(event: Mapping[str, object]) -> HttpEvent:
    """Validate an HTTP API event and reduce it."""
    http_event = reduced(validated(VALIDATOR, event), HttpEvent)
    http_event.response = RESPONSE
    http_event.limit = LAMBDA_RESPONSE_LIMIT
    return http_event
