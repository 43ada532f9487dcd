"""The embedded connection store: records and memberships in one SQLite file, no boto3, no server.

``python -m mangum serve`` uses it by default, its workers (separate processes) sharing the file.
It keeps the semantics of the DynamoDB store (:mod:`mangum.websocket.stores.interface`), each
operation one SQLite transaction (``BEGIN IMMEDIATE``: writers queue on the file's lock, readers
never see half a change), so the conditions DynamoDB checks per item hold here for the whole
operation:

- ``{table}``: ``connection_id`` (key), ``record`` (the :class:`ConnectionRecord` as JSON),
  ``closing`` (who began deleting it, ``NULL`` while live), ``expires`` (epoch seconds: written
  time plus the two-hour connection limit plus a margin, as the DynamoDB TTL);
- ``{table}.groups``: ``grp``, ``connection_id`` (key together): one row per membership.

A membership is written only while its record is live, and deleted with it in the same transaction,
so no membership outlives its record; a group's members are read with their records' liveness.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from pydantic import ValidationError

from mangum.websocket.errors import ConnectionExists, StoreError, UnknownConnection
from mangum.websocket.record import ConnectionRecord, StoredConnection
from mangum.websocket.redaction import Redaction
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.interface import (
    CONNECTION_LIFETIME_SECONDS,
    TTL_MARGIN_SECONDS,
    BaseConnectionStore,
    check_group,
)

BUSY_TIMEOUT_SECONDS = 5.0
"""How long an operation waits for another process's transaction on the file."""
PAGE_SIZE = 500


