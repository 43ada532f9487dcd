"""What every source's home provides, as the registry holds it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias, TypeVar

from mangum._validation.errors import field_errors
from mangum._validation.pydantic_core_module import ValidationError
from mangum._validation.validators import LazyValidator
from mangum.exceptions import InvalidEvent

if TYPE_CHECKING:
    from mangum._http.request import Request
    from mangum._http.response import ResponseShape
    from mangum._sources.samples import SampleRequest
    from mangum.types import LambdaEvent

SourceName: TypeAlias = Literal[
    "api_gateway_v1", "api_gateway_v2", "function_url", "alb", "cloudfront", "websocket"
]
"""The name of each event source (also each model's ``SOURCE`` and its generated module's name)."""

DataT = TypeVar("DataT")

SampleBuilder: TypeAlias = "Callable[[SampleRequest], LambdaEvent]"


class HttpEvent(NamedTuple):
    """One validated HTTP event, as the source-independent code needs it: the request, how its
    result is laid out, and the largest result the source accepts (bytes)."""

    request: Request
    response: ResponseShape
    limit: int


class Source:
    """A source's entry in the registry.

    ``model`` is the ``module:class`` of its event model; ``detection`` says in words what
    ``matches(event, request_context)`` looks for; ``samples`` builds sample events by the name the
    ``python -m mangum event`` command takes. Every piece is required: a source missing one fails
    when its home is imported. (A plain class, not a dataclass: creating dataclasses is a measurable
    part of a cold start.)
    """

    __slots__ = ("detection", "matches", "model", "name", "samples")

    def __init__(
        self,
        *,
        name: SourceName,
        model: str,
        detection: str,
        matches: Callable[[Mapping[str, object], Mapping[str, object]], bool],
        samples: Mapping[str, SampleBuilder],
    ) -> None:
        self.name = name
        self.model = model
        self.detection = detection
        self.matches = matches
        self.samples = samples

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class HttpSource(Source):
    """A source whose every event carries one HTTP request: ``read`` validates an event and reduces
    it (raising :class:`~mangum.exceptions.InvalidEvent`)."""

    __slots__ = ("read",)

    def __init__(
        self,
        *,
        name: SourceName,
        model: str,
        detection: str,
        matches: Callable[[Mapping[str, object], Mapping[str, object]], bool],
        samples: Mapping[str, SampleBuilder],
        read: Callable[[Mapping[str, object]], HttpEvent],
    ) -> None:
        super().__init__(name=name, model=model, detection=detection, matches=matches, samples=samples)
        self.read = read


class WebSocketSource(Source):
    """The API Gateway WebSocket source, served by its own cycle (:mod:`mangum.websocket`)."""

    __slots__ = ()


def event_schema(name: SourceName) -> str:
    """Where the generated validator schema of a source's events is (``module:attribute``)."""
    return f"mangum._validation.generated.{name}:SCHEMA"


def validated(validator: LazyValidator[DataT], event: Mapping[str, object]) -> DataT:
    """``event`` validated by ``validator``; raises :class:`~mangum.exceptions.InvalidEvent` naming
    the model and each failing field, never a value."""
    try:
        return validator.validate(event)
    except ValidationError as error:
        raise InvalidEvent(validator.model_name, field_errors(error)) from None
