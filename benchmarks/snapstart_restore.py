"""Figures for docs/performance.md#snapstart: the first invocation of a FastAPI app whose lifespan
startup takes 0.3 s, in an environment restored from a SnapStart snapshot against a cold start.

Each side runs in a fresh interpreter, as Lambda starts one, and is timed from inside it (the
interpreter's own start is left out on both sides):

- **cold start** (no SnapStart): init (importing the app, ``Mangum(app)``), then the first
  invocation, which runs the lifespan startup first;
- **after a restore**: init and the before-snapshot hooks (the lifespan startup, the warming) run,
  then the process forks, as an environment restored from the snapshot; the child times the
  after-restore hooks (``random`` reseeded, an after-restore callback that renews the app's client)
  and the first invocation. Firecracker's own restore of the microVM is not simulated: Lambda
  reports it as the ``Restore Duration``;
- **after a restore, the route warmed**: the same, the app also calling its route once in a
  before-snapshot hook of its own (FastAPI inspects an endpoint's source the first time it serves it).

The three alternate for ``--rounds`` rounds (default 7); medians are printed, and the ratios.

    .venv/bin/python -m benchmarks.snapstart_restore
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 0.3
SNAPSTART = {"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}
WARM_ROUTES = "BENCH_WARM_ROUTES"
"""Set: the app calls its own route in a before-snapshot hook (see benchmarks/snapstart_app.py)."""


def _app_module() -> Any:
    """The benchmark's handler module, imported (its init)."""
    import benchmarks.snapstart_app as module

    return module


def _invoke(module: Any) -> float:
    """Seconds the first invocation took; raises unless it answered 200."""
    from mangum.local_context import LocalContext
    from tests.support.http_events import v2_event

    started = time.perf_counter()
    result = module.handler(v2_event("/items/7"), LocalContext())
    elapsed = time.perf_counter() - started
    if result["statusCode"] != 200:
        raise RuntimeError(f"the app answered {result['statusCode']}: {result['body']}")
    return elapsed


def cold_worker() -> dict[str, float]:
    started = time.perf_counter()
    module = _app_module()
    init = time.perf_counter() - started
    first = _invoke(module)
    return {"init": init, "first_invocation": first, "total": init + first}


def restore_worker() -> dict[str, float]:
    from awslambdaric.lambda_runtime_hooks_runner import (  # type: ignore[import-untyped]  # no type information shipped
        run_after_restore,
        run_before_snapshot,
    )

    started = time.perf_counter()
    module = _app_module()
    run_before_snapshot()
    snapshot = time.perf_counter() - started
    read, write = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        restored = time.perf_counter()
        run_after_restore()
        hooks = time.perf_counter() - restored
        first = _invoke(module)
        os.write(write, json.dumps({"after_restore": hooks, "first_invocation": first}).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = json.loads(pipe.read())
    os.waitpid(pid, 0)
    total = child["after_restore"] + child["first_invocation"]
    return {"init_and_snapshot": snapshot, **child, "total": total}


def _run(side: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AWS_LAMBDA_INITIALIZATION_TYPE", None)
    env.pop(WARM_ROUTES, None)
    if side != "cold":
        env.update(SNAPSTART)
    if side == "restore-warmed":
        env[WARM_ROUTES] = "1"
    worker = "cold" if side == "cold" else "restore"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.snapstart_restore", "--worker", worker],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--worker", choices=("cold", "restore"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker is not None:
        figures = cold_worker() if arguments.worker == "cold" else restore_worker()
        print(json.dumps(figures), flush=True)
        return
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "restore": [], "restore-warmed": []}
    for _ in range(arguments.rounds):
        for side, measured in runs.items():
            measured.append(_run(side))

    def median(side: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[side])

    print(f"FastAPI app, lifespan startup {STARTUP_SECONDS} s, medians of {arguments.rounds} rounds")
    print(
        f"cold start: init {_ms(median('cold', 'init'))}, "
        f"first invocation {_ms(median('cold', 'first_invocation'))}, "
        f"together {_ms(median('cold', 'total'))}"
    )
    for side, label in (
        ("restore", "restored"),
        ("restore-warmed", "restored, route called before the snapshot"),
    ):
        print(
            f"{label}: (init + before-snapshot hooks {_ms(median(side, 'init_and_snapshot'))}, at publish) "
            f"after-restore hooks {_ms(median(side, 'after_restore'))}, "
            f"first invocation {_ms(median(side, 'first_invocation'))}, together {_ms(median(side, 'total'))}"
        )
        print(f"  ratio to the cold start: {median(side, 'total') / median('cold', 'total'):.3f}x")


if __name__ == "__main__":
    main()
