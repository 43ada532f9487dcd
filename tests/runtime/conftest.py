"""Every runtime test gets a fresh Runtime API server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mangum.local.runtime_api import RuntimeApiServer


@pytest.fixture
def server() -> Iterator[RuntimeApiServer]:
    with RuntimeApiServer() as api:
        yield api
