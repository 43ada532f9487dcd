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
               500 too when the accept's headers or the denial cannot be returned to Lambda (a
               header HTTP cannot carry, a result over Lambda's 6 MB), logged without values.
=============  ==========================================================================

The event arrives read by the WebSocket source's home (:func:`read_websocket_event`: the generated
validator, as for HTTP events) and every answer is laid out by that home's
:class:`~mangum._http.response.ResponseShape`, through
:func:`~mangum._http.response.build_result` when the app gave headers or a body.

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
from functools import cache
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from mangum._asgi import loop
from mangum._asgi.stuck import where_stuck
from mangum._http.response import EMPTY_BODY, CollectedResponse, build_result
from mangum._http.scope import header_bytes
from mangum._sources import websocket as websocket_source
from mangum._sources.registry import WEBSOCKET, home
from mangum.config import Config
from mangum.deadline import Deadline, deadline_scope, shielded, stand_down
from mangum.events.websocket import WebSocketEvent
from mangum.exceptions import DeadlineExceeded, InvalidBody, InvalidResponse, ResponseTooLarge
from mangum.types import ASGI, LambdaContext, LambdaEvent, Message, Scope, WebSocketScope
from mangum.websocket.errors import ClientDisconnected, StoreError
from mangum.websocket.record import StoredConnection
from mangum.websocket.scope import build_websocket_scope
from mangum.websocket.session import Handshake, Session

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Protocol

    from mangum._asgi import StateSource
    from mangum._sources.websocket import ConnectionEvent
    from mangum.websocket.api import WebSocketConnections
    from mangum.websocket.stores.interface import BaseConnectionStore

    class WebSocketHome(Protocol):
        """What the home of the WebSocket source defines at module level: the reader of its events,
        which the WebSocket cycle serves (:func:`websocket_home`)."""

        def read(self, event: Mapping[str, object]) -> ConnectionEvent:
            """Validate a WebSocket event (raising :class:`InvalidEvent`)."""


logger = logging.getLogger("mangum.websocket")

ConnectionsFactory: TypeAlias = Callable[[WebSocketEvent], "WebSocketConnections"]
"""Gives the connections API bound to an event's connection: a
:class:`~mangum.websocket.runtime.WebSocketRuntime`, built once per container."""

SUBPROTOCOL_RESPONSE_HEADER = "Sec-WebSocket-Protocol"
CANCEL_GRACE_SECONDS = 0.05
"""How long an app cancelled at the deadline gets to unwind before the invocation answers."""


@cache
def websocket_home() -> WebSocketHome:
    """The registry's :func:`~mangum._sources.registry.home` of the WebSocket source, typed with its
    ``read`` (checked here: a WebSocket source's entry does not ask its home for one, see
    :func:`~mangum._sources.registry.checked_home`)."""
    found = home("websocket")
    if not callable(getattr(found, "read", None)):
        raise TypeError(f"{found.__name__} defines no read for {WEBSOCKET!r}")
    return cast("WebSocketHome", found)


def read_websocket_event(raw_event: Mapping[str, object]) -> ConnectionEvent:
    """``raw_event`` validated by the WebSocket source's home (its generated validator), as
    :func:`run_websocket_event` takes it; raises :class:`~mangum.exceptions.InvalidEvent` naming
    each failing field, never a value."""
    return websocket_home().read(raw_event)


def status_result(event: ConnectionEvent, status: int) -> dict[str, Any]:
    """A bare ``status`` (no headers, no body) in the layout of ``event``'s home."""
    return dict(event.response.build(status, [], EMPTY_BODY))


def _accepted(event: ConnectionEvent, session: Session, config: Config) -> dict[str, Any]:
    """The accept's answer: 200 with its headers and the chosen subprotocol, laid out by the home
    and validated (:func:`~mangum._http.response.build_result`); raises :class:`InvalidResponse`
    for headers HTTP cannot carry."""
    headers = list(session.accept_headers)
    if session.subprotocol is not None:
        headers.append((SUBPROTOCOL_RESPONSE_HEADER.encode(), header_bytes(session.subprotocol)))
    return build_result(event.response, event.limit, CollectedResponse(200, headers), config)


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


