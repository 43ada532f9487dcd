"""What every source's home provides, as the registry holds it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeVar

from mangum._validation.validators import LazyValidator, ValidationError, field_errors
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


class HttpEvent:
    """One validated HTTP event, as the source-independent code needs it: the request, how its
    result is laid out, and the largest result the source accepts (bytes)."""

    __slots__ = ("limit", "request", "response")

    def __init__(self, request: Request, response: ResponseShape, limit: int) -> None:
        self.request = request
        self.response = response
        self.limit = limit


class Source:
    """A source's entry in the registry (:mod:`mangum._sources.registry`), and the door to its home.

    ``model`` is the ``module:class`` of its event model; ``detection`` says in words what
    ``matches(event, request_context)`` looks for; ``sample_names`` are the names the
    ``python -m mangum event`` command takes for its sample events.

    Its home, :mod:`mangum._sources` ``.<name>``, is imported the first time one of its events is read
    or one of its samples built, never before: a function pays the import of the sources it sees
    only. The home hands its pieces over with ``provide`` as it is imported; every piece is
    required, and a sample the entry names but the home does not build fails then too. (A plain
    class, not a dataclass: creating dataclasses is a measurable part of a cold start.)
    """

    __slots__ = ("_samples", "detection", "matches", "model", "name", "sample_names")

    def __init__(
        self,
        *,
        name: SourceName,
        model: str,
        detection: str,
        matches: Callable[[Mapping[str, object], Mapping[str, object]], bool],
        sample_names: tuple[str, ...],
    ) -> None:
        self.name = name
        self.model = model
        self.detection = detection
        self.matches = matches
        self.sample_names = sample_names
        self._samples: Mapping[str, SampleBuilder] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @property
    def home(self) -> str:
        """The module that reads and answers this source's events, and builds its samples."""
        return f"mangum._sources.{self.name}"

    @property
    def samples(self) -> Mapping[str, SampleBuilder]:
        """The sample builders of the home, by name (importing the home on first use)."""
        return self._samples if self._samples is not None else self._load()

    def _load(self) -> Mapping[str, SampleBuilder]:
        import_module(self.home)
        if self._samples is None:
            raise TypeError(f"{self.home} provided no pieces to {self!r}")
        return self._samples

    def _provide_samples(self, samples: Mapping[str, SampleBuilder]) -> None:
        if tuple(samples) != self.sample_names:
            raise TypeError(
                f"{self.home} builds samples {tuple(samples)}, the registry names {self.sample_names}"
            )
        self._samples = samples


class HttpSource(Source):
    """A source whose every event carries one HTTP request: ``read`` validates an event and reduces
    it (raising :class:`~mangum.exceptions.InvalidEvent`). Until the home is imported, ``read``
    imports it, then hands the event to the home's own ``read``; later calls go straight there."""

    __slots__ = ("read",)

    def __init__(
        self,
        *,
        name: SourceName,
        model: str,
        detection: str,
        matches: Callable[[Mapping[str, object], Mapping[str, object]], bool],
        sample_names: tuple[str, ...],
    ) -> None:
        super().__init__(
            name=name, model=model, detection=detection, matches=matches, sample_names=sample_names
        )
        self.read: Callable[[Mapping[str, object]], HttpEvent] = self._load_then_read

    def _load_then_read(self, event: Mapping[str, object]) -> HttpEvent:
        self._load()
        return self.read(event)

    def provide(
        self, *, read: Callable[[Mapping[str, object]], HttpEvent], samples: Mapping[str, SampleBuilder]
    ) -> None:
        """Called by the home as it is imported: its reader and its sample builders."""
        self._provide_samples(samples)
        self.read = read


class WebSocketSource(Source):
    """The API Gateway WebSocket source, served by its own cycle (:mod:`mangum.websocket`)."""

    __slots__ = ()

    def provide(self, *, samples: Mapping[str, SampleBuilder]) -> None:
        """Called by the home as it is imported: its sample builders."""
        self._provide_samples(samples)


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
