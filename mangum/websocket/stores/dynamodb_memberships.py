"""Group memberships kept consistent with connection records, without transactions.

A membership is stored twice: in the record's ``groups`` set (the authority) and as the item
``group#{name}`` / ``conn#{id}`` that a broadcast's Query reads. DynamoDB writes one item
atomically, and dynalite has no ``TransactWriteItems``, so the two are kept in step by versions:

- every change of a record's ``groups`` adds 1 to its ``version`` (one UpdateItem, which also
  checks the record is live: there, not expired, not ``closing``);
- the membership item then *mirrors* the record at that version: put (present) or deleted
  (absent), each on the condition that the item does not hold a newer version already, so a slow
  writer never undoes a newer change;
- a put may still land after the item was deleted at a newer version (the delete left no version
  behind), so whoever puts reads the record again (one consistent GetItem) and mirrors again until
  the record's version is the one it wrote; a record gone or ``closing`` by then means no membership.

Whatever the interleaving of joins, leaves and deletions from any number of processes, once they
have returned every membership item belongs to a live record that lists its group, and every group
a live record lists has its item. A writer that dies between its two writes can leave one stale
item; it expires with its TTL, and the first broadcast that meets it (410 Gone) removes it.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mangum.deadline import current_deadline
from mangum.websocket.errors import StoreError, UnknownConnection
from mangum.websocket.stores.dynamodb_items import (
    ATTRIBUTE_NAMES,
    TTL_ATTRIBUTE,
    VERSION_ATTRIBUTE,
    Item,
    TableRequests,
    groups_of,
    membership_key,
    number,
    record_key,
    version_of,
)
from mangum.websocket.stores.interface import (
    MAX_GROUP_NAME_BYTES as MAX_GROUP_NAME_BYTES,
    check_group as check_group,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestUnionTypeDef

MIRROR_ROUNDS = 8
"""Re-reads after a put before giving up: each one means another writer changed the record."""
BATCH_SIZE = 25
BATCH_ROUNDS = 6

LIVE = "attribute_exists(#pk) AND attribute_not_exists(#closing) AND #ttl > :now"
"""The condition of a live record: there, not being deleted, not expired."""
_OLDER = "attribute_not_exists(#version) OR #version < :version"
_READ_BACK_NAMES = {
    placeholder: ATTRIBUTE_NAMES[placeholder] for placeholder in ("#groups", "#version", "#closing", "#ttl")
}


def join(requests: TableRequests, connection_id: str, group: str) -> None:
    """Add the connection to a group; :class:`UnknownConnection` when it has no live record."""
    check_group(group)
    changed = requests.update_record(
        "join_group",
        connection_id,
        "ADD #groups :group, #version :one",
        LIVE,
        {":group": {"SS": [group]}, ":one": number(1)},
        "UPDATED_NEW",
    )
    if changed is None:
        raise UnknownConnection(connection_id)
    _mirror(requests, "join_group", connection_id, group, present=True, version=version_of(changed))


def leave(requests: TableRequests, connection_id: str, group: str) -> None:
    """Remove the connection from a group; leaving a group one is not in is not an error."""
    check_group(group)
    changed = requests.update_record(
        "leave_group",
        connection_id,
        "DELETE #groups :group ADD #version :one",
        "attribute_exists(#pk)",
        {":group": {"SS": [group]}, ":one": number(1)},
        "UPDATED_NEW",
    )
    if changed is None:  # no record: no version to respect, and no membership may stay
        _delete_membership(requests, "leave_group", connection_id, group)
        return
    _mirror(requests, "leave_group", connection_id, group, present=False, version=version_of(changed))


def _mirror(
    requests: TableRequests, operation: str, connection_id: str, group: str, *, present: bool, version: int
) -> None:
    """Make the membership item agree with the record's ``groups`` at ``version`` (module docs)."""
    for _ in range(MIRROR_ROUNDS):
        _write_mirror(requests, operation, connection_id, group, present, version)
        if not present:
            return  # a conditional delete never undoes a newer put
        answer = requests.send(
            operation,
            lambda: requests.client.get_item(
                TableName=requests.table,
                Key=record_key(connection_id),
                ConsistentRead=True,
                ProjectionExpression="#groups, #version, #closing, #ttl",
                ExpressionAttributeNames=_READ_BACK_NAMES,
            ),
        )
        record = answer.get("Item")
        if record is None or not requests.live(record):
            _delete_membership(requests, operation, connection_id, group)
            raise UnknownConnection(connection_id)
        current = version_of(record)
        if current == version:
            return
        present, version = group in groups_of(record), current
    raise StoreError(operation, f"the groups of {connection_id!r} kept changing ({MIRROR_ROUNDS} rounds)")


def _write_mirror(
    requests: TableRequests, operation: str, connection_id: str, group: str, present: bool, version: int
) -> None:
    # A failed condition means the item mirrors a newer version already: nothing to do.
    names = {"#version": VERSION_ATTRIBUTE}
    values = {":version": number(version)}
    key = membership_key(group, connection_id)
    if present:
        requests.send_conditional(
            operation,
            lambda: requests.client.put_item(
                TableName=requests.table,
                Item={**key, VERSION_ATTRIBUTE: number(version), TTL_ATTRIBUTE: requests.expiry()},
                ConditionExpression=_OLDER,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            ),
        )
    else:
        requests.send_conditional(
            operation,
            lambda: requests.client.delete_item(
                TableName=requests.table,
                Key=key,
                ConditionExpression=_OLDER,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            ),
        )


def _delete_membership(requests: TableRequests, operation: str, connection_id: str, group: str) -> None:
    requests.send(
        operation,
        lambda: requests.client.delete_item(
            TableName=requests.table, Key=membership_key(group, connection_id)
        ),
    )


def delete_all(requests: TableRequests, connection_id: str, groups: Sequence[str]) -> None:
    """Delete the connection's memberships of ``groups``, 25 per BatchWriteItem.

    Items DynamoDB leaves unprocessed (throttling) are sent again with backoff while the deadline
    allows; if some are still left, :class:`StoreError` is raised. The record, ``closing`` by then,
    still lists them, so the next attempt to delete the connection finishes the work.
    """
    keys: list[Item] = [membership_key(group, connection_id) for group in groups]
    for start in range(0, len(keys), BATCH_SIZE):
        pending: Sequence[WriteRequestUnionTypeDef] = [
            {"DeleteRequest": {"Key": key}} for key in keys[start : start + BATCH_SIZE]
        ]
        for attempt in range(BATCH_ROUNDS):
            if attempt:
                _pause(len(pending), attempt)
            answer = requests.send(
                "delete_connection",
                functools.partial(requests.client.batch_write_item, RequestItems={requests.table: pending}),
            )
            pending = answer.get("UnprocessedItems", {}).get(requests.table, [])
            if not pending:
                break
        else:
            raise StoreError("delete_connection", f"{len(pending)} memberships left unprocessed")


def _pause(left: int, attempt: int) -> None:
    delay = random.uniform(0, min(1.0, 0.05 * 2**attempt))  # unprocessed items mean throttling
    deadline = current_deadline()
    if deadline is not None and deadline.remaining() < delay + 0.005:
        raise StoreError("delete_connection", f"{left} memberships left unprocessed at the deadline")
    time.sleep(delay)
