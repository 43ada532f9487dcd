"""The response models, one per source, on a shared validated base."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from mangum._http import fields
from mangum._lambda_result import LambdaResult

HEADER_FIELD_ERROR = "header_field"
"""The error type of a header name or value HTTP cannot carry (CR or LF among others)."""


class _FieldText:
    """Text HTTP can carry in a header field (:mod:`mangum._http.fields`), checked by pydantic-core
    itself: a string, then a pattern with its own error. A constraint rather than a Python validator,
    so that the schema can be written out as data for the adapter's generated validators
    (:mod:`mangum._validation`)."""

    pattern = fields.VALUE_PATTERN
    message = fields.VALUE_ERROR

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: GetCoreSchemaHandler) -> CoreSchema:
        sendable = core_schema.custom_error_schema(
            core_schema.str_schema(pattern=cls.pattern),
            custom_error_type=HEADER_FIELD_ERROR,
            custom_error_message=cls.message,
        )
        return core_schema.chain_schema([core_schema.str_schema(), sendable])

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(core_schema.str_schema())


class _FieldName(_FieldText):
    pattern = fields.NAME_PATTERN
    message = fields.NAME_ERROR


HeaderText = Annotated[str, _FieldText]
"""A header value (a cookie, a status description): any text without control characters but tab."""
HeaderName = Annotated[str, _FieldName]
"""A header name: an RFC 9110 token."""

StatusCode = Annotated[int, Field(ge=100, le=599)]
"""An HTTP status code Lambda accepts."""


class LambdaResponse(LambdaResult):
    """Base of every response model: snake_case attributes, AWS's names when serialized."""


class ApiGatewayV1Response(LambdaResponse):
    """REST API / payload 1.0 result: single-value headers in ``headers``, repeated ones in
    ``multiValueHeaders``."""

    status_code: StatusCode
    headers: dict[HeaderName, HeaderText] = Field(default_factory=dict)
    multi_value_headers: dict[HeaderName, list[HeaderText]] = Field(default_factory=dict)
    body: str = ""
    is_base64_encoded: bool = False


class ApiGatewayV2Response(LambdaResponse):
    """HTTP API payload 2.0 result: every ``Set-Cookie`` in ``cookies``, other repeated headers
    joined with ``", "``."""

    status_code: StatusCode
    headers: dict[HeaderName, HeaderText] = Field(default_factory=dict)
    cookies: list[HeaderText] = Field(default_factory=list)
    body: str = ""
    is_base64_encoded: bool = False


class FunctionUrlResponse(ApiGatewayV2Response):
    """Lambda Function URL result (the payload 2.0 shape)."""


class AlbResponse(LambdaResponse):
    """ALB result: ``multiValueHeaders`` when the target group has multi-value headers enabled,
    ``headers`` otherwise (exactly one of the two is set)."""

    status_code: StatusCode
    status_description: HeaderText
    headers: dict[HeaderName, HeaderText] | None = None
    multi_value_headers: dict[HeaderName, list[HeaderText]] | None = None
    body: str = ""
    is_base64_encoded: bool = False


class CloudFrontResponseHeader(LambdaResponse):
    """One header value in CloudFront's header lists."""

    key: HeaderName
    value: HeaderText


class CloudFrontResponse(LambdaResponse):
    """Lambda@Edge generated response: ``status`` as a string, headers keyed by lower-cased name."""

    status: Annotated[str, Field(pattern=r"^[1-5][0-9][0-9]$")]
    status_description: HeaderText | None = None
    headers: dict[HeaderName, list[CloudFrontResponseHeader]] = Field(default_factory=dict)
    body: str = ""
    body_encoding: Literal["text", "base64"] = "text"


class WebSocketResponse(LambdaResponse):
    """WebSocket route result: a status code, optional headers (the chosen subprotocol on
    ``$connect``) and an optional body."""

    status_code: StatusCode
    headers: dict[HeaderName, HeaderText] | None = None
    body: str | None = None
    is_base64_encoded: bool | None = None


LambdaResponseModel: TypeAlias = (
    ApiGatewayV1Response | ApiGatewayV2Response | AlbResponse | CloudFrontResponse | WebSocketResponse
)
"""Every response model."""
