"""Create the connections table: the keys the store uses, on-demand billing, TTL enabled."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from mangum.websocket.aws import dynamodb_client, error_code
from mangum.websocket.errors import StoreError, TableExists
from mangum.websocket.settings import TABLE_VARIABLE
from mangum.websocket.stores.dynamodb import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, store_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from mangum.websocket.settings import WebSocketSettings

logger = logging.getLogger("mangum.websocket")

# A local server that lacks UpdateTimeToLive (dynalite) answers with this code.
_UNSUPPORTED = "UnknownOperationException"
_IN_USE = "ResourceInUseException"
STORE_KEYS = ((PARTITION_KEY, "HASH"), (SORT_KEY, "RANGE"))  # as create_table makes them
"""The key schema the connection store reads and writes: a string partition and sort key."""
ACTIVE_TIMEOUT_SECONDS = 300


def wait_until_active(client: DynamoDBClient, name: str) -> None:
    """Return once the table ``name`` is ACTIVE: until then DynamoDB (and dynalite, even with
    ``--createTableMs 0``) refuses item requests with ``ResourceNotFoundException``. Raises
    :class:`StoreError` after :data:`ACTIVE_TIMEOUT_SECONDS`."""
    # Polls from 50 ms up: a local server is ready at once, AWS takes seconds (botocore's waiter
    # would sleep a whole interval first).
    delay, deadline = 0.05, time.monotonic() + ACTIVE_TIMEOUT_SECONDS
    while client.describe_table(TableName=name)["Table"].get("TableStatus") != "ACTIVE":
        if time.monotonic() > deadline:
            raise StoreError("create_table", f"table {name!r} not active after {ACTIVE_TIMEOUT_SECONDS}s")
        time.sleep(delay)
        delay = min(delay * 2, 2.0)


def _existing(client: DynamoDBClient, name: str) -> TableExists:
    """What to say about the table ``name`` that exists already: whether the store can use it."""
    table = client.describe_table(TableName=name)["Table"]
    keys = tuple(sorted((key["AttributeName"], key["KeyType"]) for key in table.get("KeySchema", [])))
    if keys == STORE_KEYS:
        detail = (
            f"table {name!r} already exists, with the keys the connection store uses; nothing was "
            f"changed: point {TABLE_VARIABLE} at it"
        )
        return TableExists(name, True, detail)
    found = ", ".join(f"{attribute} {kind}" for attribute, kind in keys) or "none"
    wanted = ", ".join(f"{attribute} {kind}" for attribute, kind in STORE_KEYS)
    detail = (
        f"table {name!r} already exists with the keys {found}, not the store's ({wanted}); nothing "
        "was changed: choose another name"
    )
    return TableExists(name, False, detail)


@dataclass(frozen=True, slots=True)
class CreatedTable:
    """What :func:`create_table` did: the table's name and whether TTL is on (``False`` only on
    local servers that do not implement TTL)."""

    name: str
    ttl_enabled: bool


def _create(client: DynamoDBClient, name: str) -> None:
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
            {"AttributeName": SORT_KEY, "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def create_table(name: str, settings: WebSocketSettings) -> CreatedTable:
    """Create a connections table in the settings' region and endpoint, wait until it is active,
    then turn TTL on for the ``ttl`` attribute.

    Raises :class:`~mangum.websocket.errors.TableExists` when a table of that name exists already
    (saying whether its keys suit the store), :class:`StoreError` (cause chained) when a request fails.
    """
    client = dynamodb_client(settings)
    with store_errors("create_table"):
        try:
            _create(client, name)
        except ClientError as error:
            if error_code(error) != _IN_USE:
                raise
            raise _existing(client, name) from error
        wait_until_active(client, name)
        try:
            client.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
            )
        except ClientError as error:
            if error_code(error) != _UNSUPPORTED:
                raise
            logger.warning("table %s created without TTL: the server does not implement TTL", name)
            return CreatedTable(name=name, ttl_enabled=False)
    return CreatedTable(name=name, ttl_enabled=True)
