"""What a container keeps between WebSocket invocations: settings, the store and Management APIs.

The adapter builds one :class:`WebSocketRuntime` on the first WebSocket event its container gets
(this is the import that loads boto3) and hands it to every later one: it is the
``connections_factory`` of :func:`mangum.websocket.cycle.run_websocket_event`. Per invocation it
only binds the shared store and the endpoint's Management API to the event's connection id.
"""

from __future__ import annotations

from mangum.events.websocket import WebSocketEvent
from mangum.websocket.api import WebSocketConnections
from mangum.websocket.management import ManagementApi
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores import open_store


class WebSocketRuntime:
    """The connections of one table and its APIs, for every WebSocket event of a container.

    Calling it with an event gives the :class:`WebSocketConnections` bound to that event's
    connection, posting through the Management API of the event's domain and stage (or the
    configured ``api_endpoint``). boto3 clients are shared process-wide (:mod:`mangum.websocket.aws`).
    """

    def __init__(self, settings: WebSocketSettings) -> None:
        self.settings = settings
        self.store = open_store(settings)
        self._management: dict[str, ManagementApi] = {}

    def management(self, domain_name: str, stage: str) -> ManagementApi:
        """The Management API of an API's domain and stage (one object per endpoint, kept)."""
        endpoint = self.settings.management_endpoint(domain_name, stage)
        api = self._management.get(endpoint)
        if api is None:
            # Two threads racing here build two wrappers of the same cached client: harmless.
            api = self._management[endpoint] = ManagementApi.for_endpoint(self.settings, endpoint)
        return api

    def __call__(self, event: WebSocketEvent) -> WebSocketConnections:
        """The connections API bound to the event's connection."""
        context = event.request_context
        return WebSocketConnections(
            self.store, self.management(context.domain_name, context.stage), event.connection_id
        )
