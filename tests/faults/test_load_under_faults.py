"""Load held under faults: four containers in four processes serve 200 clients (connect, echo,
speak to a room spanning containers, disconnect) while dynalite is stalled briefly, stalled past
the deadline, and killed and restarted. Every invocation answers before its deadline; nothing
answered 200 is lost, nothing is ever delivered twice, and once the faults are over the table is
left empty."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from multiprocessing.queues import Queue

from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.store import ConnectionStore
from tests.faults import load_worker
from tests.faults.conftest import table_settings
from tests.faults.load_worker import Invocation, Planned, Report, echo_frame
from tests.servers.dynalite import DynaliteProcess
from tests.servers.management_api import ManagementApiServer
from tests.websocket.factories import connection_id
from tests.websocket.tables import table_items

CONTAINERS = 4
CLIENTS = 200
ROOM_SIZE = 4


def inject_faults(dynalite: DynaliteProcess, server: ManagementApiServer, log: list[str]) -> None:
    """One fault in each phase of the load: a short stall (survived) while clients connect, a stall
    past every deadline while they talk, a kill and restart while they leave."""
    plan: list[tuple[Callable[[int, int, int], bool], str, float]] = [
        (lambda live, gone, posted: live >= CLIENTS // 10, "pause", 0.4),
        (lambda live, gone, posted: posted >= CLIENTS // 10, "pause", 2.0),
        (lambda live, gone, posted: gone >= CLIENTS // 10, "kill", 1.0),
    ]
    deadline = time.monotonic() + 120
    for ready, fault, length in plan:
        while not ready(*server.state.tally()):
            if time.monotonic() > deadline:
                return
            time.sleep(0.02)
        log.append(f"{fault} {length}s")
        if fault == "pause":
            dynalite.pause()
            time.sleep(length)
            dynalite.resume()
        else:
            dynalite.kill()
            time.sleep(length)
            dynalite.restart()


def delivered_once(
    invocations: list[Invocation], received: dict[str, Counter[bytes]], rooms: dict[str, str]
) -> list[str]:
    """Every frame an invocation answered 200 for reached each client that had to get it exactly
    once; those it answered 500 for, at most once."""
    problems: list[str] = []
    connected = {i.client: i.ended for i in invocations if i.kind == "connect" and i.status == 200}
    leaving = {i.client: i.started for i in invocations if i.kind == "disconnect"}
    members: dict[str, list[str]] = defaultdict(list)
    for client, room in rooms.items():
        members[room].append(client)
    for invocation in invocations:
        if invocation.kind == "echo":
            targets = [invocation.client]
        elif invocation.kind == "say":
            targets = [
                member
                for member in members[rooms[invocation.client]]
                if connected.get(member, float("inf")) < invocation.started
                and invocation.ended < leaving.get(member, float("inf"))
            ]
        else:
            continue
        for target in targets:
            count = received[target][invocation.frame.encode()]
            if count != 1 and (invocation.status == 200 or count > 1):
                problems.append(
                    f"{invocation.kind} {invocation.status} by {invocation.client}: {target} got it {count}x"
                )
    return problems


def test_four_containers_under_stalls_and_a_kill_lose_nothing(
    dynalite: DynaliteProcess, management_api: ManagementApiServer
) -> None:
    settings: WebSocketSettings = table_settings(dynalite.url, management_api)
    assert settings.api_endpoint is not None
    assert settings.dynamodb_endpoint is not None
    planned = [
        Planned(connection_id(), f"room-{index // ROOM_SIZE}", speaks=index % ROOM_SIZE == 0)
        for index in range(CLIENTS)
    ]
    rooms = {client.id: client.room for client in planned}
    spawn = multiprocessing.get_context("spawn")
    calm = spawn.Event()
    results: Queue[Report] = spawn.Queue()
    processes = [
        spawn.Process(
            target=load_worker.run,
            args=(
                settings.table,
                settings.dynamodb_endpoint,
                settings.api_endpoint,
                management_api.url,
                planned[index::CONTAINERS],
                calm,
                results,
            ),
        )
        for index in range(CONTAINERS)
    ]
    for process in processes:
        process.start()
    faults: list[str] = []
    injector = threading.Thread(target=inject_faults, args=(dynalite, management_api, faults))
    injector.start()
    injector.join()
    calm.set()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0

    invocations = [invocation for report in reports for invocation in report.invocations]
    statuses = Counter((invocation.kind, invocation.status) for invocation in invocations)
    assert faults == ["pause 0.4s", "pause 2.0s", "kill 1.0s"]
    assert all(invocation.left_ms > 0 for invocation in invocations)  # every answer in time
    assert {status for kind, status in statuses if kind != "sweep"} <= {200, 500}
    assert statuses[("connect", 500)] + statuses[("echo", 500)] > 0  # the faults did hit the load
    received = {client.id: Counter(management_api.state.posted(client.id)) for client in planned}
    assert all(count == 1 for counts in received.values() for count in counts.values())
    assert delivered_once(invocations, received, rooms) == []
    assert [report.unfinished for report in reports] == [0] * CONTAINERS
    assert table_items(ConnectionStore.from_settings(settings)) == {}
    assert (
        sum(received[client][echo_frame(client).encode()] for client in received) >= statuses[("echo", 200)]
    )
