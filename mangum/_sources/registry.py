"""The event sources, in detection order: the one list dispatch reads.

Detection looks only at a few keys, in this order (the first match wins):

1. ``Records[0].cf`` present: CloudFront Lambda@Edge (:class:`~mangum.events.CloudFrontEvent`).
2. ``requestContext.elb`` present: Application Load Balancer (:class:`~mangum.events.AlbEvent`).
3. ``requestContext.eventType`` or ``requestContext.connectionId`` present: WebSocket API
   (:class:`~mangum.events.WebSocketEvent`).
4. ``version == "2.0"`` and ``requestContext.domainName`` containing ``.lambda-url.``: a Function
   URL (:class:`~mangum.events.FunctionUrlEvent`).
5. ``version == "2.0"``: an HTTP API (:class:`~mangum.events.ApiGatewayV2Event`).
6. ``httpMethod`` present: a REST API or payload 1.0 event (:class:`~mangum.events.ApiGatewayV1Event`).

Each entry knows its home (:mod:`mangum._sources` ``.<name>``) by name only: the home is imported with
the first event of its source, so a function imports the homes of the sources it serves, no other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeGuard, TypeVar

from mangum._validation.validators import LazyValidator, ValidationError, field_errors
from mangum.exceptions import InvalidEvent, UnsupportedEvent

if TYPE_CHECKING:
    from mangum._http.request import Request
    from mangum._http.response import ResponseShape
    from mangum._sources.samples import SampleRequest
    from mangum.types import LambdaEvent


# --- what every source's home provides -----------------------------------------------------------
# A source's entry (:class:`Source`), the door to its home, and what the home hands over.

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
    """A source's entry in the registry (:data:`SOURCES`), and the door to its home.

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


# --- the sources, in detection order -------------------------------------------------------------


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    # Lambda hands over plain dicts: test for dict first, the much slower ABC check only otherwise.
    return type(value) is dict or isinstance(value, Mapping)


# Detection is written here rather than in the homes, so that telling the sources apart imports none
# of them: each home is imported with the first event of its own (see Source).


def _is_cloudfront(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    records = event.get("Records")
    return isinstance(records, list) and bool(records) and _is_mapping(records[0]) and "cf" in records[0]


def _is_alb(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    return "elb" in request_context


def _is_websocket(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    return "eventType" in request_context or "connectionId" in request_context


def _is_function_url(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    domain = request_context.get("domainName")
    return event.get("version") == "2.0" and isinstance(domain, str) and ".lambda-url." in domain


def _is_payload_v2(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    return event.get("version") == "2.0"  # a Function URL's events were matched before


def _is_rest(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    return "httpMethod" in event  # checked after every other source


CLOUDFRONT = HttpSource(
    name="cloudfront",
    model="mangum.events.cloudfront:CloudFrontEvent",
    detection="Records[0].cf",
    matches=_is_cloudfront,
    sample_names=("cloudfront",),
)
ALB = HttpSource(
    name="alb",
    model="mangum.events.alb:AlbEvent",
    detection="requestContext.elb",
    matches=_is_alb,
    sample_names=("alb", "alb-multi"),
)
WEBSOCKET = WebSocketSource(
    name="websocket",
    model="mangum.events.websocket:WebSocketEvent",
    detection="requestContext.eventType/connectionId",
    matches=_is_websocket,
    sample_names=("websocket-connect", "websocket-message", "websocket-disconnect"),
)
FUNCTION_URL = HttpSource(
    name="function_url",
    model="mangum.events.api_gateway_v2:FunctionUrlEvent",
    detection="version 2.0 and a .lambda-url. domain",
    matches=_is_function_url,
    sample_names=("function-url",),
)
API_GATEWAY_V2 = HttpSource(
    name="api_gateway_v2",
    model="mangum.events.api_gateway_v2:ApiGatewayV2Event",
    detection="version 2.0",
    matches=_is_payload_v2,
    sample_names=("http",),
)
API_GATEWAY_V1 = HttpSource(
    name="api_gateway_v1",
    model="mangum.events.api_gateway_v1:ApiGatewayV1Event",
    detection="httpMethod",
    matches=_is_rest,
    sample_names=("rest",),
)

SOURCES: tuple[HttpSource | WebSocketSource, ...] = (
    CLOUDFRONT,
    ALB,
    WEBSOCKET,
    FUNCTION_URL,
    API_GATEWAY_V2,
    API_GATEWAY_V1,
)
"""Every source, in the order detection tries them."""

_DETECTORS = tuple((source.matches, source) for source in SOURCES)

BY_NAME: Mapping[SourceName, HttpSource | WebSocketSource] = MappingProxyType(
    {source.name: source for source in SOURCES}
)

DETECTION_ORDER: tuple[str, ...] = tuple(
    f"{source.model.rpartition(':')[2]} ({source.detection})" for source in SOURCES
)
"""What detection tried, in order, as :class:`~mangum.exceptions.UnsupportedEvent` reports it."""

_NO_CONTEXT: Mapping[str, object] = MappingProxyType({})


def detect(event: object) -> HttpSource | WebSocketSource:
    """The source of an event, by shape alone (see the module docs for the order); raises
    :class:`~mangum.exceptions.UnsupportedEvent` when it is not a JSON object or no source matches."""
    if not _is_mapping(event):
        raise UnsupportedEvent(f"the event is a {type(event).__name__}, not a JSON object", DETECTION_ORDER)
    found = event.get("requestContext")
    context = found if _is_mapping(found) else _NO_CONTEXT
    for matches, source in _DETECTORS:
        if matches(event, context):
            return source
    raise UnsupportedEvent("the event matches no known Lambda event source", DETECTION_ORDER)


SAMPLES: Mapping[str, HttpSource | WebSocketSource] = MappingProxyType(
    {name: source for source in SOURCES for name in source.sample_names}
)
"""Every sample event's name (as ``python -m mangum event`` takes it), with its source."""


def sample_event(
    name: str,
    *,
    method: str = "GET",
    path: str = "/",
    body: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> LambdaEvent:
    """A fresh sample event ``name`` (a key of :data:`SAMPLES`) for ``method`` and ``path`` (which
    may carry a ``?query``), with ``headers`` added. Raises :class:`KeyError` for an unknown name."""
    route, _, query = path.partition("?")
    from mangum._sources.samples import SampleRequest

    request = SampleRequest(
        method=method.upper(), path=route or "/", query=query, body=body, extra_headers=tuple(headers)
    )
    return SAMPLES[name].samples[name](request)
