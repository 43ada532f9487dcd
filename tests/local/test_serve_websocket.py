"""The WebSocket API of ``serve``, with the ``websockets`` client: ``$connect`` (acceptance, refusal,
subprotocols), messages routed by ``action``, replies and broadcasts through the Management API,
``$disconnect`` and its clean-up in the embedded store, the Management API itself, and the idle
limit."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.local.support import WAIT, Serve, running_serve


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve") / "connections.db"


@pytest.fixture(scope="module")
def chat(database: Path) -> Iterator[Serve]:
    with running_serve(
        "tests.local.apps:handler", "--workers", "2", "--connections-db", str(database)
    ) as serve:
        yield serve


def _url(serve: Serve, query: str = "") -> str:
    return f"{serve.ws_origin}/prod{query}"


async def _receive(client: ClientConnection) -> str | bytes:
    return await asyncio.wait_for(client.recv(), WAIT)


async def _whoami(client: ClientConnection) -> dict[str, str]:
    await client.send(json.dumps({"action": "whoami"}))
    answer = json.loads(await _receive(client))
    assert isinstance(answer, dict)
    return answer


def _records(database: Path) -> set[str]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute('SELECT connection_id FROM "mangum-connections"')}


def test_echo_route_key_and_binary_frames(chat: Serve) -> None:
    async def scenario() -> None:
        async with connect(_url(chat)) as client:
            await client.send("hello")
            assert await _receive(client) == "echo: hello"
            who = await _whoami(client)
            assert who["route"] == "whoami"
            await client.send(json.dumps({"action": 7}))
            assert await _receive(client) == 'echo: {"action": 7}'
            await client.send(b"\x00\x01\xff")
            assert await _receive(client) == b"\xff\x01\x00"

    asyncio.run(scenario())


def test_two_clients_broadcast_isolation_and_disconnect_cleanup(chat: Serve, database: Path) -> None:
    async def scenario() -> None:
        async with (
            connect(_url(chat, "?room=red")) as ann,
            connect(_url(chat, "?room=red")) as bob,
            connect(_url(chat, "?room=blue")) as cid,
        ):
            ann_id = (await _whoami(ann))["connection_id"]
            bob_id = (await _whoami(bob))["connection_id"]
            cid_id = (await _whoami(cid))["connection_id"]
            assert len({ann_id, bob_id, cid_id}) == 3
            assert {ann_id, bob_id, cid_id} <= _records(database)
            await ann.send(json.dumps({"action": "broadcast", "text": "to red"}))
            assert await _receive(ann) == "to red"
            assert await _receive(bob) == "to red"
            await cid.send("blue only")
            assert await _receive(cid) == "echo: blue only"  # the red broadcast never reached it
            await bob.close()
            await _disconnected(chat, bob_id)
            assert bob_id not in _records(database)
            gone = await asyncio.to_thread(
                httpx.post,
                f"{chat.base_url}/@connections/{quote(bob_id, safe='')}",
                content=b"late",
                timeout=WAIT,
            )
            assert (gone.status_code, gone.headers["x-amzn-errortype"]) == (410, "GoneException")
            await ann.send(json.dumps({"action": "broadcast", "text": "after bob"}))
            assert await _receive(ann) == "after bob"
        await _disconnected(chat, ann_id)
        await _disconnected(chat, cid_id)
        assert not ({ann_id, cid_id} & _records(database))

    asyncio.run(scenario())


async def _disconnected(serve: Serve, connection_id: str) -> None:
    """Wait until the gateway logged the connection's end (after its ``$disconnect`` ran)."""
    await asyncio.to_thread(serve.wait_for, f"WebSocket {re.escape(connection_id)} disconnected")


def test_connect_refused_with_the_apps_status(chat: Serve) -> None:
    async def scenario() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(_url(chat, "?deny=1")):
                pass
        assert refused.value.response.status_code == 403

    asyncio.run(scenario())


def test_subprotocol_chosen_by_connect(chat: Serve) -> None:
    async def scenario() -> None:
        async with connect(_url(chat, "?protocol=1"), subprotocols=["chat.v2", "chat.v1"]) as client:  # type: ignore[list-item]  # websockets types subprotocols as Subprotocol
            assert client.subprotocol == "chat.v2"

    asyncio.run(scenario())


def test_management_api_get_post_delete(chat: Serve) -> None:
    async def scenario() -> None:
        async with connect(_url(chat), user_agent_header="test-agent/1") as client:
            connection_id = (await _whoami(client))["connection_id"]
            endpoint = f"{chat.base_url}/@connections/{quote(connection_id, safe='')}"
            async with httpx.AsyncClient(timeout=WAIT) as http:
                posted = await http.post(endpoint, content=b"pushed")
                assert posted.status_code == 200
                assert await _receive(client) == "pushed"
                described = (await http.get(endpoint)).json()
                assert described["Identity"] == {"SourceIp": "127.0.0.1", "UserAgent": "test-agent/1"}
                assert described["ConnectedAt"].endswith("Z")
                too_large = await http.post(endpoint, content=b"x" * (128 * 1024 + 1))
                assert too_large.status_code == 413
                deleted = await http.delete(endpoint)
                assert deleted.status_code == 204
            with pytest.raises(ConnectionClosed):
                await _receive(client)
            await _disconnected(chat, connection_id)

    asyncio.run(scenario())


def test_upgrade_outside_the_stage_is_refused(chat: Serve) -> None:
    async def scenario() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"{chat.ws_origin}/other"):
                pass
        assert refused.value.response.status_code == 403

    asyncio.run(scenario())


def test_idle_connection_is_closed_and_disconnected() -> None:
    async def scenario(serve: Serve) -> None:
        async with connect(_url(serve)) as client:
            connection_id = (await _whoami(client))["connection_id"]
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(client.recv(), WAIT)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1001
            await _disconnected(serve, connection_id)

    with running_serve("tests.local.apps:handler", "--idle-timeout", "1") as serve:
        asyncio.run(scenario(serve))
