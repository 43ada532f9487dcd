"""The models of the events and results beside the API's own: authorizers, EventBridge and
schedules, SQS, warm-up pings. :mod:`mangum.schemas` writes a JSON Schema for each of them.

Importing this module imports every authorizer kind; :mod:`mangum.events.authorizers.parse` imports
only the kind it detects, and refers to the unions here for typing alone.
"""

from __future__ import annotations

from typing import TypeAlias

from pydantic import BaseModel

from mangum.events.authorizers import RestTokenAuthorizerEvent
from mangum.events.authorizers.http_v2 import HttpApiAuthorizerEventV2
from mangum.events.authorizers.responses import AuthorizerPolicyResponse, AuthorizerSimpleResponse
from mangum.events.authorizers.rest import HttpApiAuthorizerEventV1, RestRequestAuthorizerEvent
from mangum.events.authorizers.websocket import WebSocketAuthorizerEvent
from mangum.events.eventbridge import EventBridgeEvent, ScheduledEvent
from mangum.events.sqs import SqsBatchResponse, SqsEvent
from mangum.events.warmup import WarmUpEvent

AuthorizerEvent: TypeAlias = (
    RestTokenAuthorizerEvent
    | RestRequestAuthorizerEvent
    | HttpApiAuthorizerEventV1
    | HttpApiAuthorizerEventV2
    | WebSocketAuthorizerEvent
)
"""Every event model :func:`~mangum.events.parse_authorizer_event` can return."""

AuthorizerEventType: TypeAlias = (
    type[RestTokenAuthorizerEvent]
    | type[RestRequestAuthorizerEvent]
    | type[HttpApiAuthorizerEventV1]
    | type[HttpApiAuthorizerEventV2]
    | type[WebSocketAuthorizerEvent]
)
"""The class of any authorizer event model."""

AUTHORIZER_EVENT_MODELS: tuple[AuthorizerEventType, ...] = (
    RestTokenAuthorizerEvent,
    RestRequestAuthorizerEvent,
    HttpApiAuthorizerEventV1,
    HttpApiAuthorizerEventV2,
    WebSocketAuthorizerEvent,
)
"""The five authorizer event models."""


HANDLER_EVENT_MODELS: tuple[type[BaseModel], ...] = (
    *AUTHORIZER_EVENT_MODELS,
    EventBridgeEvent,
    ScheduledEvent,
    SqsEvent,
    WarmUpEvent,
)
"""The event models for functions that are not the API: every authorizer event, and the events
``Mangum(event_handlers=...)`` is most often given."""

HANDLER_RESULT_MODELS: tuple[type[BaseModel], ...] = (
    AuthorizerPolicyResponse,
    AuthorizerSimpleResponse,
    SqsBatchResponse,
)
"""The results those functions return."""
