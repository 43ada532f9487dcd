"""The connection store: one DynamoDB table holding connection records and group memberships.

Table design (single table, string keys ``pk`` / ``sk``, TTL attribute ``ttl``):

=====================  ================  ============================================================
pk                     sk                attributes
=====================  ================  ============================================================
``conn#{id}``          ``record``        ``record`` (the :class:`ConnectionRecord` as JSON),
                                         ``groups`` (string set: the groups the connection joined),
                                         ``version`` (of ``groups``), ``closing`` (once a deletion
                                         began), ``ttl``
``group#{name}``       ``conn#{id}``     ``version`` (of the record it mirrors), ``ttl``
=====================  ================  ============================================================

A group's members are one Query on ``group#{name}``; a connection's groups are in its record, read
with the record itself (one GetItem). Nothing ever Scans. Every item carries ``ttl`` (epoch seconds)
set to when it is written plus API Gateway's two-hour connection limit plus a margin, so that items
of connections that never sent DISCONNECT expire; reads ignore items past their ``ttl`` that
DynamoDB has not deleted yet.

Every write is conditional or idempotent, so that any interleaving of invocations in any number of
containers, and any request repeated after a lost answer, leaves consistent state (memberships:
:mod:`mangum.websocket.stores.dynamodb_memberships`):

- put: only where no record is (a repeat of our own put that was applied is recognised);
- deletion: first mark the record ``closing`` (from then on it is not live: reads return nothing,
  no join succeeds), then delete the memberships it lists, then the record. A deletion cut short
  by a failure leaves a ``closing`` record that still lists what is left, never a membership
  without its record; the container remembers it and finishes it on a later invocation
  (:meth:`ConnectionStore.retry_deletions`), as does the next deletion of the same connection.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from pydantic import ValidationError

from mangum.websocket.aws import dynamodb_client
from mangum.websocket.errors import ConnectionExists, StoreError, UnknownConnection
from mangum.websocket.record import ConnectionRecord, StoredConnection
from mangum.websocket.redaction import Redaction
from mangum.websocket.stores import dynamodb_memberships as memberships
from mangum.websocket.stores.dynamodb_items import (
    CLOSING_ATTRIBUTE,
    CONNECTION_PREFIX,
    GROUP_PREFIX,
    PARTITION_KEY,
    RECORD_ATTRIBUTE,
    SORT_KEY,
    TTL_ATTRIBUTE,
    Item,
    TableRequests,
    expires_at,
    failures,
    groups_of,
    number,
    record_key,
    text,
)
from mangum.websocket.stores.dynamodb_memberships import MAX_GROUP_NAME_BYTES
from mangum.websocket.stores.interface import (
    CONNECTION_LIFETIME_SECONDS,
    MAX_REMEMBERED_DELETIONS,
    TTL_MARGIN_SECONDS,
    BaseConnectionStore,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

    from mangum.websocket.settings import WebSocketSettings

__all__ = [
    "CONNECTION_LIFETIME_SECONDS",
    "MAX_GROUP_NAME_BYTES",
    "MAX_REMEMBERED_DELETIONS",
    "PARTITION_KEY",
    "SORT_KEY",
    "TTL_ATTRIBUTE",
    "TTL_MARGIN_SECONDS",
    "ConnectionStore",
    "store_errors",
]

store_errors = failures
"""Turn botocore's errors into :class:`StoreError` naming the store operation (a context manager)."""


