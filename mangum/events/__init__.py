"""Pydantic models of every event Lambda receives from an HTTP or WebSocket source, and of the
events beside the API (authorizers, EventBridge, SQS, warm-up pings) with ``typed_handler``.

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
    from mangum.events._result import HandlerResult
    from mangum.events.alb import AlbEvent, AlbRequestContext, ElbContext
    from mangum.events.api_gateway_v1 import ApiGatewayV1Event, ApiGatewayV1RequestContext, RestShapedEvent
    from mangum.events.api_gateway_v2 import (
        ApiGatewayV2Event,
        ApiGatewayV2RequestContext,
        Authentication,
        FunctionUrlEvent,
        HttpDescription,
        V2ShapedEvent,
    )
    from mangum.events.authorizers.arn import MethodArn
    from mangum.events.authorizers.http_v2 import HttpApiAuthorizerEventV2
    from mangum.events.authorizers.kinds import AUTHORIZER_EVENT_MODELS, AuthorizerEvent, AuthorizerEventType
    from mangum.events.authorizers.parse import (
        AUTHORIZER_DETECTION_ORDER,
        detect_authorizer,
        parse_authorizer_event,
    )
    from mangum.events.authorizers.responses import (
        AuthorizerContext,
        AuthorizerPolicyResponse,
        AuthorizerSimpleResponse,
        PolicyCondition,
        PolicyDocument,
        PolicyStatement,
        Unauthorized,
    )
    from mangum.events.authorizers.rest import HttpApiAuthorizerEventV1, RestRequestAuthorizerEvent
    from mangum.events.authorizers.token import RestTokenAuthorizerEvent
    from mangum.events.authorizers.websocket import (
        WebSocketAuthorizerEvent,
        WebSocketAuthorizerRequestContext,
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
    from mangum.events.eventbridge import EventBridgeEvent, ScheduledEvent
    from mangum.events.handler_models import HANDLER_EVENT_MODELS, HANDLER_RESULT_MODELS
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
    from mangum.events.sqs import (
        SqsAttributes,
        SqsBatchItemFailure,
        SqsBatchResponse,
        SqsEvent,
        SqsMessageAttribute,
        SqsRecord,
    )
    from mangum.events.typed_handlers import EventHandler, TypedHandler, typed_handler
    from mangum.events.warmup import WarmUpEvent
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


# Beside the API: authorizers, EventBridge, SQS, warm-up pings, and the typed handler decorator.
_SUBMODULE_OF.update(
    {
        "MethodArn": "authorizers.arn",
        "HttpApiAuthorizerEventV2": "authorizers.http_v2",
        "AUTHORIZER_EVENT_MODELS": "authorizers.kinds",
        "AuthorizerEvent": "authorizers.kinds",
        "AuthorizerEventType": "authorizers.kinds",
        "HttpApiAuthorizerEventV1": "authorizers.rest",
        "RestRequestAuthorizerEvent": "authorizers.rest",
        "RestShapedEvent": "api_gateway_v1",
        "RestTokenAuthorizerEvent": "authorizers.token",
        "WebSocketAuthorizerEvent": "authorizers.websocket",
        "WebSocketAuthorizerRequestContext": "authorizers.websocket",
        "AUTHORIZER_DETECTION_ORDER": "authorizers.parse",
        "detect_authorizer": "authorizers.parse",
        "parse_authorizer_event": "authorizers.parse",
        "AuthorizerContext": "authorizers.responses",
        "AuthorizerPolicyResponse": "authorizers.responses",
        "HandlerResult": "_result",
        "AuthorizerSimpleResponse": "authorizers.responses",
        "PolicyCondition": "authorizers.responses",
        "PolicyDocument": "authorizers.responses",
        "PolicyStatement": "authorizers.responses",
        "Unauthorized": "authorizers.responses",
        "EventBridgeEvent": "eventbridge",
        "ScheduledEvent": "eventbridge",
        "HANDLER_EVENT_MODELS": "handler_models",
        "HANDLER_RESULT_MODELS": "handler_models",
        "SqsAttributes": "sqs",
        "SqsBatchItemFailure": "sqs",
        "SqsBatchResponse": "sqs",
        "SqsEvent": "sqs",
        "SqsMessageAttribute": "sqs",
        "SqsRecord": "sqs",
        "EventHandler": "typed_handlers",
        "TypedHandler": "typed_handlers",
        "typed_handler": "typed_handlers",
        "WarmUpEvent": "warmup",
    }
)
__all__ += [
    "AUTHORIZER_DETECTION_ORDER",
    "AUTHORIZER_EVENT_MODELS",
    "HANDLER_EVENT_MODELS",
    "HANDLER_RESULT_MODELS",
    "AuthorizerContext",
    "AuthorizerEvent",
    "AuthorizerEventType",
    "AuthorizerPolicyResponse",
    "AuthorizerSimpleResponse",
    "EventBridgeEvent",
    "EventHandler",
    "HandlerResult",
    "HttpApiAuthorizerEventV1",
    "HttpApiAuthorizerEventV2",
    "MethodArn",
    "PolicyCondition",
    "PolicyDocument",
    "PolicyStatement",
    "RestRequestAuthorizerEvent",
    "RestShapedEvent",
    "RestTokenAuthorizerEvent",
    "ScheduledEvent",
    "SqsAttributes",
    "SqsBatchItemFailure",
    "SqsBatchResponse",
    "SqsEvent",
    "SqsMessageAttribute",
    "SqsRecord",
    "TypedHandler",
    "Unauthorized",
    "WarmUpEvent",
    "WebSocketAuthorizerEvent",
    "WebSocketAuthorizerRequestContext",
    "detect_authorizer",
    "parse_authorizer_event",
    "typed_handler",
]


if not TYPE_CHECKING:
    # Hidden from type checkers so that a misspelt name is an error there, not an ``object``.
    __getattr__ = lazy_attributes(
        globals(), {name: f"{__name__}.{module}" for name, module in _SUBMODULE_OF.items()}
    )


def __dir__() -> list[str]:
    """The public names, loaded or not, with the module's own attributes."""
    return sorted({*globals(), *__all__})
