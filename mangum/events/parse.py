"""``parse_event``: find an event's source by its shape, then validate it with that source's model.

Detection looks only at a few keys, in this order (the first match wins):

1. ``Records[0].cf`` present: CloudFront Lambda@Edge (:class:`CloudFrontEvent`).
2. ``requestContext.elb`` present: Application Load Balancer (:class:`AlbEvent`).
3. ``requestContext.eventType`` or ``requestContext.connectionId`` present: WebSocket API
   (:class:`WebSocketEvent`).
4. ``version == "2.0"``: a Function URL when ``requestContext.domainName`` contains
   ``.lambda-url.`` (:class:`FunctionUrlEvent`), otherwise an HTTP API (:class:`ApiGatewayV2Event`).
5. ``httpMethod`` present: a REST API or payload 1.0 event (:class:`ApiGatewayV1Event`).

Anything else raises :class:`~mangum.exceptions.UnsupportedEvent`; a detected source whose model
rejects the event raises :class:`~mangum.exceptions.InvalidEvent`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeGuard

from pydantic import ValidationError

# The package loads each model from its submodule on first access and keeps it (PEP 562), so
# detecting a source imports that source's module alone, once.
import mangum.events as models
from mangum.events._base import field_errors
from mangum.exceptions import InvalidEvent, UnsupportedEvent

if TYPE_CHECKING:
    from mangum.events.sources import EventModelType, LambdaEventModel

DETECTION_ORDER: tuple[str, ...] = (
    "CloudFrontEvent (Records[0].cf)",
    "AlbEvent (requestContext.elb)",
    "WebSocketEvent (requestContext.eventType/connectionId)",
    "FunctionUrlEvent / ApiGatewayV2Event (version 2.0)",
    "ApiGatewayV1Event (httpMethod)",
)


_NO_CONTEXT: Mapping[str, object] = MappingProxyType({})


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    # Lambda hands over plain dicts: test for dict first, the much slower ABC check only otherwise.
    return type(value) is dict or isinstance(value, Mapping)


def detect_source(event: Mapping[str, object]) -> EventModelType:
    """The model class for an event, chosen by shape alone (see the module docs for the order)."""
    records = event.get("Records")
    if isinstance(records, list) and records and _is_mapping(records[0]) and "cf" in records[0]:
        return models.CloudFrontEvent
    found = event.get("requestContext")
    context = found if _is_mapping(found) else _NO_CONTEXT
    if "elb" in context:
        return models.AlbEvent
    if "eventType" in context or "connectionId" in context:
        return models.WebSocketEvent
    if event.get("version") == "2.0":
        domain = context.get("domainName")
        if isinstance(domain, str) and ".lambda-url." in domain:
            return models.FunctionUrlEvent
        return models.ApiGatewayV2Event
    if "httpMethod" in event:
        return models.ApiGatewayV1Event
    raise UnsupportedEvent("the event matches no known Lambda event source", DETECTION_ORDER)


def parse_event(event: object) -> LambdaEventModel:
    """Validate a raw Lambda event into the model of its source.

    Raises :class:`~mangum.exceptions.UnsupportedEvent` when the event is not a mapping or has no
    known shape, and :class:`~mangum.exceptions.InvalidEvent` (naming each failing field path, never
    a value) when its source's model rejects it.
    """
    if not _is_mapping(event):
        raise UnsupportedEvent(f"the event is a {type(event).__name__}, not a JSON object", DETECTION_ORDER)
    model = detect_source(event)
    try:
        # The validator itself: ``model_validate`` only adds per-call Python overhead to it.
        parsed: LambdaEventModel = model.__pydantic_validator__.validate_python(event)
    except ValidationError as error:
        raise InvalidEvent(model.__name__, field_errors(error)) from None
    return parsed