class ConnectionStore(BaseConnectionStore):
    """Connection records and group memberships in one DynamoDB table (see the module docstring).

    Every DynamoDB failure raises :class:`StoreError` with the botocore error chained. ``clock``
    gives epoch seconds (the TTL's reference). ``redaction`` names what stored CONNECT events leave
    out (by default the usual credential headers and query parameters).
    """

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        *,
        clock: Callable[[], float] = time.time,
        redaction: Redaction | None = None,
    ) -> None:
        self.client = client
        self.table = table
        self.redaction = Redaction() if redaction is None else redaction
        super().__init__()
        self._requests = TableRequests(client, table, clock)

    @classmethod
    def from_settings(cls, settings: WebSocketSettings) -> ConnectionStore:
        """The store of the settings' table, through the container's shared client."""
        return cls(dynamodb_client(settings), settings.table, redaction=settings.redaction)

    # --- records ----------------------------------------------------------------------------------

    def put_connection(self, record: ConnectionRecord) -> None:
        """Write the record of a new connection; raises :class:`ConnectionExists` if one is there."""
        requests = self._requests
        try:
            stored = record.to_json(self.redaction)
        except (TypeError, ValueError) as error:
            raise StoreError("put_connection", f"the record does not serialize: {error}") from error
        item: Item = {
            **record_key(record.connection_id),
            RECORD_ATTRIBUTE: text(stored),
            TTL_ATTRIBUTE: requests.expiry(),
        }
        written = requests.send_conditional(
            "put_connection",
            lambda: self.client.put_item(
                TableName=self.table,
                Item=item,
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": PARTITION_KEY},
            ),
        )
        if written is None and self._read(record.connection_id, "put_connection").get(RECORD_ATTRIBUTE) != {
            "S": stored
        }:
            raise ConnectionExists(record.connection_id)

    def get_connection(self, connection_id: str) -> StoredConnection | None:
        """The connection's record (one consistent GetItem); ``None`` when absent, expired or being
        deleted."""
        if self.deletion_unfinished(connection_id):
            return None
        item = self._read(connection_id, "get_connection")
        return self._stored(connection_id, item, "get_connection") if self._requests.live(item) else None

    def close_connection(self, connection_id: str, closer: str) -> StoredConnection | None:
        """Begin deleting a live connection (mark it ``closing``) and return its record as it was.

        ``None`` when there is no live record, or another deletion began first (one that was cut
        short is finished here: the DISCONNECT is the connection's last event). ``closer`` names
        this deletion (the DISCONNECT's request id): a repeat of the request after a lost answer
        still succeeds. Finish with :meth:`delete_connection` (``closed=`` the result).
        """
        if self.deletion_unfinished(connection_id):
            return None
        changed = self._requests.update_record(
            "close_connection",
            connection_id,
            "SET #closing = :closer ADD #version :one",
            "attribute_exists(#pk) AND #ttl > :now "
            "AND (attribute_not_exists(#closing) OR #closing = :closer)",
            {":closer": text(closer), ":one": number(1)},
            "ALL_NEW",
        )
        if changed is None:
            if CLOSING_ATTRIBUTE in self._read(connection_id, "close_connection"):
                self.delete_connection(connection_id)  # a deletion cut short earlier: finish it now
            return None
        return self._stored(connection_id, changed, "close_connection")

    def delete_connection(
        self,
        connection_id: str,
        *,
        also_groups: Iterable[str] = (),
        closed: StoredConnection | None = None,
    ) -> frozenset[str]:
        """Delete the record and every membership; returns the groups the connection was removed from.

        ``also_groups`` names memberships to delete even when the record does not list them (one a
        broadcast found for a connection whose record is already gone); ``closed`` is what
        :meth:`close_connection` returned, which spares marking the record again. Deleting what is
        not there is not an error. On failure the deletion is remembered
        (:meth:`retry_deletions`) and :class:`StoreError` raised.
        """
        try:
            listed = self._mark_closing(connection_id) if closed is None else closed.groups
            groups = listed | frozenset(also_groups)
            memberships.delete_all(self._requests, connection_id, sorted(groups))
            self._requests.send(
                "delete_connection",
                lambda: self.client.delete_item(TableName=self.table, Key=record_key(connection_id)),
            )
        except StoreError:
            self.remember_deletion(connection_id)
            raise
        self.deletion_finished(connection_id)
        return groups

    def _mark_closing(self, connection_id: str) -> frozenset[str]:
        changed = self._requests.update_record(
            "delete_connection",
            connection_id,
            "SET #closing = if_not_exists(#closing, :closer) ADD #version :one",
            "attribute_exists(#pk)",
            {":closer": text(f"delete-{uuid.uuid4().hex}"), ":one": number(1)},
            "ALL_NEW",
        )
        return frozenset() if changed is None else groups_of(changed)

    # --- groups -----------------------------------------------------------------------------------

    def join_group(self, connection_id: str, group: str) -> None:
        """Add the connection to a group; raises :class:`UnknownConnection` when it has no live record."""
        memberships.check_group(group)
        if self.deletion_unfinished(connection_id):
            raise UnknownConnection(connection_id)
        memberships.join(self._requests, connection_id, group)

    def leave_group(self, connection_id: str, group: str) -> None:
        """Remove the connection from a group; leaving a group one is not in is not an error."""
        memberships.leave(self._requests, connection_id, group)

    def group_members(self, group: str, *, page_size: int | None = None) -> Iterator[str]:
        """The connection ids in a group: one consistent Query, followed page by page."""
        memberships.check_group(group)
        now = self._requests.now()
        query: QueryInputTypeDef = {
            "TableName": self.table,
            "KeyConditionExpression": "#pk = :pk",
            "ProjectionExpression": "#sk, #ttl",
            "ExpressionAttributeNames": {"#pk": PARTITION_KEY, "#sk": SORT_KEY, "#ttl": TTL_ATTRIBUTE},
            "ExpressionAttributeValues": {":pk": text(GROUP_PREFIX + group)},
            "ConsistentRead": True,
        }
        if page_size is not None:
            query["Limit"] = page_size
        while True:
            page = self._requests.send("group_members", lambda: self.client.query(**query))
            for item in page["Items"]:
                if expires_at(item) > now:
                    yield item[SORT_KEY].get("S", "").removeprefix(CONNECTION_PREFIX)
            start = page.get("LastEvaluatedKey")
            if start is None:
                return
            query["ExclusiveStartKey"] = start

    # --- reading ----------------------------------------------------------------------------------

    def _read(self, connection_id: str, operation: str) -> Item:
        answer = self._requests.send(
            operation,
            lambda: self.client.get_item(
                TableName=self.table, Key=record_key(connection_id), ConsistentRead=True
            ),
        )
        return answer.get("Item", {})

    def _stored(self, connection_id: str, item: Item, operation: str) -> StoredConnection:
        try:
            record = ConnectionRecord.model_validate_json(item[RECORD_ATTRIBUTE].get("S", ""))
        except (KeyError, ValidationError):
            raise StoreError(operation, f"the record of {connection_id!r} does not parse") from None
        return StoredConnection(record=record, groups=groups_of(item), expires_at=expires_at(item))
