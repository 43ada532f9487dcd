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

Each entry knows its home (:mod:`mangum._sources` ``.<name>``) by name only, and :func:`home` finds it
there (a cached import): the home is imported with the first event of its source, so a function
imports the homes of the sources it serves, no other. Homes do not register themselves.

What dispatch never runs lives elsewhere, off the cold start: the sample events and the command
lines' names for them (:mod:`mangum._sources.samples`), the WebSocket source's event and the lookup
of its home (:mod:`mangum._sources.websocket`, :mod:`mangum.websocket.cycle`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from importlib import import_module
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, cast

from mangum._http.request import HttpEvent as HttpEvent  # the homes build it; read as the registry's
from mangum._validation.validators import LazyValidator, ValidationError, field_errors
from mangum.exceptions import InvalidEvent, UnsupportedEvent

if TYPE_CHECKING:
    from typing import Literal, Protocol, TypeAlias, TypeGuard, TypeVar

    from mangum._sources.samples import SampleBuilder

    # Type-only: written out at import time, these would cost a cold start (a ``Literal`` alias, a
    # ``TypeVar``, and a ``Protocol`` class about 0.2M instructions each) for nothing at run time.
    SourceName: TypeAlias = Literal[
        "api_gateway_v1", "api_gateway_v2", "function_url", "alb", "cloudfront", "websocket"
    ]
    """The name of each event source (also each model's ``SOURCE`` and its generated module's name)."""

    DataT = TypeVar("DataT")

    class HttpHome(Protocol):
        """What the home of an HTTP source (:mod:`mangum._sources` ``.<name>``) defines at module level:
        the reader of its events. Sample events are not a home's: :mod:`mangum._sources.samples` builds
        them."""

        def read(self, event: Mapping[str, object]) -> HttpEvent:
            """Validate an event of the source and reduce it (raising :class:`InvalidEvent`)."""


# --- what every source's home defines -------------------------------------------------------------
# A source's entry (:class:`Source`), what its home defines, and the lookup that finds the home.


def checked_home(module: ModuleType, source: Source) -> ModuleType:
    """``module`` as the home of ``source``, once it is seen to define every piece: ``read`` for an
    HTTP source. Raises :class:`TypeError` naming what is missing."""
    if isinstance(source, HttpSource) and not callable(getattr(module, "read", None)):
        raise TypeError(f"{module.__name__} defines no read for {source!r}")
    return module


@cache
def home(name: SourceName) -> ModuleType:
    """The home of the source ``name``: :mod:`mangum._sources` ``.<name>``, imported on the first
    call (the first event of that source), checked, and the same module from then on."""
    return checked_home(import_module(f"{__package__}.{name}"), BY_NAME[name])


@cache
def http_home(name: SourceName) -> HttpHome:
    """:func:`home` for the source ``name`` of an :class:`HttpSource`, typed with its ``read``.

    The adapter's hot path calls ``http_home(source.name).read(event)``: two C calls (this cache and
    the module's attribute) and straight into the home, without a frame of the entry's own."""
    # checked_home has seen ``read`` in the home of every HTTP source.
    return cast("HttpHome", home(name))


class Source:
    """A source's entry in the registry (:data:`SOURCES`).

    ``model`` is the ``module:class`` of its event model; ``detection`` says in words what
    ``matches(event, request_context)`` looks for; ``sample_names`` are the names of its sample
    events (:mod:`mangum._sources.samples` builds them; ``python -m mangum event`` prints them).

    Its home, :mod:`mangum._sources` ``.<name>``, is found by name (:func:`home`, a cached import)
    the first time one of its events is read, never before: a function
    pays the import of the sources it sees only. Homes do not register themselves: what serves a
    source is the module of its name. (A plain class, not a dataclass: creating dataclasses is a
    measurable part of a cold start.)
    """

    __slots__ = ("detection", "matches", "model", "name", "sample_names")

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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @property
    def samples(self) -> Mapping[str, SampleBuilder]:
        """The builders of its sample events, by name (importing :mod:`mangum._sources.samples`)."""
        from mangum._sources.samples import SAMPLES

        return {name: SAMPLES[name] for name in self.sample_names}


class HttpSource(Source):
    """A source whose every event carries one HTTP request: ``read`` validates an event and reduces
    it (raising :class:`~mangum.exceptions.InvalidEvent`), through its home's ``read``."""

    __slots__ = ()

    def read(self, event: Mapping[str, object]) -> HttpEvent:
        """The event validated and reduced by the home's ``read`` (importing the home on first use)."""
        return http_home(self.name).read(event)


class WebSocketSource(Source):
    """The API Gateway WebSocket source: its events are read by its home
    (:func:`mangum.websocket.cycle.websocket_home`) and served by the WebSocket cycle
    (:mod:`mangum.websocket.cycle`), which lays its results out with the home's
    :class:`~mangum._http.response.ResponseShape`."""

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
    sample_names=("alb", "alb_multi_value"),
)
WEBSOCKET = WebSocketSource(
    name="websocket",
    model="mangum.events.websocket:WebSocketEvent",
    detection="requestContext.eventType/connectionId",
    matches=_is_websocket,
    sample_names=("websocket_connect", "websocket_message", "websocket_disconnect"),
)
FUNCTION_URL = HttpSource(
    name="function_url",
    model="mangum.events.api_gateway_v2:FunctionUrlEvent",
    detection="version 2.0 and a .lambda-url. domain",
    matches=_is_function_url,
    sample_names=("function_url",),
)
API_GATEWAY_V2 = HttpSource(
    name="api_gateway_v2",
    model="mangum.events.api_gateway_v2:ApiGatewayV2Event",
    detection="version 2.0",
    matches=_is_payload_v2,
    sample_names=("api_gateway_v2",),
)
API_GATEWAY_V1 = HttpSource(
    name="api_gateway_v1",
    model="mangum.events.api_gateway_v1:ApiGatewayV1Event",
    detection="httpMethod",
    matches=_is_rest,
    sample_names=("api_gateway_v1",),
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
    # _is_mapping written out (a call costs about 0.7K instructions): dicts first.
    if type(event) is not dict and not isinstance(event, Mapping):
        raise UnsupportedEvent(f"the event is a {type(event).__name__}, not a JSON object", DETECTION_ORDER)
    found = event.get("requestContext")
    context = found if type(found) is dict or isinstance(found, Mapping) else _NO_CONTEXT
    # The sources' own tests, in their order, each behind the one key it cannot match without:
    # a call per source tried cost about 1.2K instructions each, 6K on an HTTP API event.
    if "Records" in event and _is_cloudfront(event, context):
        return CLOUDFRONT
    if "elb" in context:
        return ALB
    if "eventType" in context or "connectionId" in context:
        return WEBSOCKET
    if event.get("version") == "2.0":  # _is_payload_v2
        return FUNCTION_URL if _is_function_url(event, context) else API_GATEWAY_V2
    if "httpMethod" in event:
        return API_GATEWAY_V1
    raise UnsupportedEvent("the event matches no known Lambda event source", DETECTION_ORDER)


SAMPLES: Mapping[str, HttpSource | WebSocketSource] = MappingProxyType(
    {name: source for source in SOURCES for name in source.sample_names}
)
"""Every sample event's name (as ``python -m mangum event`` takes it), with its source."""
