"""Broadcast to a group: the library's concurrent posts against one post after another.

Runs dynalite and the loopback Management API from the test suite (run scripts/setup first); the
Management API answers after a delay that stands for the round trip from Lambda to API Gateway.
Prints the median time of each way and their ratio.

    .venv/bin/python -m benchmarks.websocket_broadcast [members] [latency_ms]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable

from mangum.websocket.api import WebSocketConnections
from mangum.websocket.record import ConnectionRecord
from mangum.websocket.settings import websocket_settings
from mangum.websocket.stores.dynamodb_table import create_table
from tests.support.servers.dynalite import running_dynalite
from tests.support.servers.management_api import running_management_api
from tests.websocket.factories import connect_event, connection_id

ROUNDS = 15


def median_seconds(action: Callable[[], object]) -> float:
    """The median wall time of ``ROUNDS`` runs after one warm-up run."""
    action()
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main(members: int, latency_ms: float) -> None:
    """Set up a group of ``members`` and time both ways of posting to all of them."""
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ.setdefault(name, value)
    with running_dynalite() as dynamodb, running_management_api(latency_ms / 1000) as api:
        table = f"bench-{uuid.uuid4().hex}"
        settings = websocket_settings(
            table=table, dynamodb_endpoint=dynamodb, api_endpoint=api.endpoint("prod"), region="eu-west-1"
        )
        create_table(table, settings)
        connections = WebSocketConnections.from_settings(settings)
        for _ in range(members):
            member = connection_id()
            connections.store.put_connection(ConnectionRecord.from_connect_event(connect_event(member)))
            connections.store.join_group(member, "room")
            api.state.open(member)

        def one_after_another() -> None:
            for member in connections.store.group_members("room"):
                connections.management.post(member, b"hello")

        sequential = median_seconds(one_after_another)
        concurrent = median_seconds(lambda: connections.broadcast("room", b"hello"))
    print(f"broadcast to {members} members, {latency_ms:g} ms per post, median of {ROUNDS}:")
    print(f"  one post after another: {sequential * 1000:8.1f} ms")
    print(f"  broadcast (concurrent): {concurrent * 1000:8.1f} ms")
    print(f"  ratio: {sequential / concurrent:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50, float(sys.argv[2]) if len(sys.argv) > 2 else 20.0)
