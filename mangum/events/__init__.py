"""Pydantic models of the events Lambda receives: from every HTTP and WebSocket source, from the
authorizers in front of them, and from the queues and schedules beside them.

Importable without any ASGI code: plain Lambda functions can use them to read their event::

    from mangum.events import parse_event, ApiGatewayV2Event

    def handler(event, context):
        request = parse_event(event)
        name = request.get_query("name")

Inside an app served by mangum, :func:`event_of` gives the model of the invocation's event;
:func:`typed_handler` makes a handler of a function annotated with its event and result models.

Importing this package is nearly free: each public name is imported from its submodule on first
use (:pep:`562`), and :func:`parse_event` loads only the model of the source it detects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum import _lazy_attributes

if TYPE_CHECKING:
    from mangum.events._base import RequestEvent as RequestEvent
    from mangum.events._result import HandlerResult as HandlerResult
    from mangum.events.alb import (
        AlbEvent as AlbEvent,
        AlbRequestContext as AlbRequestContext,
        ElbContext as ElbContext,
    )
    from mangum.events.api_gateway_v1 import (
        ApiGatewayV1Event as ApiGatewayV1Event,
        ApiGatewayV1RequestContext as ApiGatewayV1RequestContext,
        RestShapedEvent as RestShapedEvent,
    )
    from mangum.events.api_gateway_v2 import (
        ApiGatewayV2Event as ApiGatewayV2Event,
        ApiGatewayV2RequestContext as ApiGatewayV2RequestContext,
        Authentication as Authentication,
        FunctionUrlEvent as FunctionUrlEvent,
        HttpDescription as HttpDescription,
        PayloadV2Event as PayloadV2Event,
    )
    from mangum.events.authorizers import (
        MethodArn as MethodArn,
        RestTokenAuthorizerEvent as RestTokenAuthorizerEvent,
    )
    from mangum.events.authorizers.http_v2 import HttpApiAuthorizerEventV2 as HttpApiAuthorizerEventV2
    from mangum.events.authorizers.parse import (
        AUTHORIZER_DETECTION_ORDER as AUTHORIZER_DETECTION_ORDER,
        detect_authorizer as detect_authorizer,
        parse_authorizer_event as parse_authorizer_event,
    )
    from mangum.events.authorizers.responses import (
        AuthorizerContext as AuthorizerContext,
        AuthorizerPolicyResponse as AuthorizerPolicyResponse,
        AuthorizerSimpleResponse as AuthorizerSimpleResponse,
        PolicyCondition as PolicyCondition,
        PolicyDocument as PolicyDocument,
        PolicyStatement as PolicyStatement,
        Unauthorized as Unauthorized,
    )
    from mangum.events.authorizers.rest import (
        HttpApiAuthorizerEventV1 as HttpApiAuthorizerEventV1,
        RestRequestAuthorizerEvent as RestRequestAuthorizerEvent,
    )
    from mangum.events.authorizers.websocket import (
        WebSocketAuthorizerEvent as WebSocketAuthorizerEvent,
        WebSocketAuthorizerRequestContext as WebSocketAuthorizerRequestContext,
    )
    from mangum.events.cloudfront import (
        CloudFrontBody as CloudFrontBody,
        CloudFrontConfig as CloudFrontConfig,
        CloudFrontEvent as CloudFrontEvent,
        CloudFrontHeader as CloudFrontHeader,
        CloudFrontPayload as CloudFrontPayload,
        CloudFrontRecord as CloudFrontRecord,
        CloudFrontRequest as CloudFrontRequest,
    )
    from mangum.events.eventbridge import (
        EventBridgeEvent as EventBridgeEvent,
        ScheduledEvent as ScheduledEvent,
    )
    from mangum.events.handler_models import (
        AUTHORIZER_EVENT_MODELS as AUTHORIZER_EVENT_MODELS,
        HANDLER_EVENT_MODELS as HANDLER_EVENT_MODELS,
        HANDLER_RESULT_MODELS as HANDLER_RESULT_MODELS,
        AuthorizerEvent as AuthorizerEvent,
        AuthorizerEventType as AuthorizerEventType,
    )
    from mangum.events.identity import (
        ClientCert as ClientCert,
        ClientCertValidity as ClientCertValidity,
        HttpAuthorizer as HttpAuthorizer,
        IamAuthorizer as IamAuthorizer,
        JwtAuthorizer as JwtAuthorizer,
        RestAuthorizer as RestAuthorizer,
        RestIdentity as RestIdentity,
    )
    from mangum.events.parse import (
        detect_source as detect_source,
        event_of as event_of,
        parse_event as parse_event,
    )
    from mangum.events.sources import (
        EVENT_MODELS as EVENT_MODELS,
        EventModelType as EventModelType,
        LambdaEventModel as LambdaEventModel,
        LambdaHttpEvent as LambdaHttpEvent,
    )
    from mangum.events.sqs import (
        SqsAttributes as SqsAttributes,
        SqsBatchItemFailure as SqsBatchItemFailure,
        SqsBatchResponse as SqsBatchResponse,
        SqsEvent as SqsEvent,
        SqsMessageAttribute as SqsMessageAttribute,
        SqsRecord as SqsRecord,
    )
    from mangum.events.typed_handlers import (
        EventHandler as EventHandler,
        TypedHandler as TypedHandler,
        typed_handler as typed_handler,
    )
    from mangum.events.warmup import WarmUpEvent as WarmUpEvent
    from mangum.events.websocket import (
        WebSocketEvent as WebSocketEvent,
        WebSocketEventType as WebSocketEventType,
        WebSocketRequestContext as WebSocketRequestContext,
        WebSocketShapedEvent as WebSocketShapedEvent,
    )

# The public names, each with the submodule that defines it: the one list of them. (The imports
# above are what type checkers read; a test keeps the two equal.)
_EXPORTS: dict[str, str] = {
    "RequestEvent": "_base",
    "HandlerResult": "_result",
    "AlbEvent": "alb",
    "AlbRequestContext": "alb",
    "ElbContext": "alb",
    "ApiGatewayV1Event": "api_gateway_v1",
    "ApiGatewayV1RequestContext": "api_gateway_v1",
    "RestShapedEvent": "api_gateway_v1",
    "ApiGatewayV2Event": "api_gateway_v2",
    "ApiGatewayV2RequestContext": "api_gateway_v2",
    "Authentication": "api_gateway_v2",
    "FunctionUrlEvent": "api_gateway_v2",
    "HttpDescription": "api_gateway_v2",
    "PayloadV2Event": "api_gateway_v2",
    "MethodArn": "authorizers",
    "RestTokenAuthorizerEvent": "authorizers",
    "HttpApiAuthorizerEventV2": "authorizers.http_v2",
    "AUTHORIZER_DETECTION_ORDER": "authorizers.parse",
    "detect_authorizer": "authorizers.parse",
    "parse_authorizer_event": "authorizers.parse",
    "AuthorizerContext": "authorizers.responses",
    "AuthorizerPolicyResponse": "authorizers.responses",
    "AuthorizerSimpleResponse": "authorizers.responses",
    "PolicyCondition": "authorizers.responses",
    "PolicyDocument": "authorizers.responses",
    "PolicyStatement": "authorizers.responses",
    "Unauthorized": "authorizers.responses",
    "HttpApiAuthorizerEventV1": "authorizers.rest",
    "RestRequestAuthorizerEvent": "authorizers.rest",
    "WebSocketAuthorizerEvent": "authorizers.websocket",
    "WebSocketAuthorizerRequestContext": "authorizers.websocket",
    "CloudFrontBody": "cloudfront",
    "CloudFrontConfig": "cloudfront",
    "CloudFrontEvent": "cloudfront",
    "CloudFrontHeader": "cloudfront",
    "CloudFrontPayload": "cloudfront",
    "CloudFrontRecord": "cloudfront",
    "CloudFrontRequest": "cloudfront",
    "EventBridgeEvent": "eventbridge",
    "ScheduledEvent": "eventbridge",
    "AUTHORIZER_EVENT_MODELS": "handler_models",
    "AuthorizerEvent": "handler_models",
    "AuthorizerEventType": "handler_models",
    "HANDLER_EVENT_MODELS": "handler_models",
    "HANDLER_RESULT_MODELS": "handler_models",
    "ClientCert": "identity",
    "ClientCertValidity": "identity",
    "HttpAuthorizer": "identity",
    "IamAuthorizer": "identity",
    "JwtAuthorizer": "identity",
    "RestAuthorizer": "identity",
    "RestIdentity": "identity",
    "detect_source": "parse",
    "event_of": "parse",
    "parse_event": "parse",
    "EVENT_MODELS": "sources",
    "EventModelType": "sources",
    "LambdaEventModel": "sources",
    "LambdaHttpEvent": "sources",
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
    "WebSocketEvent": "websocket",
    "WebSocketEventType": "websocket",
    "WebSocketRequestContext": "websocket",
    "WebSocketShapedEvent": "websocket",
}

__all__ = sorted(_EXPORTS)


if not TYPE_CHECKING:
    # Hidden from type checkers so that a misspelt name is an error there, not an ``object``.
    __getattr__ = _lazy_attributes(
        globals(), {name: f"{__name__}.{module}" for name, module in _EXPORTS.items()}
    )


def __dir__() -> list[str]:
    """The public names, loaded or not, with the module's own attributes."""
    return sorted({*globals(), *__all__})