def _logged_failure(session: Session, app_error: BaseException | None) -> bool:
    """Whether the invocation failed, logging why when it did."""
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


def _connect_result_deleting_failed(
    event: ConnectionEvent, session: Session, app_error: BaseException | None, config: Config
) -> dict[str, Any]:
    """The answer to a CONNECT the app ran for; when it failed, the record its accept wrote is
    deleted first (:func:`_delete_refused_record`)."""
    failed = _logged_failure(session, app_error)
    if not failed and session.handshake is Handshake.ACCEPTED:
        try:
            return _accepted(event, session, config)
        except (InvalidResponse, ResponseTooLarge) as error:
            logger.error("WebSocket accept of %s: unusable headers: %s", session.connection_id, error)
            failed = True
    if failed:
        _delete_refused_record(session)
        return status_result(event, 500)
    if session.denial is None:
        _log_refusal(session, config)
        return status_result(event, 403)
    if not session.denial_complete:
        logger.error(
            "ASGI websocket application left its denial response to %s incomplete", session.connection_id
        )
        return status_result(event, 500)
    try:
        # Laid out by the home and validated before the body is serialized, as an HTTP response.
        return build_result(event.response, event.limit, session.denial, config)
    except (InvalidResponse, ResponseTooLarge) as error:
        logger.error("WebSocket denial of %s: unusable response: %s", session.connection_id, error)
        return status_result(event, 500)


def _delete_refused_record(session: Session) -> None:
    """Delete the record a failed CONNECT's accept wrote, if it wrote one (a failure is logged)."""
    if not session.recorded:
        return
    try:
        session.connections.store.delete_connection(session.connection_id)
    except StoreError as error:
        logger.error("could not delete the record of refused connection %s: %s", session.connection_id, error)


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
    event: ConnectionEvent,
    raw_event: LambdaEvent,
    context: LambdaContext | None,
    config: Config,
    state: dict[str, object] | None,
    connections_factory: ConnectionsFactory,
) -> dict[str, Any]:
    """Run ``app`` for one WebSocket event and give the result for Lambda (see the module docs).

    ``event`` is ``raw_event`` as the WebSocket source's home read it (:func:`read_websocket_event`);
    the result is laid out by that home.
    Never raises for what the app, the store or the Management API do; ``connections_factory`` is
    the container's :class:`~mangum.websocket.runtime.WebSocketRuntime`. Everything is bounded by
    the invocation's deadline (``context``'s remaining time minus ``config.deadline_margin``).
    """
    deadline = Deadline.for_invocation(context, config.deadline_margin)
    # The cycle's own steps are never interrupted at the deadline; the app's task is (run_app).
    with deadline_scope(deadline), shielded():
        incoming: Message | None = None
        if event.kind != "CONNECT":
            try:
                incoming = websocket_source.message(event.data)
            except InvalidBody as error:
                logger.error("WebSocket MESSAGE of connection %s: %s", event.connection_id, error)
                return status_result(event, 400)
        # What the app sees of the event (scope["mangum.event"]) and what the record keeps of a
        # CONNECT: the event's model, built from the event the home has validated against the
        # same schema.
        model = _model(raw_event)
        connections = connections_factory(model)
        if connections.store.unfinished_deletions:
            _finish_earlier_deletions(connections.store, deadline)
        stored = None if incoming is None else _read_or_close_record(event, connections.store)
        if isinstance(stored, int):
            return status_result(event, stored)
        session = Session(model, incoming, connections)
        path = config.websocket_path
        # A CONNECT's handshake is the event the home read; a later event's is in the record.
        connect = model if stored is None else stored.record.connect_event
        handshake = websocket_source.request(event.data, path) if stored is None else None
        scope = build_websocket_scope(
            connect, model, raw_event, context, state, connections, path, handshake=handshake
        )
        app_error = await run_app(app, scope, session, deadline)
        # Cleanup after the app may use half the margin: a record left behind costs more than a late answer.
        with deadline_scope(None if deadline is None else deadline.extended(config.deadline_margin / 2)):
            if event.kind == "CONNECT":
                return _connect_result_deleting_failed(event, session, app_error, config)
            failed = _logged_failure(session, app_error)
            _warn_if_replay_refused(session)
            if event.kind == "DISCONNECT" and not _delete_disconnected(session, stored):
                failed = True
            return status_result(event, 500 if failed else 200)


