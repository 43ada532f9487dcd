"""``parse_event``: find an event's source by its shape, then validate it with that source's model;
``event_of``: the model of the event an ASGI scope was built from.

Detection reads the source registry (:mod:`mangum._sources.registry`, whose docs give the order);
anything no source recognises raises :class:`~mangum.exceptions.UnsupportedEvent`, and a
recognised event its model rejects raises :class:`~mangum.exceptions.InvalidEvent`.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING, TypeAlias, TypeVar, cast, overload

from pydantic import ValidationError

from mangum._sources.registry import detect
from mangum._validation.validators import field_errors
from mangum.exceptions import InvalidEvent

if TYPE_CHECKING:
    from mangum.events.sources import EventModelType, LambdaEventModel
    from mangum.types import HTTPScope, Scope, WebSocketScope

ModelT = TypeVar("ModelT", bound="LambdaEventModel")


def detect_source(event: Mapping[str, object]) -> EventModelType:
    """The model class for an event, chosen by shape alone (see :mod:`mangum._sources.registry`)."""
    module, _, name = detect(event).model.partition(":")
    model: EventModelType = getattr(import_module(module), name)
    return model


def parse_event(event: object) -> LambdaEventModel:
    """Validate a raw Lambda event into the model of its source.

    Raises :class:`~mangum.exceptions.UnsupportedEvent` when the event is not a mapping or has no
    known shape, and :class:`~mangum.exceptions.InvalidEvent` (naming each failing field path, never
    a value) when its source's model rejects it.
    """
    module, _, name = detect(event).model.partition(":")
    model: EventModelType = getattr(import_module(module), name)
    try:
        # The validator itself: ``model_validate`` only adds per-call Python overhead to it.
        parsed: LambdaEventModel = model.__pydantic_validator__.validate_python(event)
    except ValidationError as error:
        raise InvalidEvent(model.__name__, field_errors(error)) from None
    return parsed


AnyScope: TypeAlias = "HTTPScope | WebSocketScope | Scope"


@overload
def event_of(scope: AnyScope) -> LambdaEventModel: ...
@overload
def event_of(scope: AnyScope, model: type[ModelT]) -> ModelT: ...
def event_of(scope: AnyScope, model: type[ModelT] | None = None) -> LambdaEventModel:
    """The event model of the invocation ``scope`` belongs to, built from ``scope["aws.event"]`` on
    the first call and kept in the scope for the next ones.

    With ``model``, checks that the event is of that source and returns it typed as such (raises
    :class:`TypeError` otherwise)::

        event = event_of(request.scope, ApiGatewayV2Event)
        claims = event.request_context.authorizer

    Raises :class:`KeyError` for a scope that was not built by mangum.
    """
    found = scope.get("mangum.event")
    if found is None:
        found = scope["mangum.event"] = parse_event(scope["aws.event"])
    if model is not None and not isinstance(found, model):
        raise TypeError(f"the invocation's event is a {type(found).__name__}, not a {model.__name__}")
    return cast("LambdaEventModel", found)
