"""``parse_authorizer_event``: tell the kind of authorizer event by its shape, then validate it.

The rules, in order (the first match wins):

1. ``type`` is neither ``"TOKEN"`` nor ``"REQUEST"``: not an authorizer event.
2. ``type == "TOKEN"``: a REST API token authorizer (:class:`RestTokenAuthorizerEvent`).
3. ``version == "2.0"``: an HTTP API authorizer, payload 2.0 (:class:`HttpApiAuthorizerEventV2`).
4. ``requestContext.eventType`` or ``requestContext.connectionId`` present: a WebSocket API
   authorizer on ``$connect`` (:class:`WebSocketAuthorizerEvent`).
5. ``version == "1.0"``: an HTTP API authorizer, payload 1.0 (:class:`HttpApiAuthorizerEventV1`).
6. Otherwise: a REST API request authorizer (:class:`RestRequestAuthorizerEvent`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeGuard

from pydantic import ValidationError

from mangum._validation.validators import field_errors
from mangum.exceptions import InvalidEvent, UnsupportedEvent

if TYPE_CHECKING:
    from mangum.events.handler_models import AuthorizerEvent, AuthorizerEventType

AUTHORIZER_DETECTION_ORDER: tuple[str, ...] = (
    "RestTokenAuthorizerEvent (type TOKEN)",
    "HttpApiAuthorizerEventV2 (type REQUEST, version 2.0)",
    "WebSocketAuthorizerEvent (type REQUEST, requestContext.eventType/connectionId)",
    "HttpApiAuthorizerEventV1 (type REQUEST, version 1.0)",
    "RestRequestAuthorizerEvent (type REQUEST)",
)


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    # Lambda hands over plain dicts: test for dict first, the much slower ABC check only otherwise.
    return type(value) is dict or isinstance(value, Mapping)


def detect_authorizer(event: Mapping[str, object]) -> AuthorizerEventType:
    """The authorizer event model for an event, chosen by shape alone (see the module docs)."""
    # Each branch imports its kind's module alone (from the module itself, not the package that
    # re-exports it): a TOKEN authorizer never loads the REST, HTTP or WebSocket request models.
    kind = event.get("type")
    if kind == "TOKEN":
        from mangum.events.authorizers import RestTokenAuthorizerEvent

        return RestTokenAuthorizerEvent
    if kind != "REQUEST":
        raise UnsupportedEvent(
            "the event is not a Lambda authorizer event (no type TOKEN or REQUEST)",
            AUTHORIZER_DETECTION_ORDER,
        )
    version = event.get("version")
    if version == "2.0":
        from mangum.events.authorizers.http_v2 import HttpApiAuthorizerEventV2

        return HttpApiAuthorizerEventV2
    context = event.get("requestContext")
    if _is_mapping(context) and ("eventType" in context or "connectionId" in context):
        from mangum.events.authorizers.websocket import WebSocketAuthorizerEvent

        return WebSocketAuthorizerEvent
    from mangum.events.authorizers.rest import HttpApiAuthorizerEventV1, RestRequestAuthorizerEvent

    return HttpApiAuthorizerEventV1 if version == "1.0" else RestRequestAuthorizerEvent


def parse_authorizer_event(event: object) -> AuthorizerEvent:
    """Validate a raw authorizer event into the model of its kind.

    Raises :class:`~mangum.exceptions.UnsupportedEvent` when the event is not a JSON object or not
    an authorizer event, and :class:`~mangum.exceptions.InvalidEvent` (naming each failing field,
    never a value) when its model rejects it.
    """
    if not _is_mapping(event):
        raise UnsupportedEvent(
            f"the event is a {type(event).__name__}, not a JSON object", AUTHORIZER_DETECTION_ORDER
        )
    model = detect_authorizer(event)
    try:
        parsed: AuthorizerEvent = model.__pydantic_validator__.validate_python(event)
    except ValidationError as error:
        raise InvalidEvent(model.__name__, field_errors(error)) from None
    return parsed
