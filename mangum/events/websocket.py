"""API Gateway WebSocket API events: CONNECT, MESSAGE and DISCONNECT."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from mangum._sources import websocket
from mangum.events._base import AwsModel
from mangum.events._maps import MultiValueMapsEvent
from mangum.events.identity import RestAuthorizer, RestIdentity

if TYPE_CHECKING:
    from mangum._http.request import HeaderPairs, Request
    from mangum._validation.generated.websocket import WebSocketEventDict

WebSocketEventType = Literal["CONNECT", "MESSAGE", "DISCONNECT"]


class WebSocketRequestContext(AwsModel):
    """``requestContext`` of a WebSocket event."""

    route_key: str
    event_type: WebSocketEventType
    connection_id: str
    domain_name: str
    stage: str
    api_id: str | None = None
    message_id: str | None = None
    message_direction: str | None = None
    extended_request_id: str | None = None
    request_id: str | None = None
    request_time: str | None = None
    request_time_epoch: int | None = None
    connected_at: int | None = None
    identity: RestIdentity | None = None
    authorizer: RestAuthorizer | None = None
    disconnect_status_code: int | None = None
    disconnect_reason: str | None = None


class WebSocketShapedEvent(MultiValueMapsEvent):
    """The payload 1.0 layout of WebSocket events and WebSocket ``REQUEST`` authorizer events: the
    handshake's headers and query string, read by the WebSocket source's home."""

    @property
    def _data(self) -> WebSocketEventDict:
        # Both kinds have the WebSocket event's fields (requestContext included).
        return cast("WebSocketEventDict", self._fields)

    def _read_request(self) -> Request:
        return websocket.request(self._data)

    def query_items(self) -> HeaderPairs:
        """Query parameters of the handshake (API Gateway has already decoded them)."""
        return websocket.query_items(self._data)


class WebSocketEvent(WebSocketShapedEvent):
    """One event of an API Gateway WebSocket API.

    CONNECT carries the handshake's headers and query string; MESSAGE carries a frame in ``body``
    (``isBase64Encoded`` for binary frames); DISCONNECT carries the close status code and reason.
    """

    SOURCE: ClassVar[Literal["websocket"]] = "websocket"

    request_context: WebSocketRequestContext

    @property
    def event_type(self) -> WebSocketEventType:
        """CONNECT, MESSAGE or DISCONNECT."""
        return self.request_context.event_type

    @property
    def connection_id(self) -> str:
        """The API Gateway connection id of the client."""
        return self.request_context.connection_id

    @property
    def source_ip(self) -> str | None:
        """The client's address as API Gateway reports it."""
        identity = self.request_context.identity
        return identity.source_ip if identity else None
