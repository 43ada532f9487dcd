"""Pydantic models of every event Lambda receives from an HTTP or WebSocket source.

Importable without any ASGI code: plain Lambda functions can use them to read their event::

    from mangum.events import parse_event, ApiGatewayV2Event

    def handler(event, context):
        request = parse_event(event)
        name = request.get_query("name")

Inside an app served by mangum, :func:`event_of` gives the model of the invocation's event.

Importing this package is nearly free: each public name is imported from its submodule on first
use (:pep:`562`), and :func:`parse_event` loads only the model of the source it detects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._lazy import lazy_attributes

if TYPE_CHECKING:
    from mangum.events._base import RequestEvent as RequestEvent
    from mangum.events.alb import (
        AlbEvent as AlbEvent,
    )
    from mangum.events.alb import (
        AlbRequestContext as AlbRequestContext,
    )
    from mangum.events.alb import (
        ElbContext as ElbContext,
    )
    from mangum.events.api_gateway_v1 import (
        ApiGatewayV1Event as ApiGatewayV1Event,
    )
    from mangum.events.api_gateway_v1 import (
        ApiGatewayV1RequestContext as ApiGatewayV1RequestContext,
    )
    from mangum.events.api_gateway_v2 import (
        ApiGatewayV2Event as ApiGatewayV2Event,
    )
    from mangum.events.api_gateway_v2 import (
        ApiGatewayV2RequestContext as ApiGatewayV2RequestContext,
    )
    from mangum.events.api_gateway_v2 import (
        Authentication as Authentication,
    )
    from mangum.events.api_gateway_v2 import (
        FunctionUrlEvent as FunctionUrlEvent,
    )
    from mangum.events.api_gateway_v2 import (
        HttpDescription as HttpDescription,
    )
    from mangum.events.cloudfront import (
        CloudFrontBody as CloudFrontBody,
    )
    from mangum.events.cloudfront import (
        CloudFrontConfig as CloudFrontConfig,
    )
    from mangum.events.cloudfront import (
        CloudFrontEvent as CloudFrontEvent,
    )
    from mangum.events.cloudfront import (
        CloudFrontHeader as CloudFrontHeader,
    )
    from mangum.events.cloudfront import (
        CloudFrontPayload as CloudFrontPayload,
    )
    from mangum.events.cloudfront import (
        CloudFrontRecord as CloudFrontRecord,
    )
    from mangum.events.cloudfront import (
        CloudFrontRequest as CloudFrontRequest,
    )
    from mangum.events.identity import (
        ClientCert as ClientCert,
    )
    from mangum.events.identity import (
        ClientCertValidity as ClientCertValidity,
    )
    from mangum.events.identity import (
        HttpAuthorizer as HttpAuthorizer,
    )
    from mangum.events.identity import (
        IamAuthorizer as IamAuthorizer,
    )
    from mangum.events.identity import (
        JwtAuthorizer as JwtAuthorizer,
    )
    from mangum.events.identity import (
        RestAuthorizer as RestAuthorizer,
    )
    from mangum.events.identity import (
        RestIdentity as RestIdentity,
    )
    from mangum.events.parse import (
        detect_source as detect_source,
    )
    from mangum.events.parse import (
        event_of as event_of,
    )
    from mangum.events.parse import (
        parse_event as parse_event,
    )
    from mangum.events.sources import (
        EVENT_MODELS as EVENT_MODELS,
    )
    from mangum.events.sources import (
        EventModelType as EventModelType,
    )
    from mangum.events.sources import (
        LambdaEventModel as LambdaEventModel,
    )
    from mangum.events.sources import (
        LambdaHttpEvent as LambdaHttpEvent,
    )
    from mangum.events.websocket import (
        WebSocketEvent as WebSocketEvent,
    )
    from mangum.events.websocket import (
        WebSocketEventType as WebSocketEventType,
    )
    from mangum.events.websocket import (
        WebSocketRequestContext as WebSocketRequestContext,
    )

# The public names, each with the submodule that defines it: the one list of them. (The imports
# above are what type checkers read; a test keeps the two equal.)
_EXPORTS: dict[str, str] = {
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
    "detect_source": "parse",
    "event_of": "parse",
    "parse_event": "parse",
    "EVENT_MODELS": "sources",
    "EventModelType": "sources",
    "LambdaEventModel": "sources",
    "LambdaHttpEvent": "sources",
    "WebSocketEvent": "websocket",
    "WebSocketEventType": "websocket",
    "WebSocketRequestContext": "websocket",
}

__all__ = sorted(_EXPORTS)


if not TYPE_CHECKING:
    # Hidden from type checkers so that a misspelt name is an error there, not an ``object``.
    __getattr__ = lazy_attributes(
        globals(), {name: f"{__name__}.{module}" for name, module in _EXPORTS.items()}
    )


def __dir__() -> list[str]:
    """The public names, loaded or not, with the module's own attributes."""
    return sorted({*globals(), *__all__})
