"""Which source an event model is for, tested by its :attr:`~mangum.events.RequestEvent.SOURCE` tag.

``isinstance`` would need every source's model class, so importing the adapter would import all six
source modules. Comparing the tag lets a Lambda function load only the module of the source that
actually invokes it (measured by ``benchmarks/adapter_vs_mangum.py`` as part of the cold start).
Each check narrows the type for mypy in both branches, as ``isinstance`` would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import TypeIs  # typing.TypeIs is Python 3.13+

    from mangum.events.alb import AlbEvent
    from mangum.events.api_gateway_v1 import ApiGatewayV1Event
    from mangum.events.api_gateway_v2 import ApiGatewayV2Event, FunctionUrlEvent
    from mangum.events.cloudfront import CloudFrontEvent
    from mangum.events.sources import LambdaEventModel
    from mangum.events.websocket import WebSocketEvent


def is_api_gateway_v1(event: LambdaEventModel) -> TypeIs[ApiGatewayV1Event]:
    """A REST API (payload 1.0) event."""
    return event.SOURCE == "api_gateway_v1"


def is_payload_v2(event: LambdaEventModel) -> TypeIs[ApiGatewayV2Event | FunctionUrlEvent]:
    """An HTTP API (payload 2.0) or Function URL event: the two share one layout."""
    return event.SOURCE == "api_gateway_v2" or event.SOURCE == "function_url"


def is_function_url(event: LambdaEventModel) -> TypeIs[FunctionUrlEvent]:
    """A Lambda Function URL event."""
    return event.SOURCE == "function_url"


def is_alb(event: LambdaEventModel) -> TypeIs[AlbEvent]:
    """An Application Load Balancer event."""
    return event.SOURCE == "alb"


def is_cloudfront(event: LambdaEventModel) -> TypeIs[CloudFrontEvent]:
    """A Lambda@Edge request event."""
    return event.SOURCE == "cloudfront"


def is_websocket(event: LambdaEventModel) -> TypeIs[WebSocketEvent]:
    """An API Gateway WebSocket event."""
    return event.SOURCE == "websocket"
