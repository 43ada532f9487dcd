"""Validated models of the result Lambda expects back from each event source.

Each model checks what Lambda or the source would refuse (status outside 100-599, CR or LF in a
header name or value) when it is built, and :meth:`LambdaResponse.to_lambda` gives exactly the dict
the handler returns.
"""

from mangum.responses.models import (
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

RESPONSE_MODELS: tuple[type[LambdaResponse], ...] = (
    ApiGatewayV1Response,
    ApiGatewayV2Response,
    FunctionUrlResponse,
    AlbResponse,
    CloudFrontResponse,
    WebSocketResponse,
)
"""Every response model, one per source."""

__all__ = [
    "RESPONSE_MODELS",
    "AlbResponse",
    "ApiGatewayV1Response",
    "ApiGatewayV2Response",
    "CloudFrontResponse",
    "CloudFrontResponseHeader",
    "FunctionUrlResponse",
    "LambdaResponse",
    "LambdaResponseModel",
    "WebSocketResponse",
]