def _model(raw_event: LambdaEvent) -> WebSocketEvent:
    # The validator itself: ``model_validate`` only adds per-call Python overhead to it.
    model: WebSocketEvent = WebSocketEvent.__pydantic_validator__.validate_python(raw_event)
    return model


def _read_or_close_record(event: ConnectionEvent, store: BaseConnectionStore) -> StoredConnection | int:
    """The record a MESSAGE reads, or the one a DISCONNECT marks ``closing`` (a write); else the
    status to answer with, without running the app."""
    try:
        if event.kind == "DISCONNECT":
            stored = store.close_connection(event.connection_id, _closer(event))
        else:
            stored = store.get_connection(event.connection_id)
    except StoreError as error:
        if event.kind == "DISCONNECT":
            store.remember_deletion(event.connection_id)
        logger.error(
            "WebSocket %s of connection %s failed: %s", event.kind, event.connection_id, error, exc_info=error
        )
        return 500
    if stored is None:
        logger.warning(
            "WebSocket %s for unknown connection %s: the app is not run", event.kind, event.connection_id
        )
        return 410 if event.kind == "MESSAGE" else 200
    return stored


def _warn_if_replay_refused(session: Session) -> None:
    if session.replaying and session.handshake is Handshake.PENDING:
        logger.warning(
            "ASGI websocket application did not accept the replayed connect of %s: the %s was not delivered",
            session.connection_id,
            session.kind,
        )


def _delete_disconnected(session: Session, stored: StoredConnection | None) -> bool:
    """After a DISCONNECT ran the app, delete the connection (whatever the app did): whether it was
    deleted (a failure is logged)."""
    try:
        session.connections.store.delete_connection(session.connection_id, closed=stored)
    except StoreError as error:
        logger.error(
            "WebSocket DISCONNECT of connection %s failed: %s", session.connection_id, error, exc_info=error
        )
        return False
    return True


def _closer(event: ConnectionEvent) -> str:
    """What names this DISCONNECT's deletion of the record: its request id when API Gateway gave one."""
    context = event.data["request_context"]
    return context["request_id"] or context["extended_request_id"] or f"disconnect-{uuid.uuid4().hex}"


def _finish_earlier_deletions(store: BaseConnectionStore, deadline: Deadline | None) -> None:
    """Retry the deletions earlier invocations of this container could not finish, with at most a
    quarter of the time left (a second without a deadline)."""
    budget = Deadline.after(1.0) if deadline is None else deadline.within(min(1.0, deadline.remaining() / 4))
    with deadline_scope(budget):
        left = store.retry_deletions()
    if left:
        logger.warning("%d WebSocket connection deletions are still to be finished", left)


def serve_websocket_event(
    app: ASGI,
    raw_event: LambdaEvent,
    context: LambdaContext,
    config: Config,
    state_of: StateSource,
    connections_factory: ConnectionsFactory,
) -> dict[str, Any]:
    """One WebSocket event served as the adapter serves it: read (:func:`read_websocket_event`), the
    lifespan ``state`` asked of ``state_of`` (which raises when the lifespan failed), and
    :func:`run_websocket_event` run on the container loop (:func:`mangum._asgi.loop.run`); 500 when
    the loop's deadline stopped it, logged on the ``mangum`` logger."""
    connection_event = read_websocket_event(raw_event)
    state = state_of(context)
    cycle = run_websocket_event(app, connection_event, raw_event, context, config, state, connections_factory)
    margin = config.deadline_margin
    try:
        # The cycle bounds the app by the deadline and its cleanup by half the margin after it;
        # the loop's bound is a backstop behind both, and blocking app code is interrupted a
        # quarter of the margin after the app's deadline, leaving its cleanup the rest.
        return loop.run(cycle, context, margin / 4, alarm_margin=margin * 0.75)
    except DeadlineExceeded as late:
        logging.getLogger("mangum").error(
            "WebSocket %s of connection %s: %s",
            connection_event.kind,
            connection_event.connection_id,
            late,
        )
        return status_result(connection_event, 500)
