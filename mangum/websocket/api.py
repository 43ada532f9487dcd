"""The application's view of WebSocket connections: send, join, leave, broadcast.

Inside an ASGI websocket app the object is in the scope,
``scope["extensions"]["mangum.websocket"]`` (:data:`mangum.websocket.EXTENSION_KEY`), bound to the current
connection; outside of one (a queue consumer, a cron job), use :func:`connections` or the plain
functions with explicit :class:`WebSocketSettings`. Every method blocks while it talks to AWS.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass

from mangum.websocket.aws import POST_CONCURRENCY
from mangum.websocket.errors import ConnectionGone, ManagementApiError, NoCurrentConnection, WebSocketError
from mangum.websocket.management import ManagementApi
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores import open_store
from mangum.websocket.stores.interface import BaseConnectionStore

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _post_pool() -> ThreadPoolExecutor:
    """The container's pool of threads that post a broadcast's frames concurrently."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=POST_CONCURRENCY, thread_name_prefix="mangum-post")
        return _pool


@dataclass(frozen=True, slots=True)
class BroadcastResult:
    """Who got a broadcast: ``delivered`` members, and ``gone`` ones (410) that were removed."""

    group: str
    delivered: tuple[str, ...]
    gone: tuple[str, ...]


class BroadcastIncomplete(WebSocketError):
    """Some posts failed for another reason than 410 Gone; every other member was still served.

    ``result`` is what was done; ``failures`` maps each failed connection id to its error.
    """

    def __init__(self, result: BroadcastResult, failures: dict[str, ManagementApiError]) -> None:
        self.result = result
        self.failures = failures
        super().__init__(f"broadcast to {result.group!r}: {len(failures)} posts failed")


class WebSocketConnections:
    """Send to connections and manage group membership, through the store and the Management API.

    ``connection_id`` is the current connection (the one whose event is being handled), used by
    :meth:`join` and :meth:`leave` when no id is given.
    """

    def __init__(
        self, store: BaseConnectionStore, management: ManagementApi, connection_id: str | None = None
    ) -> None:
        self.store = store
        self.management = management
        self.connection_id = connection_id

    @classmethod
    def from_settings(
        cls,
        settings: WebSocketSettings,
        *,
        connection_id: str | None = None,
        domain_name: str | None = None,
        stage: str | None = None,
    ) -> WebSocketConnections:
        """Connections of the settings' table and API (``domain_name`` / ``stage`` from the event, if
        ``api_endpoint`` is not configured)."""
        return cls(
            open_store(settings),
            ManagementApi.for_endpoint(settings, settings.management_endpoint(domain_name, stage)),
            connection_id,
        )

    def _target(self, connection_id: str | None) -> str:
        target = connection_id or self.connection_id
        if target is None:
            raise NoCurrentConnection("no current connection: pass connection_id")
        return target

    def send(self, connection_id: str, data: str | bytes) -> None:
        """Post one frame to a connection. When it is gone (410), its record and memberships are
        removed and :class:`ConnectionGone` is raised."""
        try:
            self.management.post(connection_id, data)
        except ConnectionGone:
            self.store.delete_connection(connection_id)
            raise

    def close(self, connection_id: str | None = None) -> None:
        """Close a connection (the current one by default); a connection already gone is not an error."""
        with suppress(ConnectionGone):
            self.management.close(self._target(connection_id))

    def join(self, group: str, connection_id: str | None = None) -> None:
        """Add a connection (the current one by default) to a group."""
        self.store.join_group(self._target(connection_id), group)

    def leave(self, group: str, connection_id: str | None = None) -> None:
        """Remove a connection (the current one by default) from a group."""
        self.store.leave_group(self._target(connection_id), group)

    def broadcast(self, group: str, data: str | bytes) -> BroadcastResult:
        """Post one frame to every member of a group: one Query, then one post per member.

        Members that answer 410 Gone are removed (record and memberships) and the others still get
        the frame. Raises :class:`BroadcastIncomplete` when other posts failed.
        """
        payload = data.encode() if isinstance(data, str) else data
        members = list(self.store.group_members(group))
        outcomes: Iterable[ConnectionGone | ManagementApiError | None]
        if len(members) > 1:
            # Each post runs in a copy of this context: it carries the invocation's deadline.
            pool = _post_pool()
            futures = [
                pool.submit(contextvars.copy_context().run, self._post, member, payload) for member in members
            ]
            outcomes = (future.result() for future in futures)
        else:
            outcomes = [self._post(member, payload) for member in members]
        delivered: list[str] = []
        gone: list[str] = []
        failures: dict[str, ManagementApiError] = {}
        for member, outcome in zip(members, outcomes, strict=True):
            if outcome is None:
                delivered.append(member)
            elif isinstance(outcome, ConnectionGone):
                gone.append(member)
            else:
                failures[member] = outcome
        for member in gone:
            self.store.delete_connection(member, also_groups=(group,))
        result = BroadcastResult(group=group, delivered=tuple(delivered), gone=tuple(gone))
        if failures:
            raise BroadcastIncomplete(result, failures)
        return result

    def _post(self, connection_id: str, payload: bytes) -> ConnectionGone | ManagementApiError | None:
        try:
            self.management.post(connection_id, payload)
        except (ConnectionGone, ManagementApiError) as error:
            return error
        return None


def connections(
    settings: WebSocketSettings, *, domain_name: str | None = None, stage: str | None = None
) -> WebSocketConnections:
    """The connections of the settings' table and API, for code that does not run inside an ASGI app."""
    return WebSocketConnections.from_settings(settings, domain_name=domain_name, stage=stage)


def send(connection_id: str, data: str | bytes, *, settings: WebSocketSettings) -> None:
    """Post one frame to a connection (see :meth:`WebSocketConnections.send`)."""
    connections(settings).send(connection_id, data)


def broadcast(group: str, data: str | bytes, *, settings: WebSocketSettings) -> BroadcastResult:
    """Post one frame to every member of a group (see :meth:`WebSocketConnections.broadcast`)."""
    return connections(settings).broadcast(group, data)


def join(connection_id: str, group: str, *, settings: WebSocketSettings) -> None:
    """Add a connection to a group."""
    connections(settings).join(group, connection_id)


def leave(connection_id: str, group: str, *, settings: WebSocketSettings) -> None:
    """Remove a connection from a group."""
    connections(settings).leave(group, connection_id)
