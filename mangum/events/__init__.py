"""Pydantic models of every event Lambda receives from an HTTP or WebSocket source.

Importable without any ASGI code: plain Lambda functions can use them to read their event::

    from mangum.events import parse_event, ApiGatewayV2Event

    def handler(event, context):
        request = parse_event(event)
        name = request.get_query("name")
"""

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
from mangum.events.parse import (
    DETECTION_ORDER,
    EventModelType,
    LambdaEventModel,
    LambdaHttpEvent,
    detect_source,
    parse_event,
)
from mangum.events.websocket import WebSocketEvent, WebSocketEventType, WebSocketRequestContext

__all__ = [
    "DETECTION_ORDER",
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
