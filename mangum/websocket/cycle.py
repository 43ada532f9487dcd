"""``run_websocket_event``: one API Gateway WebSocket event through an ASGI ``websocket`` app.

Each invocation runs the app's websocket coroutine from the start (see :mod:`.session` for what
the app receives and what its messages do) and ends when the app returns or waits for a message
the event does not carry; then the app is cancelled. What the invocation answers:

=============  ==========================================================================
CONNECT        200 once the app accepted and the record is written (with the
               ``Sec-WebSocket-Protocol`` header of the chosen subprotocol); 403 when it
               closed or never accepted; the denial response's status, headers and body when
               it sent one. On any failure the record is deleted again: nothing is written.
MESSAGE        200; 410 without running the app when the connection has no record.
DISCONNECT     200; the record and the connection's memberships are deleted after the app ran,
               whatever it did; 200 without running the app when there is no record.
any            500 when the app raised, broke the protocol, or a store or Management API
               request failed; the cause is logged on the ``mangum.websocket`` logger.
=============  ==========================================================================

Store and Management API calls block the event loop: Lambda runs one invocation at a time per
container, so there is nothing else for the loop to do meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from pydantic import ValidationError

from mangum._http.response import CollectedResponse, decode_headers, encode_body, joined_headers
from mangum._http.scope import header_bytes
from mangum.config import Config
from mangum.events.parse import parse_event
from mangum.events.websocket import WebSocketEvent
from mangum.exceptions import InvalidBody
from mangum.responses import WebSocketResponse
from mangum.types import ASGI, LambdaContext, LambdaEvent, Message, Scope, WebSocketScope
from mangum.websocket.errors import ClientDisconnected, StoreError
from mangum.websocket.scope import build_websocket_scope
from mangum.websocket.session import Handshake, Session, event_message

if TYPE_CHECKING:
    from mangum.websocket.api import WebSocketConnections

logger = logging.getLogger("mangum.websocket")

ConnectionsFactory: TypeAlias = Callable[[WebSocketEvent], "WebSocketConnections"]
"""Gives the connections API bound to an event's connection: a
:class:`~mangum.websocket.runtime.WebSocketRuntime`, built once per container."""

SUBPROTOCOL_RESPONSE_HEADER = "Sec-WebSocket-Protocol"


def _status(code: int) -> WebSocketResponse:
    return WebSocketResponse(status_code=code)


def parse_websocket_event(event: LambdaEvent) -> WebSocketEvent:
    """``event`` validated by its model; raises :class:`~mangum.exceptions.InvalidEvent`."""
    model = parse_event(event)
    if not isinstance(model, WebSocketEvent):  # pragma: no cover - the registry detected WebSocket
        raise TypeError(f"not a WebSocket event: {type(model).__name__}")
    return model


def internal_error() -> WebSocketResponse:
    """The answer when the invocation cannot be served at all (the app's lifespan failed)."""
    return WebSocketResponse(status_code=500, body="Internal Server Error")


def websocket_response(response: CollectedResponse, config: Config) -> WebSocketResponse:
    """A handshake answer in Lambda's shape: headers joined per name (``config.exclude_headers``
    dropped), the body as text when it is textual UTF-8, else base64."""
    decoded = decode_headers(response.headers, config.exclude_headers)
    headers = joined_headers(decoded.headers)
    if not response.body:
        return WebSocketResponse(status_code=response.status, headers=headers or None)
    body = encode_body(response.body, textual=decoded.textual(config.text_mime_types))
    return WebSocketResponse(
        status_code=response.status, headers=headers or None, body=body.text, is_base64_encoded=body.base64
    )


def _accepted(session: Session, config: Config) -> WebSocketResponse:
    headers = list(session.accept_headers)
    if session.subprotocol is not None:
        headers.append((SUBPROTOCOL_RESPONSE_HEADER.encode(), header_bytes(session.subprotocol)))
    return websocket_response(CollectedResponse(200, headers), config)


async def run_app(app: ASGI, scope: WebSocketScope | Scope, session: Session) -> BaseException | None:
    """Run ``app`` until it returns or waits for a message ``session`` does not have, then cancel it.

    Returns the exception the app ended with (``None`` when it returned or was cancelled by us).
    """
    task = asyncio.ensure_future(app(scope, session.receive, session.send))
    try:
        await asyncio.wait((task, session.waiting), return_when=asyncio.FIRST_COMPLETED)
        session.end()
        if not task.done():
            task.cancel()
            await asyncio.wait((task,))
    except asyncio.CancelledError:
        task.cancel()  # the invocation itself is being cancelled: take the app down with it
        raise
    return None if task.cancelled() else task.exception()


def _failed(session: Session, app_error: BaseException | None) -> bool:
    """Whether the invocation failed, logging why."""
    where = f"{session.kind} of connection {session.connection_id}"
    if session.failure is not None:
        logger.error("WebSocket %s failed: %s", where, session.failure, exc_info=session.failure)
        return True
    if app_error is not None and not isinstance(app_error, ClientDisconnected):
        logger.error("Exception in ASGI websocket application on %s", where, exc_info=app_error)
        return True
    return False


def _connect_answer(session: Session, app_error: BaseException | None, config: Config) -> WebSocketResponse:
    failed = _failed(session, app_error)
    if not failed and session.handshake is Handshake.ACCEPTED:
        try:
            return _accepted(session, config)
        except ValidationError as error:
            logger.error("WebSocket accept of %s: unusable headers: %s", session.connection_id, error.title)
            failed = True
    if session.recorded and failed:
        try:
            session.connections.store.delete_connection(session.connection_id)
        except StoreError as error:
            logger.error(
                "could not delete the record of refused connection %s: %s", session.connection_id, error
            )
    if failed:
        return _status(500)
    if session.denial is None:
        return _status(403)
    if not session.denial_complete:
        logger.error(
            "ASGI websocket application left its denial response to %s incomplete", session.connection_id
        )
        return _status(500)
    try:
        return websocket_response(session.denial, config)
    except ValidationError as error:
        logger.error("WebSocket denial of %s: unusable response: %s", session.connection_id, error.title)
        return _status(500)


async def run_websocket_event(
    app: ASGI,
    event: WebSocketEvent,
    raw_event: LambdaEvent,
    context: LambdaContext | None,
    config: Config,
    state: dict[str, object] | None,
    connections_factory: ConnectionsFactory,
) -> WebSocketResponse:
    """Run ``app`` for one WebSocket event and give the answer for Lambda (see the module docs).

    Never raises for what the app, the store or the Management API do; ``connections_factory`` is
    the container's :class:`~mangum.websocket.runtime.WebSocketRuntime`.
    """
    incoming: Message | None = None
    if event.event_type != "CONNECT":
        try:
            incoming = event_message(event)
        except InvalidBody as error:
            logger.error("WebSocket MESSAGE of connection %s: %s", event.connection_id, error)
            return _status(400)
    connections = connections_factory(event)
    connect_event = event
    if incoming is not None:
        try:
            stored = connections.store.get_connection(event.connection_id)
        except StoreError as error:
            logger.error(
                "WebSocket %s of connection %s failed: %s",
                event.event_type,
                event.connection_id,
                error,
                exc_info=error,
            )
            return _status(500)
        if stored is None:
            logger.warning(
                "WebSocket %s for unknown connection %s: the app is not run",
                event.event_type,
                event.connection_id,
            )
            return _status(410 if event.event_type == "MESSAGE" else 200)
        connect_event = stored.record.connect_event
    session = Session(event, incoming, connections)
    scope = build_websocket_scope(connect_event, event, raw_event, context, state, connections)
    app_error = await run_app(app, scope, session)
    if event.event_type == "CONNECT":
        return _connect_answer(session, app_error, config)
    failed = _failed(session, app_error)
    if session.replaying and session.handshake is Handshake.PENDING:
        logger.warning(
            "ASGI websocket application did not accept the replayed connect of %s: the %s was not delivered",
            event.connection_id,
            event.event_type,
        )
    if event.event_type == "DISCONNECT":
        try:
            connections.store.delete_connection(event.connection_id)
        except StoreError as error:
            logger.error(
                "WebSocket DISCONNECT of connection %s failed: %s", event.connection_id, error, exc_info=error
            )
            failed = True
    return _status(500 if failed else 200)
