"""The union types of the authorizer event models, and the tuple of all five.

Importing this module imports every kind's module; :mod:`mangum.events.authorizers.parse` imports
only the kind it detects, and refers to these names for typing alone.
"""

from __future__ import annotations

from typing import TypeAlias

from mangum.events.authorizers.http_v2 import HttpApiAuthorizerEventV2
from mangum.events.authorizers.rest import HttpApiAuthorizerEventV1, RestRequestAuthorizerEvent
from mangum.events.authorizers.token import RestTokenAuthorizerEvent
from mangum.events.authorizers.websocket import WebSocketAuthorizerEvent

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
