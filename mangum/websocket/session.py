"""The ``receive`` / ``send`` pair one WebSocket invocation hands to the app, and what came of it.

The app gets ``websocket.connect`` first on every event. On MESSAGE and DISCONNECT that is a
*replay*: the connection was accepted long ago, so the app's ``websocket.accept`` (and any frame it
sends before it has received the event's own message) is absorbed. Then comes the event's message:
``websocket.receive`` on MESSAGE (only once the app accepted again), ``websocket.disconnect`` on
DISCONNECT. When the app asks for one more message, the invocation has nothing left to give:
:attr:`Session.waiting` is resolved and the cycle cancels the app.

What ``send`` does with each message:

- ``websocket.accept``: on CONNECT the connection record is written (conditional put) before the
  call returns, so the app may join groups at once; elsewhere absorbed.
- ``websocket.send``: posted to the caller through the Management API on MESSAGE. On CONNECT it
  is dropped with a warning: API Gateway opens the connection only once ``$connect`` has answered,
  so nothing can reach the client yet. A 410 Gone removes the record and raises
  :class:`~mangum.websocket.errors.ClientDisconnected` (an ``OSError``, as ASGI 2.4 asks), as does
  any send after a close or after ``websocket.disconnect``.
- ``websocket.close``: on CONNECT refuses the connection (403; a record already written is
  deleted); on MESSAGE closes it through the Management API and deletes the record; on DISCONNECT
  there is nothing left to close.
- ``websocket.http.response.start`` / ``.body`` (the denial extension): on CONNECT, the status,
  headers and body of the refusal; elsewhere the app refuses a connection it accepted before, which
  closes it as ``websocket.close`` does.

Store and Management API failures, and messages the protocol does not allow, are raised into the
app and kept in :attr:`Session.failure`: the invocation answers 500 even if the app catches them.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections import deque

from mangum._http.response import CollectedResponse
from mangum.events.websocket import WebSocketEvent
from mangum.exceptions import UnexpectedMessage
from mangum.types import Message
from mangum.websocket.api import WebSocketConnections
from mangum.websocket.errors import (
    ClientDisconnected,
    ConnectionExists,
    ConnectionGone,
    ManagementApiError,
    StoreError,
)
from mangum.websocket.record import ConnectionRecord

logger = logging.getLogger("mangum.websocket")

CONNECT_MESSAGE: Message = {"type": "websocket.connect"}
NORMAL_CLOSURE = 1000


class Handshake(enum.Enum):
    """Where the app is in the (possibly replayed) opening handshake."""

    PENDING = enum.auto()
    ACCEPTED = enum.auto()
    DENYING = enum.auto()
    CLOSED = enum.auto()


def _frame(message: Message) -> str | bytes:
    text, data = message.get("text"), message.get("bytes")
    if (text is None) == (data is None):
        raise UnexpectedMessage("'websocket.send' needs exactly one of 'text' and 'bytes'")
    if text is not None:
        if not isinstance(text, str):
            raise UnexpectedMessage("'websocket.send' needs a str 'text'")
        return text
    if not isinstance(data, bytes | bytearray | memoryview):
        raise UnexpectedMessage("'websocket.send' needs a bytes 'bytes'")
    return bytes(data)


def _headers(message: Message) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = []
    try:
        for name, value in message.get("headers") or ():
            if not isinstance(name, bytes) or not isinstance(value, bytes):
                raise UnexpectedMessage(f"{message['type']!r} headers must be pairs of bytes")
            headers.append((name, value))
    except (TypeError, ValueError):
        raise UnexpectedMessage(f"{message['type']!r} headers must be (name, value) pairs") from None
    return headers


class Session:
    """One invocation's exchange with the app for ``event``, through ``connections`` (bound to the
    event's connection).

    ``incoming`` is what the event delivers after the replayed connect
    (:func:`mangum._sources.websocket.message`);
    ``None`` on CONNECT, which delivers only ``websocket.connect``.
    """

    def __init__(
        self, event: WebSocketEvent, incoming: Message | None, connections: WebSocketConnections
    ) -> None:
        self.event = event
        self.connections = connections
        self.connection_id = event.connection_id
        self.kind = event.event_type
        self._inbox: deque[Message] = deque([CONNECT_MESSAGE])
        if incoming is not None:
            self._inbox.append(incoming)
        self.replaying = incoming is not None
        self.handshake = Handshake.PENDING
        self.accepted = False
        """Whether the app sent ``websocket.accept`` (it may have closed the connection since)."""
        self.subprotocol: str | None = None
        self.accept_headers: list[tuple[bytes, bytes]] = []
        self.denial: CollectedResponse | None = None
        self.denial_complete = False
        self.recorded = False
        self.gone = False
        self.failure: BaseException | None = None
        self.disconnect_code: int | None = None
        """The close code of the ``websocket.disconnect`` the app was handed, once it was."""
        self.ended = False
        self.waiting: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    # receive

    async def receive(self) -> Message:
        """The next message of this invocation; when there is none the app waits until cancelled."""
        if self.ended:
            raise asyncio.CancelledError()
        if self._inbox and self._deliverable(self._inbox[0]):
            message = self._inbox.popleft()
            if not self._inbox:
                self.replaying = False
            if message["type"] == "websocket.disconnect":
                self.disconnect_code = message["code"]
            return message
        if not self.waiting.done():
            self.waiting.set_result(None)
        never: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        return await never  # the cycle cancels the app instead

    def _deliverable(self, message: Message) -> bool:
        # A frame arrives only on an open connection, as on a real server.
        return message["type"] != "websocket.receive" or self.handshake is Handshake.ACCEPTED

    def end(self) -> None:
        """The invocation is over: later sends are dropped, later receives are cancelled."""
        self.ended = True

    # send

    async def send(self, message: Message) -> None:
        """Act on one message from the app (see the module docs)."""
        if self.ended:
            logger.debug("dropping %r sent after the invocation of %s ended", message.get("type"), self.kind)
            return
        kind = message.get("type")
        try:
            if kind == "websocket.send":
                self._send_frame(message)
            elif kind == "websocket.accept":
                self._accept(message)
            elif kind == "websocket.close":
                self._close(message)
            elif kind == "websocket.http.response.start":
                self._deny(message)
            elif kind == "websocket.http.response.body":
                self._deny_body(message)
            else:
                raise UnexpectedMessage(f"unexpected ASGI message {kind!r} on a websocket connection")
        except (UnexpectedMessage, StoreError, ManagementApiError) as error:
            if self.failure is None:
                self.failure = error
            raise

    def _send_frame(self, message: Message) -> None:
        if self.handshake is Handshake.PENDING or self.handshake is Handshake.DENYING:
            raise UnexpectedMessage("'websocket.send' before 'websocket.accept'")
        data = _frame(message)
        client_left = self.kind == "DISCONNECT" and not self.replaying
        if self.handshake is Handshake.CLOSED or self.gone or client_left:
            raise ClientDisconnected(self.connection_id)
        if self.replaying:
            logger.debug("absorbing a frame sent while %s replays the connect", self.kind)
        elif self.kind == "CONNECT":
            logger.warning(
                "dropping a frame sent during $connect of %s: API Gateway opens the connection only "
                "after $connect answers; send it on the first message instead",
                self.connection_id,
            )
        else:
            self._post(data)

    def _post(self, data: str | bytes) -> None:
        try:
            self.connections.send(self.connection_id, data)  # removes the record on 410 Gone
        except ConnectionGone as gone:
            self.gone = True
            raise ClientDisconnected(self.connection_id) from gone

    def _accept(self, message: Message) -> None:
        if self.handshake is not Handshake.PENDING:
            raise UnexpectedMessage("'websocket.accept' after the handshake was answered")
        subprotocol = message.get("subprotocol")
        if subprotocol is not None and not isinstance(subprotocol, str):
            raise UnexpectedMessage("'websocket.accept' needs a str 'subprotocol'")
        headers = _headers(message)
        if any(name.lower() == b"sec-websocket-protocol" for name, _ in headers):
            raise UnexpectedMessage("'websocket.accept' names its subprotocol in 'subprotocol', not headers")
        if self.kind == "CONNECT":
            record = ConnectionRecord.from_connect_event(self.event, subprotocol)
            try:
                self.connections.store.put_connection(record)
            except ConnectionExists:
                raise
            except StoreError:
                self.recorded = True  # a put that got no answer may still have been applied
                raise
            self.recorded = True
        self.handshake = Handshake.ACCEPTED
        self.accepted = True
        self.subprotocol = subprotocol
        self.accept_headers = headers

    def _close(self, message: Message) -> None:
        code = message.get("code", NORMAL_CLOSURE)
        if type(code) is not int:
            raise UnexpectedMessage("'websocket.close' needs an int 'code'")
        if self.handshake is Handshake.DENYING:
            raise UnexpectedMessage("'websocket.close' while sending a denial response")
        if self.handshake is Handshake.CLOSED or self.gone:
            raise ClientDisconnected(self.connection_id)
        self.handshake = Handshake.CLOSED
        self._close_and_delete_connection()

    def _close_and_delete_connection(self) -> None:
        """The app closed or refused the connection: close it through the Management API (on
        MESSAGE) and delete its record where there is one."""
        if self.kind == "CONNECT":
            if self.recorded:
                self.connections.store.delete_connection(self.connection_id)
                self.recorded = False
        elif self.kind == "MESSAGE":
            # Close first: if deleting then fails, the DISCONNECT that follows deletes the record.
            self.connections.close(self.connection_id)
            self.connections.store.delete_connection(self.connection_id)

    def _deny(self, message: Message) -> None:
        if self.handshake is not Handshake.PENDING:
            raise UnexpectedMessage("'websocket.http.response.start' after the handshake was answered")
        status = message.get("status")
        if type(status) is not int:
            raise UnexpectedMessage("'websocket.http.response.start' needs an int 'status'")
        self.denial = CollectedResponse(status=status, headers=_headers(message))
        self.handshake = Handshake.DENYING
        if self.kind != "CONNECT":
            self._close_and_delete_connection()

    def _deny_body(self, message: Message) -> None:
        if self.handshake is not Handshake.DENYING or self.denial is None:
            raise UnexpectedMessage("'websocket.http.response.body' without a denial response started")
        chunk = message.get("body", b"")
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise UnexpectedMessage("'websocket.http.response.body' needs a bytes 'body'")
        self.denial.body += bytes(chunk)
        if not message.get("more_body", False):
            self.denial_complete = True
            self.handshake = Handshake.CLOSED
