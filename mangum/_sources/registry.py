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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeGuard

from mangum._sources import alb, api_gateway_v1, api_gateway_v2, cloudfront, function_url, websocket
from mangum._sources.contract import HttpSource, SourceName, WebSocketSource
from mangum._sources.samples import SampleRequest
from mangum.exceptions import UnsupportedEvent

if TYPE_CHECKING:
    from mangum.types import LambdaEvent

SOURCES: tuple[HttpSource | WebSocketSource, ...] = (
    cloudfront.SOURCE,
    alb.SOURCE,
    websocket.SOURCE,
    function_url.SOURCE,
    api_gateway_v2.SOURCE,
    api_gateway_v1.SOURCE,
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


def _is_mapping(value: object) -> TypeGuard[Mapping[str, object]]:
    # Lambda hands over plain dicts: test for dict first, the much slower ABC check only otherwise.
    return type(value) is dict or isinstance(value, Mapping)


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
    {name: source for source in SOURCES for name in source.samples}
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
    request = SampleRequest(
        method=method.upper(), path=route or "/", query=query, body=body, extra_headers=tuple(headers)
    )
    return SAMPLES[name].samples[name](request)
