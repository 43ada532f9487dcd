"""The models of the events and results beside the API's own: authorizers, EventBridge and
schedules, SQS, warm-up pings. :mod:`mangum.schemas` writes a JSON Schema for each of them."""

from __future__ import annotations

from pydantic import BaseModel

from mangum.events.authorizers.kinds import AUTHORIZER_EVENT_MODELS
from mangum.events.authorizers.responses import AuthorizerPolicyResponse, AuthorizerSimpleResponse
from mangum.events.eventbridge import EventBridgeEvent, ScheduledEvent
from mangum.events.sqs import SqsBatchResponse, SqsEvent
from mangum.events.warmup import WarmUpEvent

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
