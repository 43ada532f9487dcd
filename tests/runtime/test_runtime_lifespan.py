"""Under ``python -m mangum.runtime`` the app's lifespan is the container's: startup once before the
first invocation, its state shared by every streamed request, shutdown when Lambda sends SIGTERM."""

from __future__ import annotations

import signal
from pathlib import Path

from mangum._sources.samples import sample_event
from mangum.local.http_integration import split_integration_response
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT, runtime_process


def test_startup_once_state_shared_and_shutdown_on_sigterm(server: RuntimeApiServer, tmp_path: Path) -> None:
    log = tmp_path / "lifespan.log"
    env = {"RUNTIME_TEST_LIFESPAN_LOG": str(log)}
    with runtime_process(server, "tests.runtime.apps.with_lifespan", env=env) as process:
        results = [server.invoke(sample_event("function_url")).result(timeout=WAIT) for _ in range(3)]
        assert log.read_text() == "startup\n"
        process.send_signal(signal.SIGTERM)
        status = process.wait(WAIT)

    assert {split_integration_response(result.body)[1] for result in results} == {str(process.pid).encode()}
    assert log.read_text() == "startup\nshutdown\n"
    assert status == -signal.SIGTERM
