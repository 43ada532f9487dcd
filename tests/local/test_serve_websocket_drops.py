"""A WebSocket client that goes away without a close frame (its TCP connection closed, reset, or
ended in the middle of a frame) is reported to ``$disconnect`` with close code 1006, as API Gateway
reports it; a client's own close frame keeps its code."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.local.support import WAIT, Serve, running_serve


@pytest.fixture(scope="module")
def chat() -> Iterator[Serve]:
    with running_serve("tests.local.apps:handler") as serve:
        yield serve


async def _drop(client: ClientConnection, how: str) -> None:
    transport = client.transport
    if how == "reset":
        transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        transport.abort()
    else:
        if how == "mid-frame":
            # A masked text frame announcing 5 bytes, and only 2 of them.
            transport.write(b"\x81\x85" + b"\x00\x00\x00\x00" + b"he")
        transport.close()  # a FIN, once the bytes are out: no close frame
    await client.wait_closed()


@pytest.mark.parametrize("how", ["tcp-close", "reset", "mid-frame"])
def test_a_dropped_connection_is_a_1006_disconnect(chat: Serve, how: str) -> None:
    async def scenario() -> str:
        client = await connect(f"{chat.ws_origin}/prod", open_timeout=WAIT)
        await client.send('{"action": "whoami"}')
        answer = await asyncio.wait_for(client.recv(), WAIT)
        assert isinstance(answer, str)
        await _drop(client, how)
        return str(json.loads(answer)["connection_id"])

    connection_id = asyncio.run(scenario())
    [line] = chat.wait_for(rf"WebSocket {re.escape(connection_id)} disconnected")
    assert line.endswith("disconnected (1006)")


def test_a_close_frame_keeps_its_code(chat: Serve) -> None:
    async def scenario() -> str:
        async with connect(f"{chat.ws_origin}/prod", open_timeout=WAIT) as client:
            await client.send('{"action": "whoami"}')
            answer = await asyncio.wait_for(client.recv(), WAIT)
            assert isinstance(answer, str)
            await client.close(4001, "bye")
        return str(json.loads(answer)["connection_id"])

    connection_id = asyncio.run(scenario())
    [line] = chat.wait_for(rf"WebSocket {re.escape(connection_id)} disconnected")
    assert line.endswith("disconnected (4001)")
