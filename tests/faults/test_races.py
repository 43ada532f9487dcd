"""Joins, leaves and deletions of the same connections racing in separate processes (each its own
boto3 client, as separate Lambda containers are) against one real dynalite: whatever the
interleaving, no orphan membership, no ghost record, no membership lost or kept by mistake.

The audit that found the race measured 7 orphans in 300 join-versus-delete races with the
store's previous design; here every connection meets all its racers at the same moment.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from multiprocessing.queues import Queue

import pytest

from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.faults import race_worker
from tests.faults.conftest import table_settings
from tests.faults.support import inspect
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.factories import record
from tests.websocket.tables import table_items

RACES = 300


@pytest.fixture
def settings(dynalite_endpoint: str, management_api: ManagementApiServer) -> WebSocketSettings:
    return table_settings(dynalite_endpoint, management_api)


def race(settings: WebSocketSettings, connections: list[str], roles: list[str]) -> list[Counter[str]]:
    """Run one process per role over ``connections``, meeting at a barrier before each one."""
    assert settings.dynamodb_endpoint is not None
    spawn = multiprocessing.get_context("spawn")  # fresh interpreters: nothing shared but the table
    barrier = spawn.Barrier(len(roles), timeout=120)
    results: Queue[tuple[str, dict[str, int]]] = spawn.Queue()
    processes = [
        spawn.Process(
            target=race_worker.run,
            args=(role, settings.table, settings.dynamodb_endpoint, connections, barrier, seed, results),
        )
        for seed, role in enumerate(roles)
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return [Counter(outcomes[role]) for role in dict.fromkeys(roles)]


def connections_in(store: ConnectionStore, count: int) -> list[str]:
    made = [record() for _ in range(count)]
    for each in made:
        store.put_connection(each)
    return [each.connection_id for each in made]


def test_joins_racing_deletions_leave_nothing_behind(settings: WebSocketSettings) -> None:
    store = ConnectionStore.from_settings(settings)
    connections = connections_in(store, RACES)

    joined, left, deleted = race(settings, connections, ["join", "leave", "delete"])

    assert inspect(store).none
    assert table_items(store) == {}  # every connection was deleted: nothing of it may remain
    assert deleted == {"done": RACES}
    assert set(joined) <= {"done", "gone", "gone at b"}
    assert set(left) == {"done"}
    # The races really interleaved: some joins came first, some lost to the deletion at once.
    assert joined["gone"] > 0
    assert joined["done"] + joined["gone at b"] > 0


def test_joins_racing_leaves_agree_with_the_records(settings: WebSocketSettings) -> None:
    store = ConnectionStore.from_settings(settings)
    connections = connections_in(store, RACES)

    outcomes = race(settings, connections, ["join", "leave", "rejoin"])

    assert inspect(store).none
    assert all(set(outcome) == {"done"} for outcome in outcomes)
    items = table_items(store)
    for connection in connections:
        groups = items[(f"conn#{connection}", "record")].get("groups", set())
        assert "b" in groups  # nobody leaves b
        assert (("group#a", f"conn#{connection}") in items) == ("a" in groups)
