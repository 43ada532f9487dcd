"""What every connection store provides: the interface the WebSocket cycle and the app's
:class:`~mangum.websocket.api.WebSocketConnections` use, met by the DynamoDB store
(:class:`~mangum.websocket.store.ConnectionStore`) and the embedded SQLite one
(:class:`~mangum.websocket.sqlite_store.SqliteConnectionStore`).

The semantics every store keeps (the DynamoDB module docs explain them at length):

- :meth:`~ConnectionStoreProtocol.put_connection` writes only where no record is, and recognises a
  repeat of its own write;
- a deletion first marks the record *closing* (from then on it is not live: reads return nothing,
  no join succeeds), then removes the memberships, then the record;
  :meth:`~ConnectionStoreProtocol.close_connection` marks it for a DISCONNECT (a repeat with the
  same ``closer`` succeeds again), and a deletion cut short is remembered and finished later;
- a group's members are connections whose records are live, whatever the interleaving of joins,
  leaves and deletions from any number of processes.

Every failure of the store itself raises :class:`~mangum.websocket.errors.StoreError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mangum.websocket.record import ConnectionRecord, StoredConnection
    from mangum.websocket.redaction import Redaction


class ConnectionStoreProtocol(Protocol):
    """Connection records and group memberships (see the module docs)."""

    redaction: Redaction
    """What stored CONNECT events leave out."""

    def put_connection(self, record: ConnectionRecord) -> None:
        """Write a new connection's record; :class:`~mangum.websocket.errors.ConnectionExists` if
        another is there."""
        ...

    def get_connection(self, connection_id: str) -> StoredConnection | None:
        """The live record of a connection, ``None`` when absent, expired or being deleted."""
        ...

    def close_connection(self, connection_id: str, closer: str) -> StoredConnection | None:
        """Mark a live record closing on behalf of ``closer`` and return it as it was; ``None``
        when there is none or another deletion began first (one cut short is finished here)."""
        ...

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

    def remember_deletion(self, connection_id: str) -> None:
        """Keep a deletion to finish later; until then the connection counts as closed."""
        ...

    def deletion_unfinished(self, connection_id: str) -> bool:
        """Whether this process failed to delete the connection and has not finished since."""
        ...

    @property
    def unfinished_deletions(self) -> tuple[str, ...]:
        """The deletions still to be finished, oldest first."""
        ...

    def retry_deletions(self) -> int:
        """Finish remembered deletions, oldest first, stopping at the first failure; how many are left."""
        ...

    def join_group(self, connection_id: str, group: str) -> None:
        """Add a connection to a group; :class:`~mangum.websocket.errors.UnknownConnection` when it
        has no live record."""
        ...

    def leave_group(self, connection_id: str, group: str) -> None:
        """Remove a connection from a group (not being in it is not an error)."""
        ...

    def group_members(self, group: str, *, page_size: int | None = None) -> Iterator[str]:
        """The connection ids in a group."""
        ...