class SqliteConnectionStore(BaseConnectionStore):
    """Connection records and group memberships in an SQLite file (see the module docs).

    ``path`` is the file (created with its tables when missing); ``table`` names the tables in it.
    ``clock`` gives epoch seconds. Every SQLite failure raises :class:`StoreError`. Thread-safe.
    """

    def __init__(
        self,
        path: str,
        table: str = "mangum-connections",
        *,
        clock: Callable[[], float] = time.time,
        redaction: Redaction | None = None,
    ) -> None:
        super().__init__()
        self.path = path
        self.table = table
        self.redaction = Redaction() if redaction is None else redaction
        self._clock = clock
        self._records = f'"{table}"'
        self._groups = f'"{table}.groups"'
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        with self._transaction("create_table") as db:
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._records} (connection_id TEXT PRIMARY KEY, "
                "record TEXT NOT NULL, closing TEXT, expires INTEGER NOT NULL)"
            )
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {self._groups} (grp TEXT NOT NULL, connection_id TEXT NOT NULL, "
                "PRIMARY KEY (grp, connection_id))"
            )
            db.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}.by_connection" ON {self._groups} (connection_id)'
            )

    @classmethod
    def from_settings(cls, settings: WebSocketSettings) -> SqliteConnectionStore:
        """The store of the settings' SQLite file and table."""
        if settings.sqlite_path is None:
            raise ValueError("the settings name no SQLite file")
        return cls(settings.sqlite_path, settings.table, redaction=settings.redaction)

    def close(self) -> None:
        """Close the file (a later operation opens it again)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    @contextmanager
    def _transaction(self, operation: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = sqlite3.connect(
                        self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
                    )
                    self._connection.execute("PRAGMA journal_mode=WAL")
                db = self._connection
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
            except sqlite3.Error as error:
                raise StoreError(operation, f"SQLite: {error}") from error
            except UnicodeEncodeError as error:
                # Text with a lone surrogate (a connection id, say) cannot be bound as UTF-8.
                raise StoreError(
                    operation, f"SQLite cannot store the text: {error}", permanent=True
                ) from error

    def _now(self) -> int:
        return int(self._clock())

    def remember_deletion(self, connection_id: str) -> None:
        """Keep a deletion to finish later, unless the id is text SQLite cannot encode: nothing is
        stored under it, and a retry that can only fail would hold up every retry after it."""
        try:
            connection_id.encode()
        except UnicodeEncodeError:
            return
        super().remember_deletion(connection_id)

    # --- records ----------------------------------------------------------------------------------

    def put_connection(self, record: ConnectionRecord) -> None:
        """Write the record of a new connection; raises :class:`ConnectionExists` if one is there."""
        try:
            stored = record.to_json(self.redaction)
        except (TypeError, ValueError) as error:
            raise StoreError("put_connection", f"the record does not serialize: {error}") from error
        expires = self._now() + CONNECTION_LIFETIME_SECONDS + TTL_MARGIN_SECONDS
        with self._transaction("put_connection") as db:
            query = f"SELECT record, expires FROM {self._records} WHERE connection_id = ?"
            row = db.execute(query, (record.connection_id,)).fetchone()
            if row is not None and row[1] > self._now():
                if row[0] == stored:
                    return  # a repeat of this very write
                raise ConnectionExists(record.connection_id)
            db.execute(
                f"INSERT OR REPLACE INTO {self._records} VALUES (?, ?, NULL, ?)",
                (record.connection_id, stored, expires),
            )

    def get_connection(self, connection_id: str) -> StoredConnection | None:
        """The connection's record; ``None`` when absent, expired or being deleted."""
        if self.deletion_unfinished(connection_id):
            return None
        with self._transaction("get_connection") as db:
            row = db.execute(
                f"SELECT record, expires FROM {self._records} "
                "WHERE connection_id = ? AND closing IS NULL AND expires > ?",
                (connection_id, self._now()),
            ).fetchone()
            return None if row is None else self._stored(db, connection_id, row[0], row[1], "get_connection")

    def close_connection(self, connection_id: str, closer: str) -> StoredConnection | None:
        """Begin deleting a live connection on behalf of ``closer`` and return its record as it was;
        ``None`` when there is none, or another deletion began first (which is then finished)."""
        if self.deletion_unfinished(connection_id):
            return None
        with self._transaction("close_connection") as db:
            row = db.execute(
                f"SELECT record, expires, closing FROM {self._records} WHERE connection_id = ?",
                (connection_id,),
            ).fetchone()
            if row is not None and row[1] > self._now() and row[2] in (None, closer):
                db.execute(
                    f"UPDATE {self._records} SET closing = ? WHERE connection_id = ?", (closer, connection_id)
                )
                return self._stored(db, connection_id, row[0], row[1], "close_connection")
        if row is not None and row[2] is not None:
            self.delete_connection(connection_id)  # a deletion cut short earlier: finish it now
        return None

    def delete_connection(
        self,
        connection_id: str,
        *,
        also_groups: Iterable[str] = (),
        closed: StoredConnection | None = None,
    ) -> frozenset[str]:
        """Delete the record and every membership; returns the groups the connection was removed from."""
        try:
            with self._transaction("delete_connection") as db:
                listed = self._groups_of(db, connection_id)
                db.execute(f"DELETE FROM {self._groups} WHERE connection_id = ?", (connection_id,))
                db.execute(f"DELETE FROM {self._records} WHERE connection_id = ?", (connection_id,))
        except StoreError:
            self.remember_deletion(connection_id)
            raise
        self.deletion_finished(connection_id)
        return listed | frozenset(also_groups) | (closed.groups if closed is not None else frozenset())

    # --- groups -----------------------------------------------------------------------------------

    def join_group(self, connection_id: str, group: str) -> None:
        """Add the connection to a group; raises :class:`UnknownConnection` when it has no live record."""
        check_group(group)
        if self.deletion_unfinished(connection_id):
            raise UnknownConnection(connection_id)
        with self._transaction("join_group") as db:
            live = db.execute(
                f"SELECT 1 FROM {self._records} WHERE connection_id = ? AND closing IS NULL AND expires > ?",
                (connection_id, self._now()),
            ).fetchone()
            if live is None:
                raise UnknownConnection(connection_id)
            db.execute(f"INSERT OR IGNORE INTO {self._groups} VALUES (?, ?)", (group, connection_id))

    def leave_group(self, connection_id: str, group: str) -> None:
        """Remove the connection from a group; leaving a group one is not in is not an error."""
        check_group(group)
        with self._transaction("leave_group") as db:
            db.execute(
                f"DELETE FROM {self._groups} WHERE grp = ? AND connection_id = ?", (group, connection_id)
            )

    def group_members(self, group: str, *, page_size: int | None = None) -> Iterator[str]:
        """The live connections in a group, read page by page (in connection id order)."""
        check_group(group)
        after = ""
        while True:
            with self._transaction("group_members") as db:
                rows = db.execute(
                    f"SELECT m.connection_id FROM {self._groups} AS m JOIN {self._records} AS r "
                    "ON r.connection_id = m.connection_id WHERE m.grp = ? AND m.connection_id > ? "
                    "AND r.closing IS NULL AND r.expires > ? ORDER BY m.connection_id LIMIT ?",
                    (group, after, self._now(), page_size or PAGE_SIZE),
                ).fetchall()
            for (member,) in rows:
                yield member
            if len(rows) < (page_size or PAGE_SIZE):
                return
            after = rows[-1][0]

    # --- reading ----------------------------------------------------------------------------------

    def _groups_of(self, db: sqlite3.Connection, connection_id: str) -> frozenset[str]:
        rows = db.execute(f"SELECT grp FROM {self._groups} WHERE connection_id = ?", (connection_id,))
        return frozenset(group for (group,) in rows)

    def _stored(
        self, db: sqlite3.Connection, connection_id: str, text: str, expires: int, operation: str
    ) -> StoredConnection:
        try:
            record = ConnectionRecord.model_validate_json(text)
        except ValidationError:
            raise StoreError(operation, f"the record of {connection_id!r} does not parse") from None
        return StoredConnection(record=record, groups=self._groups_of(db, connection_id), expires_at=expires)
