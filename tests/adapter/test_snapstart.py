"""SnapStart, simulated as Lambda runs it (:mod:`tests.support.snapstart_simulation`): init imports the
handler module, the before-snapshot hooks run, the process forks into two restored environments,
each runs the after-restore hooks and is invoked. The hooks are the real ones of
``snapshot_restore_py``, run by ``awslambdaric``'s own runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mangum.config import snapstart_on
from mangum.exceptions import ConfigurationError
from mangum.snapstart import after_restore
from tests.support.snapstart_simulation import SNAPSTART, Simulation, run_simulation


def simulate(tmp_path: Path, case: str, env: dict[str, str] | None = None) -> Simulation:
    """The simulation of :mod:`tests.support.snapstart_app`'s ``case``; the lines its lifespan wrote
    are in :attr:`Simulation.lines`."""
    log = tmp_path / "startups.log"
    case_env = {
        "SNAPSTART_CASE": case,
        "SNAPSTART_LOG": str(log),
        "SNAPSTART_DB": str(tmp_path / "app.sqlite"),
    }
    return run_simulation("tests.support.snapstart_app", {**case_env, **(env or {})}, log)


def assert_unique_random(simulation: Simulation) -> None:
    """Both environments started from the same generator state, and drew different numbers anyway."""
    first, second = simulation.restores
    assert first["random_unseeded"] == second["random_unseeded"]  # what they would have drawn
    assert first["random"] != second["random"]
    assert first["body"]["random"] != second["body"]["random"]


def test_a_starlette_lifespan_runs_once_before_the_snapshot_and_its_connection_is_renewed(
    tmp_path: Path,
) -> None:
    simulation = simulate(tmp_path, "starlette", SNAPSTART)
    init_pid = simulation.steps["init"]["pid"]

    assert simulation.steps["snapshot"]["error"] is None
    # The adapter's hook, registered after the app's own, ran first: reverse order.
    assert simulation.lines == [f"startup {init_pid}", "before-snapshot hook of the app's"]
    assert simulation.steps["done"]["exit_codes"] == [0, 0]
    for restore, body in zip(simulation.restores, simulation.bodies, strict=True):
        assert restore["status"] == 200
        assert body["pid"] == restore["pid"] != init_pid
        assert body["startup_pid"] == init_pid  # the state the lifespan built, from the snapshot
        assert body["connection_pid"] == restore["pid"]  # reconnected after the restore
        assert body["echoed"] == "ping"
        # In registration order, before and after Mangum(app); the async one saw the state.
        assert body["order"] == [
            "first",
            "second:['client', 'connection_pid', 'listener', 'server_end', 'startup_pid']",
            "reconnect",
        ]
        assert restore["first_invocation_imports"] == []  # the source's home was warmed
    assert_unique_random(simulation)


def test_a_fastapi_lifespan_runs_before_the_snapshot_and_its_database_is_reopened(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "fastapi", SNAPSTART)
    init_pid = simulation.steps["init"]["pid"]

    assert simulation.lines == [f"startup {init_pid}"]
    for restore, body in zip(simulation.restores, simulation.bodies, strict=True):
        assert restore["status"] == 200
        assert body["startups"] == 1
        assert body["startup_pid"] == init_pid
        assert body["connection_pid"] == restore["pid"]
    assert_unique_random(simulation)


def test_a_failing_callback_fails_the_restore_with_its_cause(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "failing", SNAPSTART)

    assert simulation.steps["done"]["exit_codes"] == [65, 65]  # awslambdaric's restore error exit
    for restore in simulation.restores:
        assert restore["error"] == {
            "type": "RestoreFailed",
            "message": "after-restore callback tests.support.snapstart_app._boom raised "
            "ConnectionRefusedError: the database at 10.0.0.7:5432 refused the connection",
            "cause": "ConnectionRefusedError: the database at 10.0.0.7:5432 refused the connection",
        }
        assert "status" not in restore  # never invoked
    assert "never" not in simulation.lines  # the callbacks after it did not run
    failure = "SnapStart restore failed: after-restore callback tests.support.snapstart_app._boom raised"
    assert simulation.log.count(failure) == 2
    assert "Traceback" in simulation.log


@pytest.mark.parametrize(
    ("case", "callback", "where"),
    [("slow-blocking", "_block", "blocking the thread at "), ("slow-waiting", "_wait", "waiting at ")],
)
def test_a_callback_past_the_restore_limit_fails_the_restore(
    tmp_path: Path, case: str, callback: str, where: str
) -> None:
    # The limit shortened from 10 s to 2 s: cancelled, or interrupted, 1 s before it.
    simulation = simulate(tmp_path, case, {**SNAPSTART, "SNAPSTART_RESTORE_LIMIT": "2"})

    assert simulation.steps["done"]["exit_codes"] == [65, 65]
    for restore in simulation.restores:
        error = restore["error"]
        assert error["type"] == "RestoreFailed"
        assert error["message"].startswith(
            f"after-restore callback tests.support.snapstart_app.{callback} did not finish within 1s "
            f"of the 2s restore limit ({where}"
        )


def test_without_snapstart_nothing_changes(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "starlette")

    assert simulation.steps["init"]["hooks_imported"] is False
    assert simulation.steps["snapshot"]["registered"] == {"before_snapshot": 0, "after_restore": 0}
    # The lifespan starts with each environment's first invocation, and no callback runs.
    pids = [restore["pid"] for restore in simulation.restores]
    assert simulation.lines == [f"startup {pid}" for pid in pids]
    for body in simulation.bodies:
        assert body["order"] == []
        assert body["startup_pid"] == body["connection_pid"] == body["pid"]
    # Nothing reseeds here: two children of one "snapshot" draw the same numbers, which is what
    # the reseed after a restore is for (and shows the simulation undoes Python's at-fork reseed).
    first, second = simulation.restores
    assert first["random"] == second["random"]


@pytest.mark.parametrize("env", [{}, SNAPSTART], ids=["off", "on"])
def test_the_hooks_are_imported_only_with_snapstart(env: dict[str, str]) -> None:
    script = (
        "import sys\n"
        "from mangum import Mangum\n"
        "async def app(scope, receive, send): ...\n"
        "Mangum(app)\n"
        "print(sorted({'snapshot_restore_py', 'mangum._snapstart'} & set(sys.modules)))\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "AWS_LAMBDA_INITIALIZATION_TYPE"}
    environment.update(env)
    imported = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()

    assert imported == ("['mangum._snapstart', 'snapshot_restore_py']" if env else "[]")


def test_with_lifespan_off_the_callbacks_still_run_and_random_is_reseeded(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "lifespan-off", SNAPSTART)

    assert simulation.lines == ["before-snapshot hook of the app's"]  # no lifespan startup
    for restore, body in zip(simulation.restores, simulation.bodies, strict=True):
        assert restore["status"] == 200
        assert body["order"] == ["first", "second:[]", "reconnect"]  # an empty state
        assert "startup_pid" not in body
    assert_unique_random(simulation)


def test_lifespan_on_without_lifespan_support_fails_the_snapshot(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "no-lifespan-on", SNAPSTART)

    assert simulation.returncode == 64  # awslambdaric's before-snapshot error exit
    error = simulation.steps["snapshot"]["error"]
    assert error["type"] == "LifespanUnsupported"
    assert error["cause"] == "ValueError: unsupported scope type lifespan"
    assert simulation.restores == []


def test_a_failed_startup_fails_the_snapshot_with_its_cause(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "startup-fails", SNAPSTART)

    assert simulation.returncode == 64
    error = simulation.steps["snapshot"]["error"]
    assert error["type"] == "LifespanFailure"
    assert error["cause"] == "ConnectionRefusedError: the database at 10.0.0.7:5432 refused the connection"
    assert "Application startup failed" in simulation.log
    assert simulation.restores == []


def test_lifespan_auto_without_lifespan_support_is_served_after_restore(tmp_path: Path) -> None:
    simulation = simulate(tmp_path, "no-lifespan-auto", SNAPSTART)

    assert simulation.steps["done"]["exit_codes"] == [0, 0]
    assert [restore["status"] for restore in simulation.restores] == [200, 200]
    assert_unique_random(simulation)


def test_snapstart_is_on_only_for_snap_start_initialization() -> None:
    assert snapstart_on({"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"})
    assert not snapstart_on({"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"})
    assert not snapstart_on({})


def test_after_restore_returns_the_callback_and_refuses_what_it_cannot_call() -> None:
    import mangum._snapstart

    registered = len(mangum._snapstart.callbacks)

    def renew(state: dict[str, Any]) -> None: ...

    assert after_restore(renew) is renew
    assert mangum._snapstart.callbacks[-1].takes_state is True
    with pytest.raises(ConfigurationError, match="must take no argument or one"):
        after_restore(lambda first, second: None)
    with pytest.raises(ConfigurationError, match="must be a function, not int"):
        after_restore(3)  # type: ignore[type-var]  # what the check is for
    assert len(mangum._snapstart.callbacks) == registered + 1
    mangum._snapstart.callbacks.pop()
