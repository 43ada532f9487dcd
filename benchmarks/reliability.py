"""Figures for docs/websocket.md#faults: how WebSocket invocations fare when DynamoDB or the
Management API stall, die or misbehave, how the store holds up under racing processes and load
with faults, and how long a blocking lifespan shutdown keeps a process after SIGTERM.

Each scenario runs against real servers on loopback (dynalite, the test suite's Management API,
its fault proxy), as the fault-injection tests do (tests/faults/); the figures are medians of
``RUNS`` runs where a time is measured. Run scripts/setup first.

    .venv/bin/python -m benchmarks.reliability
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from multiprocessing.queues import Queue
from pathlib import Path

from mangum.config import Config
from mangum.local_context import LocalContext
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import WebSocketSettings, websocket_settings
from mangum.websocket.stores.dynamodb import ConnectionStore
from mangum.websocket.stores.dynamodb_table import create_table
from tests.faults import race_worker, shutdown_process
from tests.faults.load import CLIENTS, CONTAINERS, delivered_once, run_load
from tests.faults.support import inspect
from tests.support.servers.dynalite import DynaliteProcess, running_dynalite
from tests.support.servers.management_api import (
    FAILED_AFTER_DELIVERY,
    Fault,
    ManagementApiServer,
    running_management_api,
)
from tests.websocket.apps import starlette_chat
from tests.websocket.client import Client, Container
from tests.websocket.factories import message_raw, record
from tests.websocket.tables import table_items

RUNS = 3
LAMBDA_TIMEOUT_MS = 3000
ROOT = Path(__file__).resolve().parent.parent


def settings_for(dynamodb: str, server: ManagementApiServer) -> WebSocketSettings:
    table = f"bench-{uuid.uuid4().hex}"
    settings = websocket_settings(
        table=table, dynamodb_endpoint=dynamodb, api_endpoint=server.endpoint("prod")
    )
    create_table(table, settings)
    return settings


def timed_echo(container: Container, client: Client) -> tuple[object, float, int]:
    """One echo MESSAGE with a 3 s Lambda context and the default margin: status, seconds, ms left."""
    context = LocalContext(timeout_ms=LAMBDA_TIMEOUT_MS)
    started = time.monotonic()
    raw = json.dumps({"action": "echo", "text": uuid.uuid4().hex})
    result = container.invoke(message_raw(client.id, raw), context=context, config=Config())
    return result["statusCode"], time.monotonic() - started, context.get_remaining_time_in_millis()


def stalls(server: ManagementApiServer) -> None:
    print(f"A WebSocket MESSAGE with {LAMBDA_TIMEOUT_MS} ms left and the default 500 ms margin:")
    rows: list[tuple[str, Callable[[DynaliteProcess], None], Callable[[DynaliteProcess], None]]] = [
        ("DynamoDB stalled (SIGSTOP)", DynaliteProcess.pause, DynaliteProcess.resume),
        ("DynamoDB killed (SIGKILL)", DynaliteProcess.kill, DynaliteProcess.restart),
        ("Management API hangs", lambda _: server.state.inject(Fault(hang=10, close=True)), lambda _: None),
    ]
    with tempfile.TemporaryDirectory() as directory:
        dynalite = DynaliteProcess(Path(directory))
        try:
            with Container(
                starlette_chat.make_app(), WebSocketRuntime(settings_for(dynalite.url, server))
            ) as container:
                client = Client(container.invoke, server)
                client.connect(query={"name": "bench"})
                for name, fault, recover in rows:
                    outcomes = []
                    for _ in range(RUNS):
                        fault(dynalite)
                        outcomes.append(timed_echo(container, client))
                        recover(dynalite)
                        assert timed_echo(container, client)[0] == 200
                    seconds = statistics.median(took for _, took, _ in outcomes)
                    left = min(left for _, _, left in outcomes)
                    statuses = sorted({status for status, _, _ in outcomes}, key=str)
                    print(
                        f"  {name:32} answered {statuses} after {seconds:5.2f} s median, "
                        f">= {left} ms to spare"
                    )
        finally:
            dynalite.stop()
    print("  (before: 240 s for a stalled DynamoDB and 180 s for a stalled Management API, issue 14)")


def duplicates(dynamodb: str, server: ManagementApiServer) -> None:
    with Container(starlette_chat.make_app(), WebSocketRuntime(settings_for(dynamodb, server))) as container:
        client = Client(container.invoke, server)
        client.connect(query={"name": "bench"})
        server.state.inject(FAILED_AFTER_DELIVERY)
        status, _, _ = timed_echo(container, client)
        print(
            f"A post delivered, then answered 500: invocation {status}, "
            f"{len(client.received)} copy reached the client"
        )
        print("  (before: 3 copies, botocore's standard retries)")


def races(dynamodb: str, server: ManagementApiServer) -> None:
    settings = settings_for(dynamodb, server)
    store = ConnectionStore.from_settings(settings)
    connections = []
    for _ in range(300):
        written = record()
        store.put_connection(written)
        connections.append(written.connection_id)
    spawn = multiprocessing.get_context("spawn")
    roles = ["join", "leave", "delete"]
    barrier = spawn.Barrier(len(roles), timeout=120)
    results: Queue[tuple[str, dict[str, int]]] = spawn.Queue()
    processes = [
        spawn.Process(
            target=race_worker.run,
            args=(role, settings.table, dynamodb, connections, barrier, seed, results),
        )
        for seed, role in enumerate(roles)
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=300) for _ in processes)
    for process in processes:
        process.join()
    found = inspect(store)
    print(
        f"300 join/leave/delete races, 3 processes: joins {outcomes['join']}; left behind: "
        f"{len(found.orphans)} orphans, {len(found.ghosts)} ghosts, {len(found.unlisted)} lost, "
        f"{len(table_items(store))} items"
    )
    print("  (before: 7 orphans in the audit; 32 with this harness against the previous store)")


def load(server: ManagementApiServer) -> None:
    with tempfile.TemporaryDirectory() as directory:
        dynalite = DynaliteProcess(Path(directory))
        try:
            settings = settings_for(dynalite.url, server)
            started = time.monotonic()
            outcome = run_load(dynalite, server, settings)
            took = time.monotonic() - started
            invocations = [i for i in outcome.invocations if i.kind != "sweep"]
            failed = sum(i.status == 500 for i in invocations)
            doubled = sum(count > 1 for counts in outcome.received.values() for count in counts.values())
            lost = delivered_once(invocations, outcome.received, outcome.rooms)
            print(
                f"Load: {CLIENTS} clients, {CONTAINERS} containers in processes, "
                f"{len(invocations)} invocations in {took:.0f} s under {', '.join(outcome.faults)}: "
                f"{failed} answered 500, all in time (>= {min(i.left_ms for i in invocations)} ms to spare); "
                f"{len(lost)} frames lost, {doubled} doubled; "
                f"{sum(report.unfinished for report in outcome.reports)} deletions unfinished, "
                f"{len(table_items(ConnectionStore.from_settings(settings)))} items left"
            )
        finally:
            dynalite.stop()


def shutdown() -> None:
    for mode, doing in (("block", "blocks its thread"), ("hang", "awaits"), ("quick", "finishes at once")):
        spent = [shutdown_process.signalled(mode, 60)[1] for _ in range(RUNS)]
        print(
            f"SIGTERM to exit, lifespan shutdown that {doing}: "
            f"{statistics.median(spent) * 1000:4.0f} ms median"
        )
    print("  (Lambda allows 300 ms; before: 5 s for one that hangs, 30 s for one that blocks its thread)")


def main() -> None:
    os.environ.update(
        {"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
    )
    logging.getLogger("mangum").addHandler(logging.NullHandler())
    logging.getLogger("mangum").propagate = False
    with running_management_api() as server, running_dynalite() as dynamodb:
        stalls(server)
        duplicates(dynamodb, server)
        races(dynamodb, server)
        load(server)
    shutdown()


if __name__ == "__main__":
    main()
