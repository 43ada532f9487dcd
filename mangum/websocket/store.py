"""The connection store: one DynamoDB table holding connection records and group memberships.

Table design (single table, string keys ``pk`` / ``sk``, TTL attribute ``ttl``):

=====================  ================  ============================================================
pk                     sk                attributes
=====================  ================  ============================================================
``conn#{id}``          ``record``        ``record`` (the :class:`ConnectionRecord` as JSON),
                                         ``groups`` (string set: the groups the connection joined),
                                         ``ttl``
``group#{name}``       ``conn#{id}``     ``ttl``
=====================  ================  ============================================================

A group's members are one Query on ``group#{name}``; a connection's groups are in its record, read
with the record itself (one GetItem). Nothing ever Scans. Every item carries ``ttl`` (epoch seconds)
set to when it is written plus API Gateway's two-hour connection limit plus a margin, so that items
of connections that never sent DISCONNECT expire; reads ignore items past their ``ttl`` that
DynamoDB has not deleted yet.

No half state is visible without transactions (which dynalite, the local test server, lacks):
the connection's own record is the authority and is written first on join and last on leave.

- join: add the group to the record's ``groups`` (conditional: the record exists and is live),
  then put the membership. A failure between the two leaves a group listed in the record only,
  invisible to broadcasts and removed with the connection.
- leave: delete the membership, then remove the group from the record.
- delete: delete the record (returning its ``groups``, atomically: no join can succeed after it),
  then delete every membership it listed.
- A membership whose connection is gone anyway (a join racing a disconnect) is removed by the
  first broadcast that meets it (410 Gone) or by its TTL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from mangum.websocket.clients import dynamodb_client, error_code
from mangum.websocket.errors import ConnectionExists, InvalidGroupName, StoreError, UnknownConnection
from mangum.websocket.record import ConnectionRecord, StoredConnection

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        QueryInputTypeDef,
        WriteRequestUnionTypeDef,
    )

    from mangum.websocket.settings import WebSocketSettings

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "ttl"
RECORD_ATTRIBUTE = "record"
GROUPS_ATTRIBUTE = "groups"
RECORD_SORT_KEY = "record"
CONNECTION_PREFIX = "conn#"
GROUP_PREFIX = "group#"

CONNECTION_LIFETIME_SECONDS = 2 * 60 * 60
"""API Gateway closes every WebSocket connection after two hours."""
TTL_MARGIN_SECONDS = 10 * 60
MAX_GROUP_NAME_BYTES = 512

_BATCH_SIZE = 25
_BATCH_ATTEMPTS = 6
_CONDITION_FAILED = "ConditionalCheckFailedException"

Item = dict[str, "AttributeValueTypeDef"]


def _text(value: str) -> AttributeValueTypeDef:
    return {"S": value}


def _record_key(connection_id: str) -> Item:
    return {PARTITION_KEY: _text(CONNECTION_PREFIX + connection_id), SORT_KEY: _text(RECORD_SORT_KEY)}


def _membership_key(group: str, connection_id: str) -> Item:
    return {PARTITION_KEY: _text(GROUP_PREFIX + group), SORT_KEY: _text(CONNECTION_PREFIX + connection_id)}


def _check_group(group: str) -> None:
    if not group or len(group.encode()) > MAX_GROUP_NAME_BYTES:
        raise InvalidGroupName(f"a group name must be 1 to {MAX_GROUP_NAME_BYTES} bytes of UTF-8")


class ConnectionStore:
    """Connection records and group memberships in one DynamoDB table (see the module docstring).

    Every DynamoDB failure raises :class:`StoreError` with the botocore error chained. ``clock``
    gives epoch seconds (the TTL's reference).
    """

    def __init__(self, client: DynamoDBClient, table: str, *, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.table = table
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: WebSocketSettings) -> ConnectionStore:
        """The store of the settings' table, through the container's shared client."""
        return cls(dynamodb_client(settings), settings.table)

    def _now(self) -> int:
        return int(self._clock())

    def _expiry(self) -> AttributeValueTypeDef:
        return {"N": str(self._now() + CONNECTION_LIFETIME_SECONDS + TTL_MARGIN_SECONDS)}

    def put_connection(self, record: ConnectionRecord) -> None:
        """Write the record of a new connection; raises :class:`ConnectionExists` if one is there."""
        item: Item = {
            **_record_key(record.connection_id),
            RECORD_ATTRIBUTE: _text(record.to_json()),
            TTL_ATTRIBUTE: self._expiry(),
        }
        with store_errors("put_connection"):
            try:
                self.client.put_item(
                    TableName=self.table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(#pk)",
                    ExpressionAttributeNames={"#pk": PARTITION_KEY},
                )
            except ClientError as error:
                if error_code(error) == _CONDITION_FAILED:
                    raise ConnectionExists(record.connection_id) from error
                raise

    def get_connection(self, connection_id: str) -> StoredConnection | None:
        """The connection's record (one consistent GetItem); ``None`` when absent or expired."""
        with store_errors("get_connection"):
            answer = self.client.get_item(
                TableName=self.table, Key=_record_key(connection_id), ConsistentRead=True
            )
        item = answer.get("Item")
        if item is None or _expires_at(item) <= self._now():
            return None
        try:
            record = ConnectionRecord.model_validate_json(item[RECORD_ATTRIBUTE].get("S", ""))
        except ValidationError:
            raise StoreError("get_connection", f"the record of {connection_id!r} does not parse") from None
        return StoredConnection(record=record, groups=_groups(item), expires_at=_expires_at(item))

    def delete_connection(self, connection_id: str, *, also_groups: Iterable[str] = ()) -> frozenset[str]:
        """Delete the record and every membership; returns the groups the connection was removed from.

        ``also_groups`` names memberships to delete even when the record does not list them (one a
        broadcast found for a connection whose record is already gone). Deleting what is not there
        is not an error.
        """
        with store_errors("delete_connection"):
            answer = self.client.delete_item(
                TableName=self.table, Key=_record_key(connection_id), ReturnValues="ALL_OLD"
            )
            groups = _groups(answer.get("Attributes", {})) | frozenset(also_groups)
            self._delete_items([_membership_key(group, connection_id) for group in sorted(groups)])
        return groups

    def _delete_items(self, keys: list[Item]) -> None:
        for start in range(0, len(keys), _BATCH_SIZE):
            pending: Sequence[WriteRequestUnionTypeDef] = [
                {"DeleteRequest": {"Key": key}} for key in keys[start : start + _BATCH_SIZE]
            ]
            for attempt in range(_BATCH_ATTEMPTS):
                if attempt:
                    time.sleep(0.05 * 2**attempt)  # unprocessed items mean throttling: back off
                answer = self.client.batch_write_item(RequestItems={self.table: pending})
                pending = answer.get("UnprocessedItems", {}).get(self.table, [])
                if not pending:
                    break
            else:
                raise StoreError("delete_connection", f"{len(pending)} memberships left unprocessed")

    def join_group(self, connection_id: str, group: str) -> None:
        """Add the connection to a group; raises :class:`UnknownConnection` when it has no live record."""
        _check_group(group)
        with store_errors("join_group"):
            if not self._change_groups("ADD", connection_id, group):
                raise UnknownConnection(connection_id)
            self.client.put_item(
                TableName=self.table,
                Item={**_membership_key(group, connection_id), TTL_ATTRIBUTE: self._expiry()},
            )

    def leave_group(self, connection_id: str, group: str) -> None:
        """Remove the connection from a group; leaving a group one is not in is not an error."""
        _check_group(group)
        with store_errors("leave_group"):
            self.client.delete_item(TableName=self.table, Key=_membership_key(group, connection_id))
            self._change_groups("DELETE", connection_id, group)

    def _change_groups(self, action: Literal["ADD", "DELETE"], connection_id: str, group: str) -> bool:
        """Add a group to, or delete it from, the record's set; ``False`` when there is no live record
        (the condition keeps an update from creating a record)."""
        try:
            self.client.update_item(
                TableName=self.table,
                Key=_record_key(connection_id),
                UpdateExpression=f"{action} #groups :group",
                ConditionExpression="attribute_exists(#pk) AND #ttl > :now",
                ExpressionAttributeNames={
                    "#pk": PARTITION_KEY,
                    "#ttl": TTL_ATTRIBUTE,
                    "#groups": GROUPS_ATTRIBUTE,
                },
                ExpressionAttributeValues={":group": {"SS": [group]}, ":now": {"N": str(self._now())}},
            )
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return False
            raise
        return True

    def group_members(self, group: str, *, page_size: int | None = None) -> Iterator[str]:
        """The connection ids in a group: one consistent Query, followed page by page."""
        _check_group(group)
        now = self._now()
        query: QueryInputTypeDef = {
            "TableName": self.table,
            "KeyConditionExpression": "#pk = :pk",
            "ProjectionExpression": "#sk, #ttl",
            "ExpressionAttributeNames": {"#pk": PARTITION_KEY, "#sk": SORT_KEY, "#ttl": TTL_ATTRIBUTE},
            "ExpressionAttributeValues": {":pk": _text(GROUP_PREFIX + group)},
            "ConsistentRead": True,
        }
        if page_size is not None:
            query["Limit"] = page_size
        while True:
            with store_errors("group_members"):
                page = self.client.query(**query)
            for item in page["Items"]:
                if _expires_at(item) > now:
                    yield item[SORT_KEY].get("S", "").removeprefix(CONNECTION_PREFIX)
            start = page.get("LastEvaluatedKey")
            if start is None:
                return
            query["ExclusiveStartKey"] = start


@contextmanager
def store_errors(operation: str) -> Iterator[None]:
    """Turn botocore's errors into :class:`StoreError` naming the store operation."""
    try:
        yield
    except ClientError as error:
        raise StoreError(operation, error_code(error)) from error
    except BotoCoreError as error:
        raise StoreError(operation, type(error).__name__) from error


def _expires_at(item: Item) -> int:
    return int(item[TTL_ATTRIBUTE].get("N", "0")) if TTL_ATTRIBUTE in item else 0


def _groups(item: Item) -> frozenset[str]:
    return frozenset(item[GROUPS_ATTRIBUTE].get("SS", ())) if GROUPS_ATTRIBUTE in item else frozenset()
