"""One MESSAGE invocation through the WebSocket cycle against the two AWS requests it cannot avoid.

An echo app answers each frame; the cycle reads the record (one GetItem) and posts the reply (one
Management API request). The difference between the two medians is what the cycle itself costs
per message: validating the event, parsing the record, building the scope, running the app. The
two are timed in alternating batches, so that drift in the local servers' speed affects both alike.
Runs dynalite and the loopback Management API from the test suite (run scripts/setup first).

    .venv/bin/python -m benchmarks.websocket_cycle
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Callable

from mangum.config import Config
from mangum.types import Receive, Scope, Send
from mangum.websocket.cycle import read_websocket_event, run_websocket_event
from mangum.websocket.record import ConnectionRecord
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import websocket_settings
from mangum.websocket.stores.dynamodb_table import create_table
from tests.support.servers.dynalite import running_dynalite
from tests.support.servers.management_api import running_management_api
from tests.websocket.factories import connect_event, connection_id, message_raw

BATCH = 20
ROUNDS = 41


def alternating_medians(first: Callable[[], None], second: Callable[[], None]) -> tuple[float, float]:
    """The median seconds of each action over ``ROUNDS`` alternating runs, after one warm-up each."""
    first()
    second()
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(ROUNDS):
        for action, spent in zip((first, second), timings, strict=True):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return statistics.median(timings[0]), statistics.median(timings[1])


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Accept, then send every text frame back."""
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": message["text"]})
        else:
            return


def main() -> None:
    """Time a batch of MESSAGE invocations, and the same batch of bare GetItem + post pairs."""
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}.items():
        os.environ.setdefault(name, value)
    with running_dynalite() as dynamodb, running_management_api() as api:
        table = f"bench-{uuid.uuid4().hex}"
        settings = websocket_settings(
            table=table, dynamodb_endpoint=dynamodb, api_endpoint=api.endpoint("prod"), region="eu-west-1"
        )
        create_table(table, settings)
        runtime = WebSocketRuntime(settings)
        client = connection_id()
        runtime.store.put_connection(ConnectionRecord.from_connect_event(connect_event(client)))
        api.state.open(client)
        raw = message_raw(client, '{"action": "echo", "text": "hello"}')
        loop = asyncio.new_event_loop()
        config = Config()
        management = runtime.management("unused", "unused")

        def invocations() -> None:
            for _ in range(BATCH):
                event = read_websocket_event(raw)
                loop.run_until_complete(run_websocket_event(echo, event, raw, None, config, None, runtime))

        def requests_alone() -> None:
            for _ in range(BATCH):
                runtime.store.get_connection(client)
                management.post(client, "hello")

        cycle, bare = (seconds / BATCH for seconds in alternating_medians(invocations, requests_alone))
        loop.close()
    print(f"one echo MESSAGE, median of {ROUNDS} batches of {BATCH}:")
    print(f"  through run_websocket_event:  {cycle * 1e6:8.0f} us")
    print(f"  GetItem + post alone:         {bare * 1e6:8.0f} us")
    print(f"  the cycle's own work:         {(cycle - bare) * 1e6:8.0f} us  (ratio {cycle / bare:.2f}x)")


if __name__ == "__main__":
    main()
