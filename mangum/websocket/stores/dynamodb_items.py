"""The connections table's items and the requests that read and write them.

Keys, attribute names and the helpers that read them, shared by the store (:mod:`.dynamodb`) and
the group memberships (:mod:`.dynamodb_memberships`);
and :class:`TableRequests`, through which every request goes: bounded by the invocation's
deadline, retried when safe (:mod:`mangum.websocket.aws`), failures raised as
:class:`~mangum.websocket.errors.StoreError` naming the store operation and what stalled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from mangum.deadline import current_deadline
from mangum.websocket.aws import OutOfTime, Repeat, call, describe, error_code, not_sent, transient
from mangum.websocket.errors import StoreError
from mangum.websocket.stores.interface import CONNECTION_LIFETIME_SECONDS, TTL_MARGIN_SECONDS

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.literals import ReturnValueType
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

T = TypeVar("T")

PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "ttl"
RECORD_ATTRIBUTE = "record"
GROUPS_ATTRIBUTE = "groups"
VERSION_ATTRIBUTE = "version"
CLOSING_ATTRIBUTE = "closing"
RECORD_SORT_KEY = "record"
CONNECTION_PREFIX = "conn#"
GROUP_PREFIX = "group#"


CONDITION_FAILED = "ConditionalCheckFailedException"
_SERVICE = "DynamoDB"

Item = dict[str, "AttributeValueTypeDef"]

ATTRIBUTE_NAMES = {
    "#pk": PARTITION_KEY,
    "#ttl": TTL_ATTRIBUTE,
    "#closing": CLOSING_ATTRIBUTE,
    "#version": VERSION_ATTRIBUTE,
    "#groups": GROUPS_ATTRIBUTE,
}
"""The placeholders update and condition expressions use for attribute names."""


def text(value: str) -> AttributeValueTypeDef:
    """A string attribute value."""
    return {"S": value}


def number(value: int) -> AttributeValueTypeDef:
    """A number attribute value."""
    return {"N": str(value)}


def record_key(connection_id: str) -> Item:
    """The key of a connection's record."""
    return {PARTITION_KEY: text(CONNECTION_PREFIX + connection_id), SORT_KEY: text(RECORD_SORT_KEY)}


def membership_key(group: str, connection_id: str) -> Item:
    """The key of one membership: the group's partition, the connection's sort key."""
    return {PARTITION_KEY: text(GROUP_PREFIX + group), SORT_KEY: text(CONNECTION_PREFIX + connection_id)}


def expires_at(item: Item) -> int:
    """An item's TTL in epoch seconds (0 when it has none)."""
    return int(item[TTL_ATTRIBUTE].get("N", "0")) if TTL_ATTRIBUTE in item else 0


def groups_of(item: Item) -> frozenset[str]:
    """The groups a record lists."""
    return frozenset(item[GROUPS_ATTRIBUTE].get("SS", ())) if GROUPS_ATTRIBUTE in item else frozenset()


def version_of(item: Item) -> int:
    """The version of a record's groups, or of the record state a membership mirrors (0: none)."""
    return int(item[VERSION_ATTRIBUTE].get("N", "0")) if VERSION_ATTRIBUTE in item else 0


class TableRequests:
    """Requests to one table through one client; ``clock`` gives epoch seconds (the TTL's reference)."""

    def __init__(self, client: DynamoDBClient, table: str, clock: Callable[[], float]) -> None:
        self.client = client
        self.table = table
        self._clock = clock

    def now(self) -> int:
        """Epoch seconds."""
        return int(self._clock())

    def expiry(self) -> AttributeValueTypeDef:
        """The TTL of an item written now: the connection's longest life plus a margin."""
        return number(self.now() + CONNECTION_LIFETIME_SECONDS + TTL_MARGIN_SECONDS)

    def live(self, item: Item | None) -> bool:
        """Whether a record item is there, not expired and not being deleted."""
        return item is not None and CLOSING_ATTRIBUTE not in item and expires_at(item) > self.now()

    def send(self, operation: str, request: Callable[[], T]) -> T:
        """``request()`` with the retries that are safe (every write here is idempotent)."""
        with failures(operation):
            return call(request, Repeat.IDEMPOTENT)

    def send_conditional(self, operation: str, request: Callable[[], T]) -> T | None:
        """Like :meth:`send`, but ``None`` when the request's condition did not hold."""

        def attempt() -> T | None:
            try:
                return request()
            except ClientError as error:
                if error_code(error) == CONDITION_FAILED:
                    return None
                raise

        return self.send(operation, attempt)

    def update_record(
        self,
        operation: str,
        connection_id: str,
        update: str,
        condition: str,
        values: dict[str, AttributeValueTypeDef],
        returns: ReturnValueType,
    ) -> Item | None:
        """One conditional UpdateItem of a connection's record; the attributes ``returns`` asks for,
        or ``None`` when ``condition`` did not hold. ``:now`` is the current epoch second."""
        expressions = update + condition
        names = {
            placeholder: name for placeholder, name in ATTRIBUTE_NAMES.items() if placeholder in expressions
        }
        if ":now" in expressions:
            values = {**values, ":now": number(self.now())}
        answer = self.send_conditional(
            operation,
            lambda: self.client.update_item(
                TableName=self.table,
                Key=record_key(connection_id),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues=returns,
            ),
        )
        return None if answer is None else answer.get("Attributes", {})


@contextmanager
def failures(operation: str) -> Iterator[None]:
    """Turn a failed request into :class:`StoreError` naming the store operation and what went wrong."""
    started = time.monotonic()
    try:
        yield
    except ClientError as error:
        permanent = not (transient(error) or not_sent(error))
        raise StoreError(operation, error_code(error), permanent=permanent) from error
    except (BotoCoreError, OutOfTime) as error:
        detail = describe(error, _SERVICE, time.monotonic() - started, current_deadline())
        raise StoreError(operation, detail) from error
