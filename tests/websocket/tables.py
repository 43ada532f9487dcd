"""Read a whole table back, to check exactly what the store left in it."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from mangum.websocket.stores.dynamodb import ConnectionStore
from mangum.websocket.stores.interface import BaseConnectionStore


def dynamodb_store(store: BaseConnectionStore) -> ConnectionStore:
    """The store, which these tests made a DynamoDB one."""
    assert isinstance(store, ConnectionStore), f"not a DynamoDB store: {store!r}"
    return store


def table_items(any_store: BaseConnectionStore) -> dict[tuple[str, str], dict[str, Any]]:
    """Every item in the store's table by (pk, sk), values plain (a test may Scan; the library never)."""
    store = dynamodb_store(any_store)
    pages = store.client.get_paginator("scan").paginate(TableName=store.table, ConsistentRead=True)
    deserializer = TypeDeserializer()
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for page in pages:
        for item in page["Items"]:
            plain = {name: deserializer.deserialize(value) for name, value in item.items()}
            items[(plain.pop("pk"), plain.pop("sk"))] = plain
    return items
