"""The Management API's shared secret: off on loopback unless asked for, on by default beyond it
(with a warning at startup); requests pass with the key in ``X-Mangum-Management-Key`` or as the
access key id of their SigV4 signature (the workers' boto3 calls), and get API Gateway's 403
otherwise."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect

from mangum.local.cli import _banner
from mangum.local.management_key import KEY_VARIABLE, is_loopback, management_key
from mangum.local.serve_config import ServeConfig
from tests.local.support import WAIT, Serve, running_serve

KEY = "k3y-for-the-tests"
SIGNED = (
    "AWS4-HMAC-SHA256 Credential={}/20260101/us-east-1/execute-api/aws4_request, "
    "SignedHeaders=host, Signature=00"
)


@pytest.fixture(scope="module")
def keyed() -> Iterator[Serve]:
    with running_serve("tests.local.apps:handler", "--management-key", KEY) as serve:
        yield serve


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Mangum-Management-Key": "wrong"},
        {"Authorization": SIGNED.format("someone-else")},
        {"Authorization": "Bearer x"},
    ],
    ids=["none", "wrong-key", "other-signer", "not-sigv4"],
)
def test_without_the_key_the_management_api_answers_403(keyed: Serve, headers: dict[str, str]) -> None:
    answer = httpx.post(f"{keyed.base_url}/@connections/abc", content=b"hi", headers=headers, timeout=WAIT)
    assert (answer.status_code, answer.json()) == (403, {"message": "Missing Authentication Token"})


@pytest.mark.parametrize(
    "headers",
    [{"X-Mangum-Management-Key": KEY}, {"Authorization": SIGNED.format(KEY)}],
    ids=["header", "sigv4-access-key-id"],
)
def test_with_the_key_the_management_api_answers(keyed: Serve, headers: dict[str, str]) -> None:
    answer = httpx.post(f"{keyed.base_url}/@connections/abc", content=b"hi", headers=headers, timeout=WAIT)
    assert answer.status_code == 410  # through the guard: the connection does not exist


def test_the_function_s_own_calls_carry_the_key(keyed: Serve) -> None:
    async def scenario() -> str | bytes:
        async with connect(f"{keyed.ws_origin}/prod", open_timeout=WAIT) as client:
            await client.send("hello")  # answered through the Management API by the worker
            return await asyncio.wait_for(client.recv(), WAIT)

    assert asyncio.run(scenario()) == "echo: hello"
    assert "Management key  k3y-for-the-tests" in keyed.output()


def test_the_key_is_on_by_default_beyond_loopback_only() -> None:
    assert management_key(None, "127.0.0.1", {}) is None
    assert management_key(None, "::1", {}) is None
    assert management_key(None, "localhost", {}) is None
    generated = management_key(None, "0.0.0.0", {})
    assert generated is not None
    assert len(generated) >= 32
    assert management_key(None, "0.0.0.0", {}) != generated
    assert management_key(None, "0.0.0.0", {KEY_VARIABLE: "none"}) is None
    assert management_key(None, "127.0.0.1", {KEY_VARIABLE: "from-env"}) == "from-env"
    assert management_key("opt", "127.0.0.1", {KEY_VARIABLE: "from-env"}) == "opt"


def test_binding_beyond_loopback_is_warned_about_at_startup() -> None:
    assert [is_loopback(host) for host in ("0.0.0.0", "192.0.2.1", "127.0.0.2")] == [False, False, True]
    wide = _banner(
        ServeConfig(handler="app.handler", host="0.0.0.0", management_key="abc"), "app:handler", "x"
    )
    assert "WARNING: listening on 0.0.0.0, beyond loopback" in wide
    assert "Management key  abc" in wide
    local = _banner(ServeConfig(handler="app.handler"), "app:handler", "x")
    assert "WARNING" not in local
    assert "Management key" not in local
