"""SnapStart's lifecycle in ``python -m mangum.runtime`` (what keeps SnapStart on the exec-wrapper path),
checked against AWS's own ``awslambdaric`` on the same Runtime API server: before-snapshot hooks,
``/runtime/restore/next``, after-restore hooks, then invocations; a failing hook reported where
Lambda expects it, with the same exit status."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT, runtime_process

HANDLER = "tests.support.snapstart_app.handler"
COMMANDS: dict[str, tuple[str, ...]] = {
    "mangum.runtime": (sys.executable, "-m", "mangum.runtime"),
    "awslambdaric": (sys.executable, "-m", "awslambdaric", HANDLER),
}


def _environment(tmp_path: Path, case: str, snapstart: bool = True) -> dict[str, str]:
    return {
        "SNAPSTART_CASE": case,
        "SNAPSTART_LOG": str(tmp_path / "startups.log"),
        "SNAPSTART_DB": str(tmp_path / "app.sqlite"),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start" if snapstart else "on-demand",
    }


@pytest.mark.parametrize("runtime", COMMANDS)
def test_the_lifespan_starts_before_the_snapshot_and_the_callbacks_run_after_the_restore(
    server: RuntimeApiServer, tmp_path: Path, runtime: str
) -> None:
    with runtime_process(server, HANDLER, _environment(tmp_path, "starlette"), COMMANDS[runtime]) as process:
        result = server.invoke(sample_event("api_gateway_v2")).result(timeout=WAIT)

    assert result.ok
    body = json.loads(result.json()["body"])
    assert server.restores == 1
    assert (tmp_path / "startups.log").read_text().splitlines() == [
        f"startup {process.pid}",
        "before-snapshot hook of the app's",
    ]
    assert body["order"] == [
        "first",
        "second:['client', 'connection_pid', 'listener', 'server_end', 'startup_pid']",
        "reconnect",
    ]
    assert body["echoed"] == "ping"


@pytest.mark.parametrize("runtime", COMMANDS)
def test_a_failing_callback_is_reported_as_a_restore_error(
    server: RuntimeApiServer, tmp_path: Path, runtime: str
) -> None:
    with runtime_process(server, HANDLER, _environment(tmp_path, "failing"), COMMANDS[runtime]) as process:
        status = process.wait(timeout=WAIT)

    assert status == 65
    assert server.restores == 1
    ((error_type, error),) = server.restore_errors
    assert error_type == "Runtime.AfterRestoreError"
    assert error.error_type == "RestoreFailed"
    assert error.error_message == (
        "after-restore callback tests.support.snapstart_app._boom raised ConnectionRefusedError: "
        "the database at 10.0.0.7:5432 refused the connection"
    )
    assert server.delivered == 0


@pytest.mark.parametrize("runtime", COMMANDS)
def test_a_failed_lifespan_fails_the_snapshot(server: RuntimeApiServer, tmp_path: Path, runtime: str) -> None:
    with runtime_process(
        server, HANDLER, _environment(tmp_path, "no-lifespan-on"), COMMANDS[runtime]
    ) as process:
        status = process.wait(timeout=WAIT)

    assert status == 64
    assert server.restores == 0
    (error,) = server.init_errors
    assert error.error_type == "LifespanUnsupported"
    assert error.error_message.startswith("lifespan='on' but the application does not support")


def test_without_snapstart_the_runtime_never_asks_for_a_restore(
    server: RuntimeApiServer, tmp_path: Path
) -> None:
    environment = _environment(tmp_path, "starlette", snapstart=False)
    with runtime_process(server, HANDLER, environment) as process:
        result = server.invoke(sample_event("api_gateway_v2")).result(timeout=WAIT)

    assert result.ok
    assert server.restores == 0
    assert json.loads(result.json()["body"])["order"] == []
    assert (tmp_path / "startups.log").read_text().splitlines() == [f"startup {process.pid}"]
