"""Benchmark ``python -m mangum.runtime`` against AWS's ``awslambdaric``, in the same run.

Usage: ``PYTHONPATH=. .venv/bin/python -m benchmarks.runtime_loop [--quick]``

Both runtimes run as Lambda runs them, in a subprocess of their own virtual environment (this
checkout installed in ``benchmarks/.venvs/ours``; ``awslambdaric`` in
``benchmarks/.venvs/awslambdaric``), against one Runtime API server on loopback
(:mod:`mangum.local.runtime_api`) in this process, serving the same handler
(``benchmarks/runtime_handlers.py``) on a Function URL event. A round starts a runtime, warms it up,
then times invocations one after another from ``invoke()`` to the posted result; rounds alternate
between the two runtimes so that machine noise hits both alike. Figures are medians over rounds of
per-round medians; the ratio is ours / theirs (lower is better).

The streaming figures time a server-sent events app (``benchmarks/runtime_streaming_app.py``: 10
events, 20 ms apart) through our runtime: the first chunk's arrival against the whole answer's, in
``RESPONSE_STREAM`` and in ``BUFFERED`` mode.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.adapter_vs_mangum import our_python, pinned, venv_python
from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = ROOT / "benchmarks"
AWSLAMBDARIC_VENV = ROOT / "benchmarks" / ".venvs" / "awslambdaric"
AWSLAMBDARIC_PINS = ("awslambdaric", "simplejson", "snapshot-restore-py")
WAIT = 30.0


def their_python() -> Path:
    """The interpreter of awslambdaric's virtual environment, made on first use with the pins of
    requirements-dev.txt."""
    return venv_python(AWSLAMBDARIC_VENV, *pinned(AWSLAMBDARIC_PINS))


@contextmanager
def runtime(server: RuntimeApiServer, command: list[str], handler: str, **env: str) -> Iterator[None]:
    """A runtime process serving ``handler`` (from ``benchmarks/``) until the block ends."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.update(server.environment(handler), **env)
    process = subprocess.Popen(command, env=environment, cwd=HANDLERS, stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.terminate()
        process.wait(WAIT)


def invocation_round(server: RuntimeApiServer, command: list[str], calls: int, warm_up: int) -> float:
    """The median seconds of one invocation, over ``calls`` after ``warm_up``."""
    event = sample_event("function_url", path="/items/saw?colour=red")
    timings: list[float] = []
    with runtime(server, command, "runtime_handlers.plain"):
        for number in range(warm_up + calls):
            start = time.perf_counter()
            result = server.invoke(event).result(timeout=WAIT)
            elapsed = time.perf_counter() - start
            if not result.ok:
                raise SystemExit(f"{command[0]}: the invocation failed: {result.error}")
            if number >= warm_up:
                timings.append(elapsed)
    return statistics.median(timings)


def streaming_round(server: RuntimeApiServer, python: Path, mode: str, calls: int) -> tuple[float, float]:
    """Medians of (time to first byte, total time), in seconds, for the SSE app in ``mode``."""
    event = sample_event("function_url", path="/events?count=10&delay=0.02")
    first: list[float] = []
    total: list[float] = []
    command = [str(python), "-m", "mangum.runtime"]
    with runtime(server, command, "runtime_streaming_app.handler", MANGUM_INVOKE_MODE=mode):
        server.invoke(event).result(timeout=WAIT)  # warm up: imports, the event loop
        for _ in range(calls):
            invocation = server.invoke(event)
            chunks = list(invocation.chunks(timeout=WAIT))
            result = invocation.result(timeout=WAIT)
            done = time.monotonic()
            arrived = chunks[0].arrived if chunks else done
            first.append(arrived - invocation.enqueued)
            total.append(done - invocation.enqueued)
            if not result.ok:
                raise SystemExit(f"the streaming invocation failed: {result.error}")
    return statistics.median(first), statistics.median(total)


def main() -> None:
    """Measure and print every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and calls, for a smoke run")
    args = parser.parse_args()
    rounds, calls, warm_up, stream_calls = (3, 300, 50, 10) if args.quick else (7, 2000, 200, 30)
    python = our_python()
    ours = [str(python), "-m", "mangum.runtime"]
    theirs = [str(their_python()), "-m", "awslambdaric", "runtime_handlers.plain"]
    print(
        "ours: python -m mangum.runtime (this checkout) | theirs: awslambdaric "
        f"({pinned(('awslambdaric',))[0].split('==')[1]}) | {rounds} alternating rounds of {calls} "
        "invocations; medians; ratio = ours / theirs"
    )
    mine: list[float] = []
    other: list[float] = []
    with RuntimeApiServer() as server:
        for _ in range(rounds):
            mine.append(invocation_round(server, ours, calls, warm_up))
            other.append(invocation_round(server, theirs, calls, warm_up))
        ours_median, theirs_median = statistics.median(mine), statistics.median(other)
        label = "invocation round trip, plain handler"
        print(
            f"{label:<44} {ours_median * 1e6:>9.1f} {theirs_median * 1e6:>9.1f} us "
            f"{ours_median / theirs_median:>6.2f}x   target <= 1.00x"
        )
        print(f"{'  per round, ours':<44} " + " ".join(f"{value * 1e6:.0f}" for value in mine))
        print(f"{'  per round, theirs':<44} " + " ".join(f"{value * 1e6:.0f}" for value in other))
        for mode in ("RESPONSE_STREAM", "BUFFERED"):
            first, total = streaming_round(server, python, mode, stream_calls)
            print(
                f"{'SSE app, 10 events 20 ms apart, ' + mode:<44} first byte {first * 1e3:>7.1f} ms, "
                f"whole answer {total * 1e3:>7.1f} ms, first / whole {first / total:.3f}"
            )


if __name__ == "__main__":
    main()
