"""The load under faults, shared by its test (tests/faults/test_load_under_faults.py) and
benchmarks/reliability.py: four containers in four processes serve 200 clients while dynalite is
stalled briefly, stalled past the deadline, and killed and restarted, one fault per phase."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.queues import Queue

from mangum.websocket.settings import WebSocketSettings
from tests.faults import load_worker
from tests.faults.load_worker import Invocation, Planned, Report
from tests.support.servers.dynalite import DynaliteProcess
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.factories import connection_id

CONTAINERS = 4
CLIENTS = 200
ROOM_SIZE = 4


@dataclass(frozen=True)
class Outcome:
    """What the load did: the faults injected, every invocation, each container's report, and what
    each client received."""

    faults: list[str]
    invocations: list[Invocation]
    reports: list[Report]
    received: dict[str, Counter[bytes]]
    rooms: dict[str, str]
    exit_codes: list[int | None]


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


def run_load(dynalite: DynaliteProcess, server: ManagementApiServer, settings: WebSocketSettings) -> Outcome:
    """Run the load on ``settings``' table (on ``dynalite``) and ``server``, faults included."""
    assert settings.api_endpoint is not None
    assert settings.dynamodb_endpoint is not None
    planned = [
        Planned(connection_id(), f"room-{index // ROOM_SIZE}", speaks=index % ROOM_SIZE == 0)
        for index in range(CLIENTS)
    ]
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
                server.url,
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
    injector = threading.Thread(target=inject_faults, args=(dynalite, server, faults))
    injector.start()
    injector.join()
    calm.set()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return Outcome(
        faults=faults,
        invocations=[invocation for report in reports for invocation in report.invocations],
        reports=reports,
        received={client.id: Counter(server.state.posted(client.id)) for client in planned},
        rooms={client.id: client.room for client in planned},
        exit_codes=[process.exitcode for process in processes],
    )
