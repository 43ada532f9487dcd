"""One Lambda container of the load under faults, in a process of its own: the chat app, its own
runtime and boto3 clients, invoking one event at a time with a real deadline, and playing API
Gateway for its share of the clients (it opens and closes them on the Management API server
through its control routes).

Each client connects (joining its room), echoes once, speaks to its room if it is a speaker,
then disconnects. Every invocation is recorded: which client, what, the status, when it started
and ended (epoch seconds), and how much of Lambda's time was left.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from urllib.parse import quote

from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import websocket_settings
from tests.faults.support import Timed
from tests.websocket.apps import starlette_chat
from tests.websocket.client import Container
from tests.websocket.factories import connect_raw, connection_id, disconnect_raw, message_raw

TIMEOUT_MS = 1500
MARGIN = 0.3


@dataclass(frozen=True)
class Planned:
    """One client of the load."""

    id: str
    room: str
    speaks: bool


@dataclass(frozen=True)
class Invocation:
    """What one invocation was and how it went."""

    client: str
    kind: str
    frame: str
    status: int
    started: float
    ended: float
    left_ms: int


@dataclass(frozen=True)
class Report:
    """A container's invocations, and the deletions it had left after the faults were over."""

    invocations: list[Invocation]
    unfinished: int


def echo_frame(client: str) -> str:
    return f"echo {client}"


def said_frame(client: str) -> str:
    return json.dumps({"from": client, "text": "hello"})


def left_frame(client: str) -> str:
    return f"{client} left (1001 Going away)"


def run(
    table: str,
    dynamodb_endpoint: str,
    api_endpoint: str,
    control_url: str,
    clients: list[Planned],
    calm: Event,
    results: Queue[Report],
) -> None:
    """The body of one container process; puts its :class:`Report` on ``results``."""
    settings = websocket_settings(table=table, dynamodb_endpoint=dynamodb_endpoint, api_endpoint=api_endpoint)
    invocations: list[Invocation] = []
    logging.getLogger("mangum").addHandler(logging.NullHandler())  # the statuses tell the story

    def control(action: str, client: str) -> None:
        request = urllib.request.Request(
            f"{control_url}/@control/{action}/{quote(client, safe='')}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    with Container(starlette_chat.make_app(), WebSocketRuntime(settings)) as container:
        timed = Timed(container, timeout_ms=TIMEOUT_MS, margin=MARGIN)

        def invoke(client: Planned, kind: str, frame: str, raw: dict[str, object]) -> int:
            started = time.time()
            status = timed(raw)["statusCode"]
            assert isinstance(status, int)
            invocations.append(
                Invocation(client.id, kind, frame, status, started, time.time(), timed.left_ms[-1])
            )
            return status

        live: list[Planned] = []
        for client in clients:
            if (
                invoke(
                    client,
                    "connect",
                    "",
                    connect_raw(client.id, query={"name": client.id, "room": client.room}),
                )
                == 200
            ):
                control("open", client.id)
                live.append(client)
        for client in live:
            command = {"action": "echo", "text": echo_frame(client.id)}
            invoke(client, "echo", echo_frame(client.id), message_raw(client.id, json.dumps(command)))
            if client.speaks:
                command = {"action": "say", "group": client.room, "text": "hello"}
                invoke(client, "say", said_frame(client.id), message_raw(client.id, json.dumps(command)))
        for client in live:
            control("gone", client.id)
            invoke(client, "disconnect", left_frame(client.id), disconnect_raw(client.id))
        calm.wait(timeout=120)
        stranger = Planned(connection_id(), "", speaks=False)  # any invocation finishes what is left
        invoke(stranger, "sweep", "", message_raw(stranger.id, "{}"))
        results.put(Report(invocations, len(container.runtime.store.unfinished_deletions)))
