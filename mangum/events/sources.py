"""The union types of every event model, and the tuple of the six top-level source models.

Importing this module imports every source's model; :mod:`mangum.events.parse` imports only the
source it detects, and refers to these names for typing alone.
"""

from __future__ import annotations

from typing import TypeAlias

from mangum.events.alb import AlbEvent
from mangum.events.api_gateway_v1 import ApiGatewayV1Event
from mangum.events.api_gateway_v2 import ApiGatewayV2Event, FunctionUrlEvent
from mangum.events.cloudfront import CloudFrontEvent
from mangum.events.websocket import WebSocketEvent

LambdaHttpEvent: TypeAlias = (
    ApiGatewayV1Event | ApiGatewayV2Event | FunctionUrlEvent | AlbEvent | CloudFrontEvent
)
"""Every event that carries one HTTP request."""

LambdaEventModel: TypeAlias = LambdaHttpEvent | WebSocketEvent
"""Every event model ``parse_event`` can return."""

EventModelType: TypeAlias = (
    type[ApiGatewayV1Event]
    | type[ApiGatewayV2Event]
    | type[FunctionUrlEvent]
    | type[AlbEvent]
    | type[CloudFrontEvent]
    | type[WebSocketEvent]
)
"""The class of any event model (what :func:`~mangum.events.detect_source` returns)."""

EVENT_MODELS: tuple[EventModelType, ...] = (
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    FunctionUrlEvent,
    AlbEvent,
    WebSocketEvent,
    CloudFrontEvent,
)
"""The six top-level source models."""
