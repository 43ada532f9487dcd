"""What every connection store provides: :class:`BaseConnectionStore`, the one interface the
WebSocket cycle and the app's :class:`~mangum.websocket.api.WebSocketConnections` use, subclassed by
the DynamoDB store (:class:`~mangum.websocket.stores.dynamodb.ConnectionStore`) and the embedded
SQLite one (:class:`~mangum.websocket.stores.sqlite.SqliteConnectionStore`). It also holds what the
two share without boto3: the lifetimes, the group-name rule, and the deletions a process remembers
to finish.

The semantics every store keeps (the DynamoDB module docs explain them at length):

- :meth:`~BaseConnectionStore.put_connection` writes only where no record is, and recognises a
  repeat of its own write;
- a deletion first marks the record *closing* (from then on it is not live: reads return nothing,
  no join succeeds), then removes the memberships, then the record;
  :meth:`~BaseConnectionStore.close_connection` marks it for a DISCONNECT (a repeat with the
  same ``closer`` succeeds again), and a deletion cut short is remembered and finished later;
- a group's members are connections whose records are live, whatever the interleaving of joins,
  leaves and deletions from any number of processes.

Every failure of the store itself raises :class:`~mangum.websocket.errors.StoreError`.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from mangum.websocket.errors import InvalidGroupName, StoreError

if TYPE_CHECKING:
    from mangum.websocket.record import ConnectionRecord, StoredConnection
    from mangum.websocket.redaction import Redaction

logger = logging.getLogger("mangum.websocket")

CONNECTION_LIFETIME_SECONDS = 2 * 60 * 60
"""API Gateway closes every WebSocket connection after two hours."""
TTL_MARGIN_SECONDS = 10 * 60
"""Kept past the connection's longest life before a record counts as expired."""
MAX_GROUP_NAME_BYTES = 512
MAX_REMEMBERED_DELETIONS = 1000
"""Deletions a container keeps to finish later; beyond that the oldest are left to the TTL."""


def check_group(group: str) -> None:
    """Raise :class:`InvalidGroupName` unless the name is 1 to 512 bytes of UTF-8."""
    try:
        size = len(group.encode())
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 at all
        size = 0
    if not size or size > MAX_GROUP_NAME_BYTES:
        raise InvalidGroupName(f"a group name must be 1 to {MAX_GROUP_NAME_BYTES} bytes of UTF-8")


class BaseConnectionStore(ABC):
    """Connection records and group memberships (see the module docs).

    A store implements the abstract methods. The deletions it failed to finish are kept here, to
    finish later, oldest first; its ``delete_connection`` forgets a connection once its deletion
    succeeded (:meth:`deletion_finished`).
    """

    redaction: Redaction
    """What stored CONNECT events leave out."""

    def __init__(self) -> None:
        self._unfinished: dict[str, None] = {}
        self._unfinished_lock = threading.Lock()

    def remember_deletion(self, connection_id: str) -> None:
        """Keep a deletion to finish later (:meth:`retry_deletions`): until then the container
        treats the connection as closed."""
        with self._unfinished_lock:
            self._unfinished[connection_id] = None
            while len(self._unfinished) > MAX_REMEMBERED_DELETIONS:
                del self._unfinished[next(iter(self._unfinished))]

    def deletion_finished(self, connection_id: str) -> None:
        """The connection's deletion succeeded: nothing is left to finish."""
        with self._unfinished_lock:
            self._unfinished.pop(connection_id, None)

    def deletion_unfinished(self, connection_id: str) -> bool:
        """Whether this container failed to delete the connection and has not finished since: its
        record, if still there, is not served."""
        return connection_id in self._unfinished

    @property
    def unfinished_deletions(self) -> tuple[str, ...]:
        """The connections whose deletion this container has still to finish, oldest first."""
        with self._unfinished_lock:
            return tuple(self._unfinished)

    def retry_deletions(self) -> int:
        """Finish the deletions that failed before, oldest first, stopping at the first failure
        (the store is still unavailable); a deletion the store refuses for good (a
        :attr:`StoreError.permanent` failure) is given up, logged, and the next one tried. Returns
        how many are left."""
        for connection_id in self.unfinished_deletions:
            try:
                self.delete_connection(connection_id)
            except StoreError as error:
                if not error.permanent:
                    break
                logger.error(
                    "WebSocket connection %r: its deletion can never succeed, given up: %s",
                    connection_id,
                    error,
                )
                self.deletion_finished(connection_id)
        return len(self._unfinished)

    @abstractmethod
    def put_connection(self, record: ConnectionRecord) -> None:
        """Write a new connection's record; :class:`~mangum.websocket.errors.ConnectionExists` if
        another is there."""
        ...

    @abstractmethod
    def get_connection(self, connection_id: str) -> StoredConnection | None:
        """The live record of a connection, ``None`` when absent, expired or being deleted."""
        ...

    @abstractmethod
    def close_connection(self, connection_id: str, closer: str) -> StoredConnection | None:
        """Mark a live record closing on behalf of ``closer`` and return it as it was; ``None``
        when there is none or another deletion began first (one cut short is finished here)."""
        ...

    @abstractmethod
    def delete_connection(
        self,
        connection_id: str,
        *,
        also_groups: Iterable[str] = (),
        closed: StoredConnection | None = None,
    ) -> frozenset[str]:
        """Delete the record and every membership (and those of ``also_groups``); the groups the
        connection was removed from. Deleting what is not there is not an error."""
        ...

    @abstractmethod
    def join_group(self, connection_id: str, group: str) -> None:
        """Add a connection to a group; :class:`~mangum.websocket.errors.UnknownConnection` when it
        has no live record."""
        ...

    @abstractmethod
    def leave_group(self, connection_id: str, group: str) -> None:
        """Remove a connection from a group (not being in it is not an error)."""
        ...

    @abstractmethod
    def group_members(self, group: str, *, page_size: int | None = None) -> Iterator[str]:
        """The connection ids in a group."""
        ...
