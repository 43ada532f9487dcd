"""Consistency under load: 1,000 connections connect, talk and leave from 16 threads at once.

Each thread stands for one Lambda container: its own app instance and its own
:class:`WebSocketRuntime`, invoking the cycle one event at a time for its share of the clients.
Rooms span threads, so members join, broadcast and leave concurrently with each other.

"No message lost" is checked against the order of moments recorded around each step: a member
must get a broadcast exactly once when it was connected before the broadcast began and still
connected when it ended. A departure is announced only when the DISCONNECT ran the app, which it
does not when another member's broadcast found the connection gone first (410) and removed it; so
an announcement that anyone got must have reached every member connected throughout.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import WebSocketSettings
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.apps import starlette_chat
from tests.websocket.client import Client, Container
from tests.websocket.tables import table_items

CONNECTIONS = 1000
THREADS = 16
ROOM_SIZE = 4
ROOMS = CONNECTIONS // ROOM_SIZE


@dataclass(frozen=True)
class Broadcast:
    """One broadcast to a room and the moments around its invocation; ``certain`` when it must
    have been sent (a message), not only possibly (a departure)."""

    room: str
    frame: bytes
    started: float
    ended: float
    certain: bool


@dataclass
class Member:
    """One client of the load and the moments it was connected between."""

    client: Client
    room: str
    speaks: bool
    connected_at: float = 0.0
    leaving_at: float = float("inf")
    statuses: list[object] = field(default_factory=list)

    def invoke(self, action: dict[str, str]) -> None:
        self.statuses.append(self.client.send(json.dumps(action))["statusCode"])


def container(members: list[Member]) -> list[Broadcast]:
    """One container's share: connect every member, let each echo (and the speakers talk to their
    room), then let each leave; returns the broadcasts made."""
    broadcasts: list[Broadcast] = []
    for member in members:
        query = {"name": member.client.id, "room": member.room}
        member.statuses.append(member.client.connect(query=query)["statusCode"])
        member.connected_at = time.monotonic()
    for member in members:
        member.invoke({"action": "echo", "text": f"echo {member.client.id}"})
        if member.speaks:
            started = time.monotonic()
            member.invoke({"action": "say", "group": member.room, "text": "hello"})
            frame = json.dumps({"from": member.client.id, "text": "hello"}).encode()
            broadcasts.append(Broadcast(member.room, frame, started, time.monotonic(), certain=True))
    for member in members:
        member.leaving_at = time.monotonic()
        member.statuses.append(member.client.disconnect(code=1001, reason="Going away")["statusCode"])
        frame = f"{member.client.id} left (1001 Going away)".encode()
        broadcasts.append(Broadcast(member.room, frame, member.leaving_at, time.monotonic(), certain=False))
    return broadcasts


def lost_messages(members: list[Member], broadcasts: list[Broadcast]) -> list[tuple[str, bytes]]:
    """(member, frame) for every broadcast a member connected throughout did not get exactly once."""
    by_room: dict[str, list[Broadcast]] = defaultdict(list)
    for broadcast in broadcasts:
        by_room[broadcast.room].append(broadcast)
    received = {member.client.id: Counter(member.client.received) for member in members}
    sent = {frame for counts in received.values() for frame in counts}
    lost: list[tuple[str, bytes]] = []
    for member in members:
        for broadcast in by_room[member.room]:
            throughout = member.connected_at < broadcast.started and broadcast.ended < member.leaving_at
            happened = broadcast.certain or broadcast.frame in sent
            if throughout and happened and received[member.client.id][broadcast.frame] != 1:
                lost.append((member.client.id, broadcast.frame))
    return lost


def test_concurrent_connections_leave_nothing_behind_and_lose_nothing(
    settings: WebSocketSettings, management_api: ManagementApiServer
) -> None:
    containers = [Container(starlette_chat.make_app(), WebSocketRuntime(settings)) for _ in range(THREADS)]
    members = [
        Member(
            Client(containers[index % THREADS].invoke, management_api),
            room=f"room-{index % ROOMS}",
            speaks=index < ROOMS,
        )
        for index in range(CONNECTIONS)
    ]

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        shares = pool.map(container, [members[thread::THREADS] for thread in range(THREADS)])
        broadcasts = [broadcast for share in shares for broadcast in share]
    for each in containers:
        each.close()

    assert table_items(containers[0].runtime.store) == {}
    assert Counter(status for member in members for status in member.statuses) == {
        200: 3 * CONNECTIONS + ROOMS
    }
    room_frames: dict[str, set[bytes]] = defaultdict(set)
    for broadcast in broadcasts:
        room_frames[broadcast.room].add(broadcast.frame)
    for member in members:
        own = [frame for frame in member.client.received if frame.startswith(b"echo ")]
        assert own == [f"echo {member.client.id}".encode()]
        heard = {frame for frame in member.client.received if b'"from"' in frame or b" left " in frame}
        assert heard <= room_frames[member.room]
    assert lost_messages(members, broadcasts) == []
