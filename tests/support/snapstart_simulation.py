"""Lambda SnapStart simulated in one process, in the order Lambda runs it:

1. init: the handler module is imported (``python -m tests.support.snapstart_simulation MODULE``);
2. the before-snapshot hooks registered with ``snapshot_restore_py`` run, in reverse order of
   registration, by ``awslambdaric``'s own runner (what the managed runtime calls);
3. the process forks once per restored environment (two by default): each child starts from the
   same memory, as environments restored from one snapshot do. Python reseeds ``random`` in a
   forked child by itself, which a restored microVM does not: each child first puts back the
   generator state of the "snapshot";
4. in each child the after-restore hooks run in order (``awslambdaric``'s runner again), then the
   handler is invoked with an HTTP API ``GET /``.

Prints one JSON line per step on stdout: ``{"step": "init", ...}``, ``{"step": "snapshot", ...}``,
one ``{"step": "restore", ...}`` per child and ``{"step": "done", "exit_codes": [...]}``. A failing
hook is reported as ``{"type", "message", "cause"}`` and ends the process (64) or the child (65), the
exit codes of ``awslambdaric``. ``SNAPSTART_RESTORE_LIMIT`` (seconds) shortens
``mangum._snapstart.RESTORE_LIMIT``. Logs go to stderr.

Tests run it with :func:`run_simulation`.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from mangum.local_context import LocalContext
from tests.support.http_events import v2_event

REPO_ROOT = Path(__file__).resolve().parents[2]
SNAPSTART = {"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}
"""The variable Lambda sets while it initializes a version for its snapshot."""


@dataclass
class Simulation:
    """What one simulated snapshot and its restores reported (the test's side of this module)."""

    steps: dict[str, dict[str, Any]]
    """The ``init``, ``snapshot`` and ``done`` steps."""
    restores: list[dict[str, Any]]
    """Each child's ``restore`` step."""
    lines: list[str]
    """The lines of the file the application wrote, if it did."""
    returncode: int
    log: str
    """Everything logged (stderr)."""

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """Each child's answer to its first invocation, decoded."""
        return [restore["body"] for restore in self.restores]


def run_simulation(module: str, env: dict[str, str], written: Path | None = None) -> Simulation:
    """Simulate ``module`` as a handler module, in a process of its own with ``env`` added to the
    environment (without SnapStart unless ``env`` says so); ``written`` is a file the application writes."""
    environment = {key: value for key, value in os.environ.items() if key not in SNAPSTART}
    environment.update(PYTHONPATH=str(REPO_ROOT), **env)
    process = subprocess.run(
        [sys.executable, "-m", "tests.support.snapstart_simulation", module],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    steps = [json.loads(line) for line in process.stdout.splitlines()]
    return Simulation(
        steps={step["step"]: step for step in steps if step["step"] != "restore"},
        restores=[step for step in steps if step["step"] == "restore"],
        lines=written.read_text().splitlines() if written is not None and written.exists() else [],
        returncode=process.returncode,
        log=process.stderr,
    )


def _emit(step: str, **fields: object) -> None:
    print(json.dumps({"step": step, **fields}), flush=True)


def _error(error: BaseException) -> dict[str, object]:
    cause = error.__cause__
    return {
        "type": type(error).__name__,
        "message": str(error),
        "cause": None if cause is None else f"{type(cause).__name__}: {cause}",
    }


def _restore_child(index: int, handler_module: ModuleType, random_state: tuple[Any, ...]) -> int:
    from awslambdaric.lambda_runtime_hooks_runner import (  # type: ignore[import-untyped]  # as above
        run_after_restore,
    )

    random.setstate(random_state)  # the generator as the snapshot held it
    unseeded = random.Random()
    unseeded.setstate(random.getstate())
    record: dict[str, object] = {"child": index, "pid": os.getpid(), "random_unseeded": unseeded.random()}
    try:
        run_after_restore()
    except BaseException as error:
        _emit("restore", **record, error=_error(error))
        return 65
    before = set(sys.modules)
    handler = handler_module.handler
    result = handler(v2_event("/"), LocalContext())
    _emit(
        "restore",
        **record,
        error=None,
        status=result["statusCode"],
        body=json.loads(result["body"]),
        random=random.random(),
        first_invocation_imports=sorted(
            name for name in set(sys.modules) - before if name.startswith("mangum")
        ),
    )
    return 0


def main(module_name: str, children: int = 2) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")
    handler_module = importlib.import_module(module_name)
    _emit("init", pid=os.getpid(), hooks_imported="snapshot_restore_py" in sys.modules)
    from snapshot_restore_py import (  # type: ignore[import-untyped]  # no type information shipped
        get_after_restore,
        get_before_snapshot,
    )

    limit = os.environ.get("SNAPSTART_RESTORE_LIMIT")
    if limit:
        import mangum._snapstart

        mangum._snapstart.RESTORE_LIMIT = float(limit)
    from awslambdaric.lambda_runtime_hooks_runner import run_before_snapshot

    registered = {"before_snapshot": len(get_before_snapshot()), "after_restore": len(get_after_restore())}
    try:
        run_before_snapshot()
    except BaseException as error:
        _emit("snapshot", registered=registered, error=_error(error))
        return 64
    _emit("snapshot", registered=registered, error=None)
    random_state = random.getstate()
    exit_codes = []
    for index in range(children):
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _restore_child(index, handler_module, random_state)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        exit_codes.append(os.waitstatus_to_exitcode(status))
    _emit("done", exit_codes=exit_codes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
