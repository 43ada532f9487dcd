"""Pydantic models of every event Lambda receives from an HTTP or WebSocket source.

Importable without any ASGI code: plain Lambda functions can use them to read their event::

    from mangum.events import parse_event, ApiGatewayV2Event

    def handler(event, context):
        request = parse_event(event)
        name = request.get_query("name")

Importing this package is nearly free: each public name is imported from its submodule on first
use (:pep:`562`), and :func:`parse_event` loads only the model of the source it detects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._lazy import lazy_attributes

if TYPE_CHECKING:
    from mangum.events._base import AwsModel, RequestEvent
    from mangum.events.alb import AlbEvent, AlbRequestContext, ElbContext
    from mangum.events.api_gateway_v1 import ApiGatewayV1Event, ApiGatewayV1RequestContext
    from mangum.events.api_gateway_v2 import (
        ApiGatewayV2Event,
        ApiGatewayV2RequestContext,
        Authentication,
        FunctionUrlEvent,
        HttpDescription,
        V2ShapedEvent,
    )
    from mangum.events.cloudfront import (
        CloudFrontBody,
        CloudFrontConfig,
        CloudFrontEvent,
        CloudFrontHeader,
        CloudFrontPayload,
        CloudFrontRecord,
        CloudFrontRequest,
    )
    from mangum.events.identity import (
        ClientCert,
        ClientCertValidity,
        HttpAuthorizer,
        IamAuthorizer,
        JwtAuthorizer,
        RestAuthorizer,
        RestIdentity,
    )
    from mangum.events.parse import DETECTION_ORDER, detect_source, parse_event
    from mangum.events.sources import EVENT_MODELS, EventModelType, LambdaEventModel, LambdaHttpEvent
    from mangum.events.websocket import WebSocketEvent, WebSocketEventType, WebSocketRequestContext

# Which submodule defines each public name (kept equal to __all__ by a test).
_SUBMODULE_OF: dict[str, str] = {
    "AwsModel": "_base",
    "RequestEvent": "_base",
    "AlbEvent": "alb",
    "AlbRequestContext": "alb",
    "ElbContext": "alb",
    "ApiGatewayV1Event": "api_gateway_v1",
    "ApiGatewayV1RequestContext": "api_gateway_v1",
    "ApiGatewayV2Event": "api_gateway_v2",
    "ApiGatewayV2RequestContext": "api_gateway_v2",
    "Authentication": "api_gateway_v2",
    "FunctionUrlEvent": "api_gateway_v2",
    "HttpDescription": "api_gateway_v2",
    "V2ShapedEvent": "api_gateway_v2",
    "CloudFrontBody": "cloudfront",
    "CloudFrontConfig": "cloudfront",
    "CloudFrontEvent": "cloudfront",
    "CloudFrontHeader": "cloudfront",
    "CloudFrontPayload": "cloudfront",
    "CloudFrontRecord": "cloudfront",
    "CloudFrontRequest": "cloudfront",
    "ClientCert": "identity",
    "ClientCertValidity": "identity",
    "HttpAuthorizer": "identity",
    "IamAuthorizer": "identity",
    "JwtAuthorizer": "identity",
    "RestAuthorizer": "identity",
    "RestIdentity": "identity",
    "DETECTION_ORDER": "parse",
    "detect_source": "parse",
    "parse_event": "parse",
    "EVENT_MODELS": "sources",
    "EventModelType": "sources",
    "LambdaEventModel": "sources",
    "LambdaHttpEvent": "sources",
    "WebSocketEvent": "websocket",
    "WebSocketEventType": "websocket",
    "WebSocketRequestContext": "websocket",
}

__all__ = [
    "DETECTION_ORDER",
    "EVENT_MODELS",
    "AlbEvent",
    "AlbRequestContext",
    "ApiGatewayV1Event",
    "ApiGatewayV1RequestContext",
    "ApiGatewayV2Event",
    "ApiGatewayV2RequestContext",
    "Authentication",
    "AwsModel",
    "ClientCert",
    "ClientCertValidity",
    "CloudFrontBody",
    "CloudFrontConfig",
    "CloudFrontEvent",
    "CloudFrontHeader",
    "CloudFrontPayload",
    "CloudFrontRecord",
    "CloudFrontRequest",
    "ElbContext",
    "EventModelType",
    "FunctionUrlEvent",
    "HttpAuthorizer",
    "HttpDescription",
    "IamAuthorizer",
    "JwtAuthorizer",
    "LambdaEventModel",
    "LambdaHttpEvent",
    "RequestEvent",
    "RestAuthorizer",
    "RestIdentity",
    "V2ShapedEvent",
    "WebSocketEvent",
    "WebSocketEventType",
    "WebSocketRequestContext",
    "detect_source",
    "parse_event",
]


if not TYPE_CHECKING:
    # Hidden from type checkers so that a misspelt name is an error there, not an ``object``.
    __getattr__ = lazy_attributes(
        globals(), {name: f"{__name__}.{module}" for name, module in _SUBMODULE_OF.items()}
    )


def __dir__() -> list[str]:
    """The public names, loaded or not, with the module's own attributes."""
    return sorted({*globals(), *__all__})
