"""``Mangum``: the Lambda handler that runs an ASGI application for every HTTP event source.

Everything that can be done once per container is done in ``__init__`` (validating the
configuration, finding the application's lifespan); a call only wires the pure conversion
functions to the asynchronous core:

``parse_event`` → ``build_http_scope`` → the body → the lifespan state → ``run_http_cycle`` →
``build_response`` → ``to_lambda()``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from mangum.asgi import loop
from mangum.asgi.http_cycle import internal_server_error, run_http_cycle
from mangum.asgi.lifespan import Lifespan, lifespan_for, start
from mangum.config import LifespanMode, build_config
from mangum.custom import LambdaHandler, checked_handlers, handler_response, legacy_config
from mangum.events.parse import parse_event
from mangum.events.source_checks import is_websocket
from mangum.exceptions import (
    ConfigurationError,
    InvalidBody,
    InvalidResponse,
    LifespanFailure,
    ResponseTooLarge,
)
from mangum.http.response import build_response, error_response
from mangum.http.scope import build_http_scope
from mangum.responses import WebSocketResponse
from mangum.types import ASGI, LambdaContext, LambdaEvent

if TYPE_CHECKING:
    from mangum.events.sources import LambdaHttpEvent
    from mangum.events.websocket import WebSocketEvent
    from mangum.websocket.runtime import WebSocketRuntime
    from mangum.websocket.settings import WebSocketSettings

logger = logging.getLogger("mangum")


class Mangum:
    """The Lambda handler for an ASGI application: ``handler = Mangum(app)``.

    Arguments (all validated here; a bad value raises :class:`~mangum.exceptions.ConfigurationError`
    naming it):

    - ``lifespan``: ``"auto"`` (default) runs the app's lifespan once per container if it supports
      it; ``"on"`` requires it; ``"off"`` never runs it.
    - ``api_gateway_base_path``: a path prefix moved from ``path`` into ``root_path``.
    - ``custom_handlers``: handler classes for other event sources, asked first (:mod:`mangum.custom`).
    - ``text_mime_types``: content types sent as text, added to the defaults.
    - ``exclude_headers``: response headers never returned.
    - ``enable_lifespan``: ``False`` is ``lifespan="off"``.
    - ``websocket``: where WebSocket connections are kept
      (:func:`~mangum.websocket.websocket_settings`); by default read from the environment on the
      first WebSocket event (``MANGUM_WEBSOCKET_TABLE``, ...).
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
    ) -> None:
        if not callable(app):
            raise ConfigurationError(
                f"app must be an ASGI application (a callable), not {type(app).__name__}"
            )
        self.app = app
        self.config = build_config(
            lifespan=lifespan,
            enable_lifespan=enable_lifespan,
            api_gateway_base_path=api_gateway_base_path,
            text_mime_types=text_mime_types,
            exclude_headers=exclude_headers,
        )
        self.custom_handlers = checked_handlers(custom_handlers)
        self._legacy_config = legacy_config(self.config)
        self._lifespan: Lifespan | None = None if self.config.lifespan == "off" else lifespan_for(app)
        self._lifespan_required = self.config.lifespan == "on"
        if websocket is not None:
            from mangum.websocket.settings import WebSocketSettings

            if not isinstance(websocket, WebSocketSettings):
                raise ConfigurationError(
                    "websocket must be WebSocketSettings (mangum.websocket.websocket_settings(...)), "
                    f"not {type(websocket).__name__}"
                )
        self._websocket_settings = websocket
        self._websocket_runtime: WebSocketRuntime | None = None

    def __call__(self, event: LambdaEvent, context: LambdaContext) -> dict[str, object]:
        """Handle one Lambda invocation and return its result.

        Raises :class:`~mangum.exceptions.UnsupportedEvent` or
        :class:`~mangum.exceptions.InvalidEvent` for an event no custom handler takes and no
        source matches, and, with ``lifespan="on"``, :class:`~mangum.exceptions.LifespanFailure` or
        :class:`~mangum.exceptions.LifespanUnsupported`. Application errors give a 500 instead.
        """
        for handler_class in self.custom_handlers:
            if handler_class.infer(event, context, self._legacy_config):
                return self._serve_custom(handler_class(event, context, self._legacy_config))
        model = parse_event(event)
        if is_websocket(model):
            return self._serve_websocket(model, event, context)
        return self._serve_http(model, event, context)

    def _lifespan_state(self) -> dict[str, Any] | None:
        """The request's ``state``; raises :class:`LifespanFailure` after a failed startup."""
        lifespan = self._lifespan
        if lifespan is None:
            return None
        start(lifespan)  # runs startup the first time, and again after a failure once its backoff passed
        return lifespan.request_state(required=self._lifespan_required)

    def _serve_http(
        self, model: LambdaHttpEvent, event: LambdaEvent, context: LambdaContext
    ) -> dict[str, object]:
        scope = build_http_scope(model, event, context, self.config)
        try:
            body = model.body_bytes()
        except InvalidBody as error:
            logger.warning("Bad request: %s", error)
            return error_response(model, 400, "Bad Request", self.config).to_lambda()
        try:
            state = self._lifespan_state()
        except LifespanFailure:
            if self._lifespan_required:
                raise
            return error_response(model, 500, "Internal Server Error", self.config).to_lambda()
        if state is not None:
            scope["state"] = state
        collected = loop.run(run_http_cycle(self.app, scope, body))
        try:
            response = build_response(model, collected, self.config)
        except (ResponseTooLarge, InvalidResponse) as error:
            logger.error("The application's response cannot be returned to Lambda: %s", error)
            response = error_response(model, 500, "Internal Server Error", self.config)
        return response.to_lambda()

    def _serve_custom(self, handler: LambdaHandler) -> dict[str, object]:
        scope = handler.scope
        try:
            state = self._lifespan_state()
        except LifespanFailure:
            if self._lifespan_required:
                raise
            return handler(handler_response(internal_server_error()))
        if state is not None:
            scope["state"] = state
        collected = loop.run(run_http_cycle(self.app, scope, handler.body))
        return handler(handler_response(collected))

    # --- WebSocket dispatch point ---------------------------------------------------------------
    # WebSocket events are served by mangum.websocket.cycle, imported here on the first WebSocket
    # event and nowhere else: it needs boto3, which only WebSocket users install. The container's
    # WebSocketRuntime (settings, store, Management API clients) is built then too, and kept.
    def _serve_websocket(
        self, model: WebSocketEvent, event: LambdaEvent, context: LambdaContext
    ) -> dict[str, object]:
        runtime = self._websocket_runtime
        try:
            from mangum.websocket.cycle import run_websocket_event

            if runtime is None:
                from mangum.websocket.runtime import WebSocketRuntime
                from mangum.websocket.settings import websocket_settings

                settings = self._websocket_settings or websocket_settings()
                runtime = self._websocket_runtime = WebSocketRuntime(settings)
        except ModuleNotFoundError as error:
            if error.name is not None and error.name.split(".")[0] in {"boto3", "botocore"}:
                raise ConfigurationError("WebSocket events need boto3: pip install 'mangum[full]'") from None
            raise
        try:
            state = self._lifespan_state()
        except LifespanFailure:
            if self._lifespan_required:
                raise
            return WebSocketResponse(status_code=500, body="Internal Server Error").to_lambda()
        cycle = run_websocket_event(self.app, model, event, context, self.config, state, runtime)
        return loop.run(cycle).to_lambda()
