"""Every sample under tests/fixtures/events/handlers, mapped explicitly to the model it must validate into."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from mangum.events import (
    AuthorizerEventType,
    AuthorizerPolicyResponse,
    AuthorizerSimpleResponse,
    EventBridgeEvent,
    HttpApiAuthorizerEventV1,
    HttpApiAuthorizerEventV2,
    RestRequestAuthorizerEvent,
    RestTokenAuthorizerEvent,
    ScheduledEvent,
    SqsBatchResponse,
    SqsEvent,
    WarmUpEvent,
    WebSocketAuthorizerEvent,
)
from tests.support.event_files import HANDLER_EVENTS_DIR

AUTHORIZER_SAMPLES: dict[str, AuthorizerEventType] = {
    "apiGatewayAuthorizerRequestEvent.json": HttpApiAuthorizerEventV1,
    "apiGatewayAuthorizerV2Event.json": HttpApiAuthorizerEventV2,
    "apiGatewayAuthorizerWebSocketEvent.json": WebSocketAuthorizerEvent,
    "httpApiAuthorizerV1.json": HttpApiAuthorizerEventV1,
    "httpApiAuthorizerV1NoIdentitySource.json": HttpApiAuthorizerEventV1,
    "httpApiAuthorizerV2.json": HttpApiAuthorizerEventV2,
    "httpApiAuthorizerV2NoCookiesNoIdentitySource.json": HttpApiAuthorizerEventV2,
    "restRequestAuthorizer.json": RestRequestAuthorizerEvent,
    "restRequestAuthorizerMultiValue.json": RestRequestAuthorizerEvent,
    "restTokenAuthorizer.json": RestTokenAuthorizerEvent,
    "restTokenAuthorizerRootResource.json": RestTokenAuthorizerEvent,
    "webSocketAuthorizerQuery.json": WebSocketAuthorizerEvent,
}
"""Authorizer sample -> the model ``parse_authorizer_event`` must return for it."""

SERVICE_SAMPLES: dict[str, type[BaseModel]] = {
    "eventBridgeEvent.json": EventBridgeEvent,
    "eventBridgeSchedulerEvent.json": ScheduledEvent,
    "scheduledEvent.json": ScheduledEvent,
    "sqsEvent.json": SqsEvent,
    "sqsFifoEvent.json": SqsEvent,
    "warmUpLambdaWarmerEvent.json": WarmUpEvent,
    "warmUpLambdaWarmerFanOutEvent.json": WarmUpEvent,
    "warmUpPluginEvent.json": WarmUpEvent,
}
"""Any other event sample -> the narrowest model that takes it."""

RESULT_SAMPLES: dict[str, type[BaseModel]] = {
    "responses/authorizerPolicyResponse.json": AuthorizerPolicyResponse,
    "responses/authorizerPolicyResponseConditions.json": AuthorizerPolicyResponse,
    "responses/authorizerSimpleResponse.json": AuthorizerSimpleResponse,
    "responses/sqsBatchResponse.json": SqsBatchResponse,
}
"""Result sample -> its model."""

EVENT_SAMPLES: dict[str, type[BaseModel]] = {**AUTHORIZER_SAMPLES, **SERVICE_SAMPLES}


def handler_sample_files() -> list[str]:
    """Every sample file present under tests/fixtures/events/handlers, relative to it."""
    return sorted(
        path.relative_to(HANDLER_EVENTS_DIR).as_posix() for path in HANDLER_EVENTS_DIR.rglob("*.json")
    )


def read_handler_sample(name: str) -> dict[str, Any]:
    """A sample as decoded JSON."""
    loaded: dict[str, Any] = json.loads((HANDLER_EVENTS_DIR / name).read_text())
    return loaded
