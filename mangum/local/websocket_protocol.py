"""uvicorn's WebSocket protocol (``websockets-sansio``) as ``serve`` runs it: a connection that ends
without a close frame reports close code 1006.

uvicorn reports 1005 ("no status received") when the TCP connection of an open WebSocket ends, as
if the client had sent a close frame without a code. RFC 6455 (section 7.1.5) calls a connection
closed without any close frame *abnormal*, code 1006, and API Gateway's ``$disconnect`` says 1006
for a client that went away: a TCP close without a close frame, a reset, an end of stream in the
middle of a frame.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from mangum.local.websocket_gateway import ABNORMAL_CLOSURE


class GatewayWebSocketProtocol(WebSocketsSansIOProtocol):
    """See the module docs."""

    def connection_lost(self, exc: Exception | None) -> None:
        """Report 1006 when no close frame came, then let uvicorn end the connection."""
        if self.handshake_complete and not self.disconnected and self.conn.close_rcvd is None:
            # Ahead of uvicorn's own 1005: the application reads the first disconnect only.
            self.queue.put_nowait({"type": "websocket.disconnect", "code": ABNORMAL_CLOSURE})
        super().connection_lost(exc)
