"""``run_websocket_event``: one API Gateway WebSocket event through an ASGI ``websocket`` app.

Each invocation runs the app's websocket coroutine from the start (see :mod:`.session` for what
the app receives and what its messages do) and ends when the app returns or waits for a message
the event does not carry; then the app is cancelled. What the invocation answers:

=============  ==========================================================================
CONNECT        200 once the app accepted and the record is written (with the
               ``Sec-WebSocket-Protocol`` header of the chosen subprotocol); 403 when it
               closed or never accepted; the denial response's status, headers and body when
               it sent one. On any failure the record is deleted again: nothing is written.
MESSAGE        200; 410 without running the app when the connection has no live record.
DISCONNECT     200; the record is marked ``closing`` before the app runs (no MESSAGE runs the
               app from then on), then it and the connection's memberships are deleted,
               whatever the app did; 200 without running the app when there is no live record.
any            500 when the app raised, broke the protocol, did not finish before the
               invocation's deadline, or a store or Management API request failed or stalled;
               the cause (what stalled, where the app was stuck) is logged on the
               ``mangum.websocket`` logger. An app that ends by raising its framework's
               disconnect exception (Starlette's ``WebSocketDisconnect``) for the
               ``websocket.disconnect`` it received has ended normally (logged at debug level).
=============  ==========================================================================

The deadline is the context's remaining time minus ``config.deadline_margin``
(:mod:`mangum.deadline`): every DynamoDB and Management API attempt is bounded by it, the app is
cancelled when it comes, and cleanup afterwards (deleting a refused or disconnected connection) may
use half of the margin. A deletion that fails is remembered by the container, which treats the
connection as closed and finishes the deletion at the start of its next invocations.

Store and Management API calls block the event loop: Lambda runs one invocation at a time per
container, so there is nothing else for the loop to do meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from pydantic import ValidationError

from mangum._asgi.stuck import where_stuck
from mangum._http.response import (
    CollectedResponse,
    decode_headers,
    encode_body,
    is_text_media_type,
    joined_headers,
)
from mangum._http.scope import header_bytes
from mangum.config import Config
from mangum.deadline import Deadline, deadline_scope, shielded, stand_down
from mangum.events.parse import parse_event
from mangum.events.websocket import WebSocketEvent
from mangum.exceptions import DeadlineExceeded, InvalidBody
from mangum.responses import WebSocketResponse
from mangum.types import ASGI, LambdaContext, LambdaEvent, Message, Scope, WebSocketScope
from mangum.websocket.errors import ClientDisconnected, StoreError
from mangum.websocket.record import StoredConnection
from mangum.websocket.scope import build_websocket_scope
from mangum.websocket.session import Handshake, Session, event_message

if TYPE_CHECKING:
    from mangum.websocket.api import WebSocketConnections
    from mangum.websocket.stores.interface import BaseConnectionStore

logger = logging.getLogger("mangum.websocket")

ConnectionsFactory: TypeAlias = Callable[[WebSocketEvent], "WebSocketConnections"]
"""Gives the connections API bound to an event's connection: a
:class:`~mangum.websocket.runtime.WebSocketRuntime`, built once per container."""

SUBPROTOCOL_RESPONSE_HEADER = "Sec-WebSocket-Protocol"
CANCEL_GRACE_SECONDS = 0.05
"""How long an app cancelled at the deadline gets to unwind before the invocation answers."""


def _status(code: int) -> WebSocketResponse:
    return WebSocketResponse(status_code=code)


def parse_websocket_event(event: LambdaEvent) -> WebSocketEvent:
    """``event`` validated by its model; raises :class:`~mangum.exceptions.InvalidEvent`."""
    model = parse_event(event)
    if not isinstance(model, WebSocketEvent):  # pragma: no cover - the registry detected WebSocket
        raise TypeError(f"not a WebSocket event: {type(model).__name__}")
    return model


def websocket_response(response: CollectedResponse, config: Config) -> WebSocketResponse:
    """A handshake answer in Lambda's shape: headers joined per name (``config.exclude_headers``
    dropped), the body as text when it is textual UTF-8, else base64."""
    decoded, media_type, content_encoded, _ = decode_headers(response.headers, config.exclude_headers)
    headers = joined_headers(decoded)
    if not response.body:
        return WebSocketResponse(status_code=response.status, headers=headers or None)
    textual = not content_encoded and is_text_media_type(media_type, config.text_mime_types)
    body = encode_body(response.body, textual=textual)
    return WebSocketResponse(
        status_code=response.status, headers=headers or None, body=body.text, is_base64_encoded=body.base64
    )


def _accepted(session: Session, config: Config) -> WebSocketResponse:
    headers = list(session.accept_headers)
    if session.subprotocol is not None:
        headers.append((SUBPROTOCOL_RESPONSE_HEADER.encode(), header_bytes(session.subprotocol)))
    return websocket_response(CollectedResponse(200, headers), config)


class AppTimedOut(Exception):
    """The application had not finished when the invocation's deadline came, and was cancelled."""

    def __init__(self, seconds: float, where: str) -> None:
        self.where = where
        super().__init__(
            f"not finished within {seconds:.2f}s, the invocation's deadline; cancelled in {where}"
        )


