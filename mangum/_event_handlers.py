"""``Mangum(app, event_handlers=[...])``: typed handlers for the events no built-in source takes.

A function behind an API is often invoked by other things too: a keep-warm ping, an EventBridge
schedule, an SQS queue. Each of these gets a :func:`~mangum.events.typed_handler`::

    @typed_handler
    def nightly(event: ScheduledEvent, context: LambdaContext) -> None: ...

    handler = Mangum(app, event_handlers=[keep_warm, nightly, consume_orders])

Order of dispatch: ``custom_handlers`` first; then the HTTP and WebSocket sources; only when none
of them recognizes the event (``parse_event`` would raise ``UnsupportedEvent``), each event handler
in the order given, the first whose event annotation accepts the event taking it, so a narrow
model (``ScheduledEvent``) goes before a broad one (``EventBridgeEvent``). The handler's serialized
result is what the function returns, ``{}`` when it returns ``None`` (every asynchronous source
reads either as success). When no handler accepts the event, ``UnsupportedEvent`` is raised: its
``tried`` lists the sources and then each handler's event model, its ``reason`` why each refused.

Handlers are plain functions: they run outside the ASGI app, without its lifespan.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Union, get_args, get_origin, is_typeddict

from mangum.exceptions import ConfigurationError, InvalidEvent, InvalidResponse, UnsupportedEvent

if TYPE_CHECKING:
    from pydantic import JsonValue

    from mangum.events.typed_handlers import EventHandler
    from mangum.types import LambdaContext, LambdaEvent

_ARGUMENT = "event_handlers"


def serializes_to_object(annotation: object) -> bool:
    """Whether every value of a return annotation serializes to a JSON object or to null: a model,
    a mapping, a TypedDict, ``None``, or a union of those."""
    from pydantic import BaseModel, RootModel

    if annotation is None or annotation is type(None):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return serializes_to_object(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return all(serializes_to_object(member) for member in get_args(annotation))
    target = origin or annotation
    if not isinstance(target, type):
        return False
    if issubclass(target, RootModel):
        return serializes_to_object(target.model_fields["root"].annotation)
    return issubclass(target, BaseModel | Mapping) or is_typeddict(target)


class EventHandlers:
    """The validated ``event_handlers`` of one ``Mangum`` instance."""

    __slots__ = ("handlers",)

    def __init__(self, handlers: object) -> None:
        """Check the argument; raises :class:`~mangum.exceptions.ConfigurationError` naming it."""
        if handlers is None:
            self.handlers: tuple[EventHandler, ...] = ()
            return
        if isinstance(handlers, str | bytes) or not isinstance(handlers, Sequence):
            raise ConfigurationError(f"{_ARGUMENT} must be a list of functions decorated with @typed_handler")
        from mangum.events.typed_handlers import TypedHandler

        for handler in handlers:
            if not isinstance(handler, TypedHandler):
                raise ConfigurationError(
                    f"{_ARGUMENT} must contain only functions decorated with @typed_handler "
                    f"(mangum.events), not {type(handler).__name__}"
                )
            if not serializes_to_object(handler.result_type):
                raise ConfigurationError(
                    f"{_ARGUMENT}: {handler.name} must return a model, a mapping or None "
                    "(Mangum returns a JSON object)"
                )
        self.handlers = tuple(handlers)

    def serve(
        self, event: LambdaEvent, context: LambdaContext, unsupported: UnsupportedEvent
    ) -> dict[str, object]:
        """Run the first handler whose event annotation accepts ``event``; re-raise ``unsupported``
        when there are no handlers, or raise a fuller ``UnsupportedEvent`` when none accepts it."""
        if not self.handlers:
            raise unsupported
        refusals: list[str] = []
        for handler in self.handlers:
            try:
                call = handler.bind(event)
            except InvalidEvent as error:
                refusals.append(f"{handler.event_name}: {error.errors[0] if error.errors else error}")
                continue
            except UnsupportedEvent as error:
                refusals.append(f"{handler.event_name}: {error.reason}")
                continue
            return _lambda_result(call(context), handler.event_name)
        raise UnsupportedEvent(
            f"{unsupported.reason}, and no event handler accepts it ({'; '.join(refusals)})",
            (*unsupported.tried, *(handler.event_name for handler in self.handlers)),
        ) from None


def _lambda_result(result: JsonValue, event_name: str) -> dict[str, object]:
    if result is None:
        return {}
    if isinstance(result, dict):
        return {**result}
    # Only reachable past the construction check through a model whose serializer changes its shape.
    raise InvalidResponse(
        f"the {event_name} handler's result is a JSON {type(result).__name__}, not an object"
    )
