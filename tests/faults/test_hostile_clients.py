"""``serve`` against hostile clients and results, on real servers with real clients: a ``Host``
that is not the server's (DNS rebinding), result headers HTTP cannot carry (header smuggling),
app paths with an ``@connections`` segment, and slow clients holding connections open (slowloris).
Each time the server answers what API Gateway (or a careful dev server) would, and goes on serving."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from tests.local.apps import SMUGGLED_HEADERS
from tests.local.support import WAIT, Serve, running_serve

BAD_GATEWAY = {"message": "Internal server error"}


@pytest.fixture(scope="module")
def rest() -> Iterator[Serve]:
    with running_serve("tests.local.apps:faults", "--allow-host", "dev.example") as serve:
        yield serve


@pytest.fixture(scope="module")
def http_api() -> Iterator[Serve]:
    with running_serve("tests.local.apps:faults", "--source", "http") as serve:
        yield serve


@pytest.fixture(scope="module")
def streamed() -> Iterator[Serve]:
    with running_serve(
        "tests.local.apps:raw_stream", "--source", "url", "--invoke-mode", "RESPONSE_STREAM"
    ) as serve:
        yield serve


def _port(serve: Serve) -> int:
    return int(serve.origin.rsplit(":", 1)[1])


# --- a Host that is not the server's -----------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:3000", "127.0.0.1.evil.example", "[::2]"])
def test_a_request_for_another_host_is_refused_with_421(rest: Serve, host: str) -> None:
    answer = httpx.get(f"{rest.base_url}/pid", headers={"Host": host}, timeout=WAIT)
    assert answer.status_code == 421
    assert "--allow-host" in answer.text
    rest.wait_for("refused a http request for Host")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:1234", "LOCALHOST", "[::1]:80", "dev.example"])
def test_the_server_s_own_names_are_served(rest: Serve, host: str) -> None:
    answer = httpx.get(f"{rest.base_url}/pid", headers={"Host": host}, timeout=WAIT)
    assert answer.status_code == 200
    assert answer.text.isdigit()


def test_the_management_api_is_guarded_too(rest: Serve) -> None:
    answer = httpx.get(f"{rest.base_url}/@connections/abc", headers={"Host": "evil.example"}, timeout=WAIT)
    assert answer.status_code == 421


def test_a_websocket_handshake_for_another_host_is_refused_with_421(rest: Serve) -> None:
    async def handshake() -> int:
        sock = socket.create_connection(("127.0.0.1", _port(rest)))
        try:
            async with connect(f"ws://evil.example:{_port(rest)}/prod", sock=sock, open_timeout=WAIT):
                return 101
        except InvalidStatus as refused:
            return refused.response.status_code

    assert asyncio.run(handshake()) == 421
    rest.wait_for("refused a websocket request for Host 'evil.example")


# --- result headers HTTP cannot carry --------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SMUGGLED_HEADERS))
def test_a_result_header_http_cannot_carry_is_a_502_and_logged(rest: Serve, path: str) -> None:
    answer = httpx.get(f"{rest.base_url}/{path}", timeout=WAIT)
    assert (answer.status_code, answer.json()) == (502, BAD_GATEWAY)
    assert "stolen" not in answer.headers.get("set-cookie", "")
    rest.wait_for("malformed Lambda proxy response .*(RFC 9110 token|control characters)")
    assert "secret-value" not in rest.output()
    assert httpx.get(f"{rest.base_url}/pid", timeout=WAIT).status_code == 200  # still serving


@pytest.mark.parametrize("path", ["cookie-control", "header-space", "header-nul"])
def test_payload_2_results_and_cookies_are_checked_the_same(http_api: Serve, path: str) -> None:
    answer = httpx.get(f"{http_api.base_url}/{path}", timeout=WAIT)
    assert (answer.status_code, answer.json()) == (502, BAD_GATEWAY)


@pytest.mark.parametrize("path", ["header-colon", "header-nul", "cookie-control"])
def test_a_streamed_prelude_http_cannot_carry_is_a_502(streamed: Serve, path: str) -> None:
    answer = httpx.get(f"{streamed.base_url}/{path}", timeout=WAIT)
    assert (answer.status_code, answer.text) == (502, "Internal Server Error")
    streamed.wait_for("malformed streamed response")
    fine = httpx.get(f"{streamed.base_url}/fine", timeout=WAIT)
    assert (fine.status_code, fine.text) == (200, "streamed")


def test_a_connect_answer_header_http_cannot_carry_refuses_the_handshake(rest: Serve) -> None:
    async def handshake() -> int:
        try:
            async with connect(
                f"{rest.ws_origin}/prod?smuggle=1", subprotocols=[Subprotocol("chat")], open_timeout=WAIT
            ):
                return 101
        except InvalidStatus as refused:
            return refused.response.status_code

    assert asyncio.run(handshake()) == 500
    rest.wait_for(r"malformed \$connect response: a header HTTP cannot carry")


# --- @connections in the app's own paths -------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/prod/users/@connections", "/prod/x/%40connections/abc", "/prod/@connections/a/b"]
)
def test_app_paths_with_an_at_connections_segment_reach_the_app(rest: Serve, path: str) -> None:
    answer = httpx.get(f"{rest.origin}{path}", timeout=WAIT)
    assert answer.status_code == 200
    assert answer.text.isdigit()  # the function's answer, not the Management API's


@pytest.mark.parametrize("path", ["/prod/@connections/abc", "/prod/%40connections/abc"])
def test_only_stage_at_connections_id_is_the_management_api(rest: Serve, path: str) -> None:
    answer = httpx.get(f"{rest.origin}{path}", timeout=WAIT)
    assert answer.status_code == 410
    assert answer.headers["x-amzn-errortype"] == "GoneException"


# --- slow clients --------------------------------------------------------------------------------

SLOW_CLIENTS = 150


def test_slow_clients_dribbling_headers_do_not_stop_the_server(rest: Serve) -> None:
    """Slowloris: many connections each holding a request's headers open, a byte at a time."""
    held: list[socket.socket] = []
    try:
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(("127.0.0.1", _port(rest)), timeout=WAIT)
            sock.sendall(b"GET /prod/pid HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            held.append(sock)
        for round_ in range(3):
            for sock in held:
                sock.sendall(b"a")
            answer = httpx.get(f"{rest.base_url}/pid", timeout=WAIT)
            assert answer.status_code == 200, round_
            time.sleep(0.2)
        # A header section past the server's limit is refused, not held.
        flood = socket.create_connection(("127.0.0.1", _port(rest)), timeout=WAIT)
        with flood:
            flood.sendall(b"GET /prod/pid HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70_000)
            assert flood.recv(64).startswith(b"HTTP/1.1 4")
    finally:
        for sock in held:
            sock.close()
    assert rest.process.poll() is None
