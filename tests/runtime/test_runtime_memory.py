"""A thousand invocations in one runtime process leave its memory flat, buffered and streamed."""

from __future__ import annotations

import pytest

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT, rss_kib, runtime_process

WARM_UP = 200
INVOCATIONS = 1000
GROWTH_LIMIT_KIB = 2048
"""Growth allowed between the warm-up and the end; keeping each ~8 KB answer would add ~6,400 KiB."""


@pytest.mark.parametrize(("handler", "streamed"), [("handler", False), ("streaming", True)])
def test_a_thousand_invocations_in_one_process_keep_memory_flat(
    server: RuntimeApiServer, handler: str, streamed: bool
) -> None:
    event = sample_event("function_url", path="/events?count=4&size=2000")
    with runtime_process(server, f"tests.runtime.apps.{handler}") as process:
        for number in range(INVOCATIONS):
            result = server.invoke(event).result(timeout=WAIT)
            assert result.ok
            assert result.streamed is streamed
            assert len(result.body) > 8000
            if number + 1 == WARM_UP:
                warm = rss_kib(process.pid)
        final = rss_kib(process.pid)

    assert final - warm < GROWTH_LIMIT_KIB, f"RSS grew from {warm} KiB to {final} KiB"
