"""One process of a race: the same store operation on every connection of a list. Before each
connection every racer waits at a shared barrier, so that the operations of all the processes on
that connection start at the same moment (plus a random delay of up to a few milliseconds, to
vary who goes first).

Roles: ``join`` (join ``a`` then ``b``), ``leave`` (leave ``a``), ``rejoin`` (join ``a``),
``delete`` (delete the connection). Each process puts on the queue how many of its operations
succeeded (``done``), found the connection gone (``gone``; ``gone at b`` for a ``join`` whose
first join succeeded), or failed.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from mangum.websocket.errors import StoreError, UnknownConnection
from mangum.websocket.settings import websocket_settings
from mangum.websocket.stores.dynamodb import ConnectionStore

JITTER_SECONDS = 0.015


def operation(store: ConnectionStore, role: str) -> Callable[[str], object]:
    """What the role does to one connection."""

    def join(connection: str) -> str:
        store.join_group(connection, "a")
        try:
            store.join_group(connection, "b")
        except UnknownConnection:
            return "gone at b"
        return "done"

    roles: dict[str, Callable[[str], object]] = {
        "join": join,
        "rejoin": lambda connection: store.join_group(connection, "a"),
        "leave": lambda connection: store.leave_group(connection, "a"),
        "delete": store.delete_connection,
    }
    return roles[role]


def run(
    role: str,
    table: str,
    endpoint: str,
    connections: list[str],
    barrier: Barrier,
    seed: int,
    results: Queue[tuple[str, dict[str, int]]],
) -> None:
    """The body of one racing process."""
    store = ConnectionStore.from_settings(websocket_settings(table=table, dynamodb_endpoint=endpoint))
    act = operation(store, role)
    jitter = random.Random(seed)
    outcomes: Counter[str] = Counter()
    for connection in connections:
        barrier.wait()
        time.sleep(jitter.uniform(0, JITTER_SECONDS))
        try:
            outcome = act(connection)
        except UnknownConnection:
            outcomes["gone"] += 1
        except StoreError as error:
            outcomes[f"failed: {error}"] += 1
        else:
            outcomes[outcome if isinstance(outcome, str) else "done"] += 1
    results.put((role, dict(outcomes)))
