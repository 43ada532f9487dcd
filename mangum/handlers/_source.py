"""PyPI mangum's handler classes: custom handlers of the built-in sources, and the choice between
them and the custom handlers that ``Mangum.infer`` makes (:func:`infer_handler`).

Each class serves the events of some of the sources in :mod:`mangum._sources` with exactly the code
the adapter runs for them: detection, validation and reduction by the source's home, the scope
builder, the body decoder and the result layout. Only the shape is PyPI mangum's: ``infer``,
``__init__(event, context, config)``, ``body``, ``scope`` and ``__call__(response)``, so that a
subclass of ``APIGateway`` written for it, given in ``custom_handlers``, keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast

from mangum._http.request import request_body
from mangum._http.response import result_or_error
from mangum._http.scope import http_scope
from mangum._sources.registry import HttpSource, detect
from mangum.exceptions import UnsupportedEvent
from mangum.handlers._custom import collected_response, settings_of

if TYPE_CHECKING:
    from mangum._sources.registry import HttpEvent, SourceName
    from mangum.config import Config
    from mangum.types import LambdaConfig, LambdaContext, LambdaEvent, LambdaHandler, Response, Scope


def detected_source(event: LambdaEvent) -> SourceName | None:
    """The name of the source ``event`` comes from, by shape alone; ``None`` for none."""
    try:
        return detect(event).name
    except UnsupportedEvent:
        return None


class SourceHandler:
    """A handler, in PyPI mangum's shape, of the events of :attr:`SOURCES`.

    ``event``, ``context`` and ``config`` (PyPI mangum's ``LambdaConfig`` dict) are kept as given.
    The event is validated on first use of ``scope`` or ``body``: an event of the right shape with
    a field missing raises :class:`~mangum.exceptions.InvalidEvent`.
    """

    SOURCES: ClassVar[frozenset[SourceName]] = frozenset()
    """The sources (:data:`mangum._sources.registry.SourceName`) whose events this class takes."""

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        """Whether ``event`` comes from one of :attr:`SOURCES` (detected as the adapter does)."""
        return detected_source(event) in cls.SOURCES

    def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None:
        self.event = event
        self.context = context
        self.config = config

    @cached_property
    def _http_event(self) -> HttpEvent:
        source = detect(self.event)
        if not isinstance(source, HttpSource) or source.name not in self.SOURCES:
            raise UnsupportedEvent(
                f"{type(self).__name__} does not take {source.name} events", (source.name,)
            )
        return source.read(self.event)

    @cached_property
    def _settings(self) -> Config:
        return settings_of(self.config)

    @property
    def body(self) -> bytes:
        """The request body, base64-decoded when the event says so; raises
        :class:`~mangum.exceptions.InvalidBody` when it is flagged base64 but is not."""
        return request_body(self._http_event.request)

    @property
    def scope(self) -> Scope:
        """The ASGI HTTP scope of the request, as the adapter builds it (a new dict each time)."""
        scope = http_scope(self._http_event.request, self.event, self.context, self._settings)
        # The TypedDict is the open Scope mapping PyPI mangum's handlers return.
        return cast("Scope", scope)

    def __call__(self, response: Response) -> dict[str, Any]:
        """The Lambda result for the app's ``response``, in the layout of the event's source (a
        plain-text 500 when it cannot be returned, as the adapter answers)."""
        http_event = self._http_event
        return result_or_error(
            http_event.response, http_event.limit, collected_response(response), self._settings
        )


class ALB(SourceHandler):
    """ALB events, with or without multi-value headers (the result follows the event's mode)."""

    SOURCES = frozenset({"alb"})


class APIGateway(SourceHandler):
    """REST API events, and HTTP API events of payload format 1.0 (they share its layout)."""

    SOURCES = frozenset({"api_gateway_v1"})


class HTTPGateway(SourceHandler):
    """HTTP API events (payload formats 2.0 and 1.0) and Function URL events: the events that carry
    a ``version``, as PyPI mangum tells them."""

    SOURCES = frozenset({"api_gateway_v2", "function_url", "api_gateway_v1"})

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        """Whether ``event`` is a payload 2.0 event, or a payload 1.0 event with a ``version``."""
        return "version" in event and detected_source(event) in cls.SOURCES


class LambdaAtEdge(SourceHandler):
    """CloudFront viewer-request and origin-request events."""

    SOURCES = frozenset({"cloudfront"})


HANDLERS: list[type[LambdaHandler]] = [ALB, HTTPGateway, APIGateway, LambdaAtEdge]
"""The handler classes in PyPI mangum's order of inference."""


def infer_handler(
    custom_handlers: Sequence[type[LambdaHandler]],
    event: LambdaEvent,
    context: LambdaContext,
    config: LambdaConfig,
) -> LambdaHandler:
    """The handler object PyPI mangum would serve ``event`` with: the first of ``custom_handlers``
    whose ``infer`` takes it, else one of :mod:`mangum.handlers` (``Mangum.infer``). Raises
    :class:`~mangum.exceptions.UnsupportedEvent` when none takes the event."""
    classes = (*custom_handlers, *HANDLERS)
    for handler_class in classes:
        if handler_class.infer(event, context, config):
            return handler_class(event, context, config)
    raise UnsupportedEvent("no handler infers the event", tuple(cls.__name__ for cls in classes))