async def run_app(
    app: ASGI, scope: WebSocketScope | Scope, session: Session, deadline: Deadline | None = None
) -> BaseException | None:
    """Run ``app`` until it returns or waits for a message ``session`` does not have, then cancel it.

    Returns the exception the app ended with (``None`` when it returned or was cancelled by us), or
    :class:`AppTimedOut` when ``deadline`` came first.
    """
    # The app's task, and the tasks it starts, may be interrupted at the deadline; the cycle's own
    # steps never are (run_websocket_event shields them).
    with shielded(False):
        task = asyncio.ensure_future(app(scope, session.receive, session.send))
    timeout = None if deadline is None else deadline.remaining()
    try:
        done, _ = await asyncio.wait(
            (task, session.waiting), timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        # The app is done with (or about to be cancelled): no need to signal the cleanup any more.
        stand_down()
        session.end()
        if not done:
            stuck = AppTimedOut(timeout or 0.0, where_stuck(task))
            task.cancel()
            await asyncio.wait((task,), timeout=CANCEL_GRACE_SECONDS)
            return stuck
        if not task.done():
            task.cancel()
            await asyncio.wait((task,))
    except asyncio.CancelledError:
        task.cancel()  # the invocation itself is being cancelled: take the app down with it
        raise
    return None if task.cancelled() else task.exception()


def _ended_by_disconnect(session: Session, app_error: BaseException) -> bool:
    """Whether the app ended with its framework's disconnect signal, a normal end: raised for the
    ``websocket.disconnect`` it was handed (Starlette's ``WebSocketDisconnect`` carries its close
    code), or in answer to the :class:`ClientDisconnected` its ``send`` raised (Starlette raises
    ``WebSocketDisconnect(1006)`` from it)."""
    code = session.disconnect_code
    if code is not None and getattr(app_error, "code", None) == code:
        return True
    cause = app_error.__cause__ or app_error.__context__
    for _ in range(8):  # as deep as a framework plausibly wraps what its send raised
        if cause is None:
            return False
        if isinstance(cause, ClientDisconnected):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _failed(session: Session, app_error: BaseException | None) -> bool:
    """Whether the invocation failed, logging why."""
    where = f"{session.kind} of connection {session.connection_id}"
    if session.failure is not None:
        logger.error("WebSocket %s failed: %s", where, session.failure, exc_info=session.failure)
        return True
    if isinstance(app_error, (AppTimedOut, DeadlineExceeded)):
        logger.error("ASGI websocket application on %s %s", where, app_error)
        return True
    if app_error is None or isinstance(app_error, ClientDisconnected):
        return False
    if _ended_by_disconnect(session, app_error):
        logger.debug("ASGI websocket application on %s ended on the disconnect: %r", where, app_error)
        return False
    logger.error("Exception in ASGI websocket application on %s", where, exc_info=app_error)
    return True


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
        _log_refusal(session, config)
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


def _log_refusal(session: Session, config: Config) -> None:
    """One line saying why a CONNECT was refused without a denial response, in the app's terms: a
    framework answers a path none of its WebSocket routes has by closing before the accept."""
    if session.accepted:
        logger.warning(
            "WebSocket connection %s refused (403): the app accepted it, then closed it during $connect",
            session.connection_id,
        )
        return
    how = "closed it before accepting it" if session.handshake is Handshake.CLOSED else "never accepted it"
    logger.warning(
        "WebSocket connection %s refused (403): the app %s at path %r; an app whose WebSocket route "
        "is elsewhere needs Mangum(app, websocket_path=...) naming that route, e.g. websocket_path='/ws'",
        session.connection_id,
        how,
        config.websocket_path,
    )


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
    the container's :class:`~mangum.websocket.runtime.WebSocketRuntime`. Everything is bounded by
    the invocation's deadline (``context``'s remaining time minus ``config.deadline_margin``).
    """
    deadline = Deadline.for_invocation(context, config.deadline_margin)
    # The cycle's own steps are never interrupted at the deadline; the app's task is (run_app).
    with deadline_scope(deadline), shielded():
        incoming: Message | None = None
        if event.event_type != "CONNECT":
            try:
                incoming = event_message(event)
            except InvalidBody as error:
                logger.error("WebSocket MESSAGE of connection %s: %s", event.connection_id, error)
                return _status(400)
        connections = connections_factory(event)
        if connections.store.unfinished_deletions:
            _finish_earlier_deletions(connections.store, deadline)
        stored = None if incoming is None else _stored_connection(event, connections.store)
        if isinstance(stored, WebSocketResponse):
            return stored
        session = Session(event, incoming, connections)
        connect_event = event if stored is None else stored.record.connect_event
        scope = build_websocket_scope(
            connect_event, event, raw_event, context, state, connections, config.websocket_path
        )
        app_error = await run_app(app, scope, session, deadline)
        # Cleanup after the app may use half the margin: a record left behind costs more than a late answer.
        with deadline_scope(None if deadline is None else deadline.extended(config.deadline_margin / 2)):
            if event.event_type == "CONNECT":
                return _connect_answer(session, app_error, config)
            return _status(500 if _finish_after_app(session, app_error, stored) else 200)


def _stored_connection(
    event: WebSocketEvent, store: BaseConnectionStore
) -> StoredConnection | WebSocketResponse:
    """The record a MESSAGE reads, or the one a DISCONNECT marks ``closing``; else the answer."""
    try:
        if event.event_type == "DISCONNECT":
            stored = store.close_connection(event.connection_id, _closer(event))
        else:
            stored = store.get_connection(event.connection_id)
    except StoreError as error:
        if event.event_type == "DISCONNECT":
            store.remember_deletion(event.connection_id)
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
    return stored


def _finish_after_app(
    session: Session, app_error: BaseException | None, stored: StoredConnection | None
) -> bool:
    """After a MESSAGE or DISCONNECT ran the app: on DISCONNECT, delete the connection (whatever the
    app did); then whether the app or that deletion failed (each logged)."""
    failed = _failed(session, app_error)
    if session.replaying and session.handshake is Handshake.PENDING:
        logger.warning(
            "ASGI websocket application did not accept the replayed connect of %s: the %s was not delivered",
            session.connection_id,
            session.kind,
        )
    if session.kind == "DISCONNECT":
        try:
            session.connections.store.delete_connection(session.connection_id, closed=stored)
        except StoreError as error:
            logger.error(
                "WebSocket DISCONNECT of connection %s failed: %s",
                session.connection_id,
                error,
                exc_info=error,
            )
            failed = True
    return failed


def _closer(event: WebSocketEvent) -> str:
    """What names this DISCONNECT's deletion of the record: its request id when API Gateway gave one."""
    context = event.request_context
    return context.request_id or context.extended_request_id or f"disconnect-{uuid.uuid4().hex}"


def _finish_earlier_deletions(store: BaseConnectionStore, deadline: Deadline | None) -> None:
    """Retry the deletions earlier invocations of this container could not finish, with at most a
    quarter of the time left (a second without a deadline)."""
    budget = Deadline.after(1.0) if deadline is None else deadline.within(min(1.0, deadline.remaining() / 4))
    with deadline_scope(budget):
        left = store.retry_deletions()
    if left:
        logger.warning("%d WebSocket connection deletions are still to be finished", left)
