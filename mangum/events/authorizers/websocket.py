"""WebSocket API ``REQUEST`` authorizer events, sent on ``$connect``: the handshake in the payload
1.0 layout, whose base they share with WebSocket events, and the connection's ``requestContext``."""

from __future__ import annotations

from typing import Literal

from mangum.events.authorizers import MethodArn
from mangum.events.websocket import WebSocketRequestContext, WebSocketShapedEvent


class WebSocketAuthorizerRequestContext(WebSocketRequestContext):
    """``requestContext`` of a WebSocket authorizer's event: always the ``$connect`` route."""

    event_type: Literal["CONNECT"]


class WebSocketAuthorizerEvent(WebSocketShapedEvent):
    """A WebSocket API ``REQUEST`` authorizer's event on ``$connect``: the handshake's headers and
    query string, stage variables and the connection's ``requestContext``; ``methodArn`` ends with
    the route key (``.../production/$connect``) instead of a method and path."""

    type: Literal["REQUEST"]
    method_arn: str
    request_context: WebSocketAuthorizerRequestContext
    stage_variables: dict[str, str] | None = None

    @property
    def arn(self) -> MethodArn:
        """``methodArn`` split into its parts; raises :class:`~mangum.exceptions.InvalidArn`."""
        return MethodArn.parse(self.method_arn)

    @property
    def connection_id(self) -> str:
        """The connection being authorized."""
        return self.request_context.connection_id
