"""Count the requests a client really sends, with botocore's own event hooks."""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType
from typing import Any

from mypy_boto3_dynamodb import DynamoDBClient

WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


class DynamoDbRequests:
    """While entered, counts every DynamoDB request per operation (retries included: each is sent)."""

    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._id = f"request-counter-{id(self)}"
        self.counts: Counter[str] = Counter()

    def _count(self, event_name: str, **_: Any) -> None:
        with self._lock:
            self.counts[event_name.rsplit(".", 1)[-1]] += 1

    @property
    def writes(self) -> int:
        """How many write requests were sent."""
        return sum(count for operation, count in self.counts.items() if operation in WRITES)

    def __enter__(self) -> DynamoDbRequests:
        self._client.meta.events.register("before-send.dynamodb", self._count, unique_id=self._id)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._client.meta.events.unregister("before-send.dynamodb", unique_id=self._id)
