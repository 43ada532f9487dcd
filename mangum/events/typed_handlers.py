"""``typed_handler``: a Lambda handler whose event and result are the types it is annotated with.

::

    from mangum.events import AuthorizerPolicyResponse, RestTokenAuthorizerEvent, typed_handler
    from mangum.types import LambdaContext

    @typed_handler
    def handler(event: RestTokenAuthorizerEvent, context: LambdaContext) -> AuthorizerPolicyResponse:
        return AuthorizerPolicyResponse.allow("user-1", event.method_arn)

Lambda calls ``handler(event_dict, context)``: the dict is validated into the event parameter's
annotation, the function runs on the model, and its result is validated against the return
annotation and serialized into what Lambda returns (AWS's field names, unset optional fields left
out). The function itself stays reachable, typed, as ``handler.function``.

Nothing here imports ASGI code: a function that is not an API (an authorizer, a queue consumer)
loads pydantic and its own models only.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast, get_type_hints

from pydantic import JsonValue, TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

from mangum._validation.validators import field_errors
from mangum.exceptions import ConfigurationError, InvalidEvent, InvalidResponse, UnsupportedEvent
from mangum.types import LambdaContext

if TYPE_CHECKING:
    from typing_extensions import TypeForm

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)

EventT = TypeVar("EventT")
ResultT = TypeVar("ResultT")


class EventHandler(Protocol):
    """What a dispatcher (``Mangum(..., event_handlers=[...])``) needs of a typed handler, whatever
    its event and result types."""

    @property
    def event_name(self) -> str:
        """The name of the event annotation (``ScheduledEvent``), for errors and logs."""
        ...

    @property
    def result_type(self) -> object:
        """The return annotation."""
        ...

    def bind(self, event: object) -> Callable[[LambdaContext], JsonValue]:
        """The handler's call on ``event``, validated; raises ``InvalidEvent`` or
        ``UnsupportedEvent`` when the event annotation rejects it."""
        ...


def _type_name(annotation: object) -> str:
    """A readable name for an annotation: the class name, or the annotation as written."""
    name = getattr(annotation, "__name__", None)
    if isinstance(name, str) and not getattr(annotation, "__args__", None):
        return name
    return str(annotation).replace("typing.", "").replace("mangum.events.", "")


def _annotations(function: Callable[..., object], namespace: Mapping[str, object]) -> tuple[object, object]:
    """The event parameter's and the return annotations, resolved in the function's globals and
    ``namespace``; ``ConfigurationError`` when the function cannot be a typed handler."""
    label = f"typed_handler({getattr(function, '__qualname__', function)!r})"
    if inspect.iscoroutinefunction(function):
        raise ConfigurationError(f"{label}: the function must be a plain function, not async")
    try:
        parameters = list(inspect.signature(function).parameters.values())
        hints = get_type_hints(function, localns=dict(namespace), include_extras=True)
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"{label}: cannot read the function's signature ({error})") from None
    except NameError as error:
        raise ConfigurationError(
            f"{label}: an annotation names something not defined at decoration time ({error})"
        ) from None
    positional = [parameter for parameter in parameters if parameter.kind in _POSITIONAL]
    if len(positional) != 2 or any(parameter.default is not parameter.empty for parameter in positional):
        raise ConfigurationError(f"{label}: the function must take exactly (event, context)")
    event_name = positional[0].name
    if event_name not in hints or "return" not in hints:
        raise ConfigurationError(
            f"{label}: annotate the event parameter {event_name!r} and the return type "
            "(-> None when it returns nothing)"
        )
    return hints[event_name], hints["return"]


class TypedHandler(Generic[EventT, ResultT]):
    """A Lambda handler built by :func:`typed_handler` from an annotated ``(event, context)`` function.

    Validators are built on the first event, not at import: a cold start pays only for the types
    the function actually uses.
    """

    def __init__(
        self,
        function: Callable[[EventT, LambdaContext], ResultT],
        namespace: Mapping[str, object] | None = None,
    ) -> None:
        """``namespace``: names the annotations may use besides the function's module globals
        (:func:`typed_handler` passes the decorating scope's, so models defined in a function work)."""
        self.event_type, self.result_type = _annotations(function, namespace or {})
        self.function = function
        """The decorated function, called with the validated event."""
        self.event_name = _type_name(self.event_type)
        self.name: str = getattr(function, "__qualname__", repr(function))
        """The function's qualified name, for messages."""
        functools.update_wrapper(self, function)

    @functools.cached_property
    def _event_adapter(self) -> TypeAdapter[EventT]:
        # The annotation of the function's EventT parameter is, by construction, EventT's type form.
        return TypeAdapter(cast("TypeForm[EventT]", self.event_type))

    @functools.cached_property
    def _result_adapter(self) -> TypeAdapter[ResultT]:
        return TypeAdapter(cast("TypeForm[ResultT]", self.result_type))

    def parse(self, event: object) -> EventT:
        """The raw event validated into the event annotation.

        Raises :class:`~mangum.exceptions.UnsupportedEvent` when the event is not a JSON object, and
        :class:`~mangum.exceptions.InvalidEvent` (field paths and messages, never values) when the
        annotation rejects it.
        """
        if type(event) is not dict and not isinstance(event, Mapping):
            raise UnsupportedEvent(
                f"the event is a {type(event).__name__}, not a JSON object", (self.event_name,)
            )
        try:
            parsed: EventT = self._event_adapter.validator.validate_python(event)
        except ValidationError as error:
            raise InvalidEvent(self.event_name, field_errors(error)) from None
        return parsed

    def respond(self, result: ResultT) -> JsonValue:
        """The function's result validated against the return annotation and serialized as JSON
        (AWS's field names, ``None`` fields of models left out); raises
        :class:`~mangum.exceptions.InvalidResponse` naming the failing fields."""
        adapter = self._result_adapter
        try:
            checked = adapter.validator.validate_python(result)
            # warnings="error": a value of the wrong type put into a model after it was built (an
            # item appended to a list field) fails here instead of being serialized as it is.
            serialized: JsonValue = adapter.serializer.to_python(
                checked, mode="json", by_alias=True, exclude_none=True, warnings="error"
            )
        except ValidationError as error:
            detail = "; ".join(str(problem) for problem in field_errors(error))
            raise InvalidResponse(
                f"{self.name} returned a result that is not a valid {_type_name(self.result_type)}: {detail}"
            ) from None
        except PydanticSerializationError:
            raise InvalidResponse(
                f"{self.name} returned a result that does not serialize as {_type_name(self.result_type)}"
            ) from None
        return serialized

    def bind(self, event: object) -> Callable[[LambdaContext], JsonValue]:
        """The call on ``event``, validated now; run it with the context. Raises as :meth:`parse`."""
        return functools.partial(self._run, self.parse(event))

    def _run(self, event: EventT, context: LambdaContext) -> JsonValue:
        return self.respond(self.function(event, context))

    def __call__(self, event: object, context: LambdaContext) -> JsonValue:
        """Handle one invocation: validate ``event``, call the function, return its serialized result."""
        return self._run(self.parse(event), context)


def typed_handler(function: Callable[[EventT, LambdaContext], ResultT]) -> TypedHandler[EventT, ResultT]:
    """Make an annotated ``(event, context) -> result`` function a Lambda handler (see the module docs).

    The event annotation is usually an event model (``ScheduledEvent``, ``SqsEvent[Json[Order]]``,
    ``RestTokenAuthorizerEvent``...) but can be any type pydantic validates, a union of models
    included. Raises :class:`~mangum.exceptions.ConfigurationError` at decoration when the function
    is async, does not take ``(event, context)``, or lacks the event or return annotation.
    """
    # The decorating scope's names: annotations (strings under `from __future__ import annotations`)
    # may name models defined in the function that applies the decorator.
    return TypedHandler(function, sys._getframe(1).f_locals)
