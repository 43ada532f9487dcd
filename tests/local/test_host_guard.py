"""The names in a ``Host`` header, as the DNS rebinding guard of ``serve`` reads them."""

from __future__ import annotations

import pytest

from mangum.local.host_guard import HostGuard, host_name
from mangum.types import Scope


@pytest.mark.parametrize(
    ("authority", "name"),
    [
        ("127.0.0.1:3000", "127.0.0.1"),
        ("LocalHost", "localhost"),
        ("localhost.:80", "localhost"),
        ("[::1]:3000", "::1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("evil.example:3000", "evil.example"),
        (" dev.example ", "dev.example"),
    ],
)
def test_the_name_is_read_without_port_brackets_case_or_final_dot(authority: str, name: str) -> None:
    assert host_name(authority) == name


def _scope(*headers: tuple[bytes, bytes]) -> Scope:
    return {"type": "http", "headers": list(headers)}


def test_the_guard_knows_loopback_the_bound_address_and_the_added_names() -> None:
    guard = HostGuard("192.0.2.7", ["dev.example", "::2"])
    allowed = ["127.0.0.1:3000", "localhost", "[::1]:3000", "192.0.2.7:3000", "DEV.example", "[::2]"]
    refused = ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "[::3]", ""]
    assert [guard.allows(_scope((b"host", name.encode()))) for name in allowed] == [True] * len(allowed)
    assert [guard.allows(_scope((b"Host", name.encode()))) for name in refused] == [False] * len(refused)


def test_a_request_without_host_is_allowed() -> None:
    assert HostGuard("127.0.0.1").allows(_scope((b"user-agent", b"http/1.0 client")))
