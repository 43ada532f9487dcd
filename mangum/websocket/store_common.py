"""What the connection stores share, without boto3: the lifetimes, the group-name rule, and the
deletions a process remembers to finish (:class:`UnfinishedDeletions`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mangum.websocket.errors import InvalidGroupName, StoreError

logger = logging.getLogger("mangum.websocket")

if TYPE_CHECKING:
    from mangum.websocket.record import StoredConnection

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


class UnfinishedDeletions:
    """The deletions this process failed to finish, kept to finish later, oldest first.

    A store mixes it in beside its own ``delete_connection``, which forgets a connection once its
    deletion succeeded (:meth:`deletion_finished`).
    """

    def __init__(self) -> None:
        self._unfinished: dict[str, None] = {}
        self._unfinished_lock = threading.Lock()

    def delete_connection(
        self,
        connection_id: str,
        *,
        also_groups: Iterable[str] = (),
        closed: StoredConnection | None = None,
    ) -> frozenset[str]:
        """Delete the connection (the store's own)."""
        raise NotImplementedError

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
