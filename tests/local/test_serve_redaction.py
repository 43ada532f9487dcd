"""``serve``'s log at debug level holds no credential a client sent: query tokens in the access and
WebSocket lines, and the ``Authorization``, ``Cookie`` and ``Sec-WebSocket-Protocol`` values of the
handshake headers, redacted by the connection store's list (and its variables)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from mangum.local.log_redaction import redact_query
from tests.local.support import WAIT, Serve, running_serve

SECRETS = [f"sk-secret-{number}" for number in range(7)]


@pytest.fixture(scope="module")
def debug() -> Iterator[Serve]:
    env = {"MANGUM_WEBSOCKET_REDACT_QUERY": "default,ticket"}
    with running_serve("tests.local.apps:handler", "--log-level", "debug", env=env) as serve:
        yield serve


def test_no_credential_reaches_the_log(debug: Serve) -> None:
    query = f"token={SECRETS[0]}&Access_Token={SECRETS[1]}&room=lobby&ticket={SECRETS[6]}"
    answer = httpx.get(f"{debug.base_url}/cookies?{query}", timeout=WAIT)
    assert answer.status_code == 200

    async def scenario() -> None:
        headers = {"Authorization": f"Bearer {SECRETS[2]}", "Cookie": f"session={SECRETS[3]}"}
        async with connect(
            f"{debug.ws_origin}/prod?room=hall&access_token={SECRETS[4]}",
            additional_headers=headers,
            subprotocols=[Subprotocol(SECRETS[5])],  # a token in disguise, as browsers send it
            open_timeout=WAIT,
        ) as client:
            await client.send("hello")
            assert await asyncio.wait_for(client.recv(), WAIT) == "echo: hello"

    asyncio.run(scenario())
    debug.wait_for(r"WebSocket \S+ disconnected")
    debug.wait_for(
        r'"GET /prod/cookies\?token=\[redacted\]&Access_Token=\[redacted\]&room=lobby&ticket=\[redacted\]'
    )
    debug.wait_for(r'"WebSocket /prod\?room=hall&access_token=\[redacted\]"')
    debug.wait_for(r"(?i)< Authorization: \[redacted\]")
    debug.wait_for(r"(?i)< Sec-WebSocket-Protocol: \[redacted\]")
    output = debug.output()
    leaked = [secret for secret in SECRETS if secret in output]
    assert leaked == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/a?token=x&b=1", "/a?token=[redacted]&b=1"),
        ("/a?TOKEN=x", "/a?TOKEN=[redacted]"),
        ("/a?to%6Ben=x", "/a?to%6Ben=[redacted]"),
        ("/a?token", "/a?token"),
        ("/a", "/a"),
        ("/a?b=token", "/a?b=token"),
    ],
)
def test_query_values_are_redacted_by_name(target: str, expected: str) -> None:
    assert redact_query(target, frozenset({"token"})) == expected
