"""``Mangum``: the Lambda handler that runs an ASGI application for every HTTP and WebSocket source.

Everything that can be done once per container is done in ``__init__`` (validating the
configuration, finding the application's lifespan); a call only dispatches, every HTTP invocation
the same way (docs/structure.md):

``detect`` (:mod:`mangum._sources.registry`) → the source's home ``read`` → :func:`~mangum._asgi.exchange`
with the invocation's target (:class:`~mangum._asgi.Buffered`, or the streamed
:class:`~mangum.streaming.response.HttpStream`) → the result in the home's layout
(:func:`~mangum._http.response.result_or_error`).

Nothing imported here imports pydantic: events and results are validated by the validators
generated from the models (:mod:`mangum._validation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mangum._asgi import Buffered, exchange
from mangum._http.response import result_or_error
from mangum._http.scope import http_scope
from mangum._sources.registry import HttpSource, detect, http_home
from mangum.config import build_config, resolve_invoke_mode, snapstart_on
from mangum.deadline import Deadline
from mangum.exceptions import ConfigurationError, UnsupportedEvent

if TYPE_CHECKING:
    from mangum._asgi import Invocation
    from mangum._asgi.lifespan import Lifespan
    from mangum._event_handlers import EventHandlers
    from mangum._http.request import HttpEvent
    from mangum.config import InvokeMode, LifespanMode
    from mangum.events.typed_handlers import EventHandler
    from mangum.handlers import DEFAULT_TEXT_MIME_TYPES as DEFAULT_TEXT_MIME_TYPES
    from mangum.streaming import ResponseSink
    from mangum.types import ASGI, LambdaConfig, LambdaContext, LambdaEvent, LambdaHandler
    from mangum.websocket.runtime import WebSocketRuntime
    from mangum.websocket.settings import WebSocketSettings


def __getattr__(name: str) -> object:
    # PyPI mangum's HANDLERS and DEFAULT_TEXT_MIME_TYPES, from the compatibility package
    # (mangum.handlers) on first use: no cold start pays for them.
    if name in ("HANDLERS", "DEFAULT_TEXT_MIME_TYPES"):
        import mangum.handlers

        return getattr(mangum.handlers, name)
    if name == "LifespanMode":  # PyPI mangum's adapter module has it and its logger too
        import mangum.types

        return mangum.types.LifespanMode
    if name == "logger":
        import logging

        return logging.getLogger("mangum")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Mangum:
    """The Lambda handler for an ASGI application: ``handler = Mangum(app)``.

    Arguments (all validated here; a bad value raises :class:`~mangum.exceptions.ConfigurationError`
    naming it):

    - ``lifespan``: ``"auto"`` (default) runs the app's lifespan once per container if it supports
      it; ``"on"`` requires it; ``"off"`` never runs it. With SnapStart it runs before the snapshot
      (:mod:`mangum.snapstart`).
    - ``api_gateway_base_path``: a path prefix moved from ``path`` into ``root_path``.
    - ``custom_handlers``: handler classes for other event sources, asked first
      (:mod:`mangum.handlers._custom`).
    - ``text_mime_types``: content types sent as text, added to the defaults.
    - ``exclude_headers``: response headers never returned.
    - ``enable_lifespan``: ``False`` is ``lifespan="off"``.
    - ``websocket``: where WebSocket connections are kept
      (:func:`~mangum.websocket.websocket_settings`); by default read from the environment on the
      first WebSocket event (``MANGUM_WEBSOCKET_TABLE``, ...).
    - ``event_handlers``: :func:`~mangum.events.typed_handler` functions for events no source
      recognizes (warm-up pings, schedules, SQS...), tried in order (:mod:`mangum._event_handlers`).
    - ``invoke_mode``: ``"BUFFERED"`` or ``"RESPONSE_STREAM"`` (Function URL and REST API answers
      streamed by :meth:`stream`); by default ``$MANGUM_INVOKE_MODE``, else ``"BUFFERED"``.
    - ``deadline_margin``: seconds kept back from Lambda's remaining time; an app still running
      then is cancelled, or interrupted, and the request answered 504 (:mod:`mangum.deadline`); by
      default ``$MANGUM_DEADLINE_MARGIN_MS`` milliseconds, else 0.5 s.
    - ``websocket_path``: the path the app sees for WebSocket connections (``"/"`` by default: an
      API Gateway WebSocket API has no request path); ``"/ws"`` serves an app whose route is
      ``@app.websocket("/ws")`` unchanged.
    """

    def __init__(
        self,
        app: ASGI,
        lifespan: LifespanMode = "auto",
        api_gateway_base_path: str | None = None,
        custom_handlers: Sequence[type[LambdaHandler]] | None = None,
        text_mime_types: Iterable[str] | None = None,
        exclude_headers: Iterable[str] | None = None,
        *,
        enable_lifespan: bool = True,
        websocket: WebSocketSettings | None = None,
        event_handlers: Sequence[EventHandler] | None = None,
        invoke_mode: InvokeMode | None = None,
        deadline_margin: float | None = None,
        websocket_path: str = "/",
    ) -> None:
        if not callable(app):
            raise ConfigurationError(
                f"app must be an ASGI application (a callable), not {type(app).__name__}"
            )
        if isinstance(app, Mangum):
            raise ConfigurationError(
                "app is a Mangum handler already, not an ASGI application: wrap the app once, Mangum(app)"
            )
        self.app = app
        self.config = build_config(
            lifespan=lifespan,
            enable_lifespan=enable_lifespan,
            api_gateway_base_path=api_gateway_base_path,
            text_mime_types=text_mime_types,
            exclude_headers=exclude_headers,
            deadline_margin=deadline_margin,
            websocket_path=websocket_path,
        )
        self.custom_handlers: tuple[type[LambdaHandler], ...] = ()
        if custom_handlers is not None:
            # Imported only by functions that have custom handlers: the others never need it.
            from mangum.handlers._custom import checked_custom_handlers

            self.custom_handlers = checked_custom_handlers(custom_handlers)
        self._lifespan: Lifespan | None = None
        if self.config.lifespan != "off":
            # Imported only by functions that run a lifespan: with lifespan="off" it is never needed.
            from mangum._asgi.lifespan import lifespan_for

            self._lifespan = lifespan_for(app)
        self._lifespan_required = self.config.lifespan == "on"
        # Chosen once per container: an app without a lifespan has no state to look up per call.
        self._state_source = None if self._lifespan is None else self._lifespan_state
        if websocket is not None:
            from mangum.websocket.settings import WebSocketSettings

            if not isinstance(websocket, WebSocketSettings):
                raise ConfigurationError(
                    "websocket must be WebSocketSettings (mangum.websocket.websocket_settings(...)), "
                    f"not {type(websocket).__name__}"
                )
        self._websocket_settings = websocket
        self._websocket_runtime: WebSocketRuntime | None = None
        self._event_handlers: EventHandlers | None = None
        if event_handlers is not None:
            # Imported only by functions that have event handlers: the others never need it.
            from mangum._event_handlers import EventHandlers

            self._event_handlers = EventHandlers(event_handlers)
        self.invoke_mode = resolve_invoke_mode(invoke_mode)
        if snapstart_on():
            # Only with SnapStart: the lifespan then starts before the snapshot (docs/snapstart.md).
            from mangum._snapstart import prepare

            prepare(self._lifespan, self._lifespan_required, self.config)

    @property
    def lifespan(self) -> LifespanMode:
        """The lifespan mode, ``"auto"``, ``"on"`` or ``"off"`` (PyPI mangum's attribute)."""
        return self.config.lifespan

    @cached_property
    def _legacy_config(self) -> LambdaConfig:
        """PyPI mangum's config dict, as custom handlers are given it (built when first asked)."""
        from mangum.handlers._custom import legacy_config

        return legacy_config(self.config)

    def infer(self, event: LambdaEvent, context: LambdaContext) -> LambdaHandler:
        """The handler object PyPI mangum would serve ``event`` with: the first custom handler whose
        ``infer`` takes it, else one of :mod:`mangum.handlers`. Calling the adapter does not use
        it; raises :class:`~mangum.exceptions.UnsupportedEvent` when none takes the event."""
        from mangum.handlers._source import infer_handler

        return infer_handler(self.custom_handlers, event, context, self._legacy_config)

    def __call__(self, event: LambdaEvent, context: LambdaContext) -> dict[str, Any]:
        """Handle one Lambda invocation and return its result.

        Raises :class:`~mangum.exceptions.UnsupportedEvent` or
        :class:`~mangum.exceptions.InvalidEvent` for an event no custom handler takes, no source
        matches and no event handler accepts, :class:`~mangum.exceptions.LifespanFailure` when the
        app's lifespan startup failed (as PyPI mangum does), and, with ``lifespan="on"``,
        :class:`~mangum.exceptions.LifespanUnsupported`. Application errors give a 500 instead.
        """
        for handler_class in self.custom_handlers:
            if handler_class.infer(event, context, self._legacy_config):
                return self._serve_custom(handler_class(event, context, self._legacy_config), context)
        try:
            source = detect(event)
        except UnsupportedEvent as unsupported:
            if self._event_handlers is None:
                raise
            return self._event_handlers.serve(event, context, unsupported)
        if isinstance(source, HttpSource):
            http_event = http_home(source.name).read(event)
            answer = Buffered(context, self.config.deadline_margin)
            self._exchange(http_event, event, context, answer)
            return result_or_error(http_event.response, http_event.limit, answer.response, self.config)
        return self._serve_websocket(event, context)

    def stream(
        self, event: LambdaEvent, context: LambdaContext, sink: ResponseSink
    ) -> dict[str, object] | None:
        """Handle one invocation, writing the answer to ``sink`` as the app produces it when it can
        be streamed (``invoke_mode="RESPONSE_STREAM"`` and a Function URL or REST API event); returns
        ``None`` then. Any other invocation is handled as by calling the adapter, and its result
        returned for the runtime to post buffered. :mod:`mangum.runtime` calls this.
        """
        if self.invoke_mode == "RESPONSE_STREAM" and not any(
            handler.infer(event, context, self._legacy_config) for handler in self.custom_handlers
        ):
            from mangum.streaming.response import stream_http

            if stream_http(event, context, sink, self.config, self._exchange):
                return None
        return self(event, context)

    def _exchange(
        self, http_event: HttpEvent, event: LambdaEvent, context: LambdaContext, answer: Invocation[Any]
    ) -> None:
        """Run the app on a read HTTP event, its answer to ``answer`` (buffered or streamed)."""
        scope = http_scope(http_event, event, context, self.config)
        exchange(self.app, scope, http_event, answer, self._state_source)

    def _lifespan_state(self, context: LambdaContext | None) -> dict[str, Any] | None:
        """The request's ``state``; raises :class:`LifespanFailure` after a failed startup, in every
        mode, and :class:`LifespanUnsupported` with ``lifespan="on"`` when the app has no lifespan."""
        lifespan = self._lifespan
        if lifespan is None:
            return None
        if not lifespan.started:
            # Startup runs the first time, and again after a failure once its backoff has passed,
            # held to the invocation's deadline.
            from mangum._asgi.lifespan import start  # imported with the lifespan, in __init__

            start(lifespan, Deadline.for_invocation(context, self.config.deadline_margin))
        return lifespan.request_state(required=self._lifespan_required)

    def _serve_custom(self, handler: LambdaHandler, context: LambdaContext) -> dict[str, Any]:
        answer = Buffered(context, self.config.deadline_margin)
        exchange(self.app, handler.scope, handler.body, answer, self._state_source)
        from mangum.handlers._custom import pypi_response  # imported with the custom handlers

        return handler(pypi_response(answer.response))

    # --- WebSocket dispatch point ---------------------------------------------------------------
    # WebSocket events are served by mangum.websocket.cycle (serve_websocket_event), imported here on
    # the first WebSocket event and nowhere else: it needs boto3, which only WebSocket users
    # install. The container's WebSocketRuntime (settings, store, Management API clients) is built
    # then too, and kept.
    def _serve_websocket(self, event: LambdaEvent, context: LambdaContext) -> dict[str, Any]:
        runtime = self._websocket_runtime
        try:
            from mangum.websocket.cycle import serve_websocket_event

            if runtime is None:
                from mangum.websocket.runtime import WebSocketRuntime
                from mangum.websocket.settings import websocket_settings

                settings = self._websocket_settings or websocket_settings()
                runtime = self._websocket_runtime = WebSocketRuntime(settings)
        except ModuleNotFoundError as error:
            if error.name is not None and error.name.split(".")[0] in {"boto3", "botocore"}:
                raise ConfigurationError("WebSocket events need boto3: pip install 'mangum[full]'") from None
            raise
        return serve_websocket_event(self.app, event, context, self.config, self._lifespan_state, runtime)
