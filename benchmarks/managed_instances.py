"""Lambda Managed Instances: ``python -m mangum.runtime`` serving many invocations at once in one
process (``AWS_LAMBDA_MAX_CONCURRENCY``), against the same runtime one invocation at a time.

Usage: ``PYTHONPATH=. .venv/bin/python -m benchmarks.managed_instances [--quick]``

Each runtime is a process of its own on a Runtime API server on loopback
(:mod:`mangum.local.runtime_api`, allowing the same number of invocations in flight), serving the
Starlette app of ``benchmarks/managed_instances_app.py`` on HTTP API events. Three measurements:

- **Throughput** of the I/O-bound route (it awaits 50 ms) at concurrency 1, 8, 16 and 64: a batch
  of invocations enqueued at once, the figure being invocations per second from the first enqueue
  to the last result (median of the rounds), and the ratio to the one-at-a-time runtime's.
- **Peak memory** (``VmHWM``) of one process that served at concurrency 16, against 16 processes
  that each served one invocation at a time: the managed Python runtime's model, one process per
  concurrent request, each with its own init.
- **Overhead per invocation**: the round trip of the route that answers at once, one invocation
  after another, with ``AWS_LAMBDA_MAX_CONCURRENCY=1`` (a lane, the shared loop) against the
  sequential loop (no variable); rounds alternate between the two.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import FunctionSettings, RuntimeApiServer

ROOT = Path(__file__).resolve().parent.parent
HANDLER = "benchmarks.managed_instances_app.handler"
WAIT = 60.0
CONCURRENCIES = (1, 8, 16, 64)


@contextmanager
def runtime(concurrency: int | None) -> Iterator[tuple[RuntimeApiServer, subprocess.Popen[bytes]]]:
    """A Runtime API server and a runtime process on it; ``None``: one invocation at a time."""
    function = FunctionSettings(timeout_s=300.0)
    with RuntimeApiServer(function=function, max_concurrency=concurrency) as server:
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **server.environment(HANDLER)}
        process = subprocess.Popen(
            [sys.executable, "-m", "mangum.runtime"], env=environment, cwd=ROOT, stdout=subprocess.DEVNULL
        )
        try:
            yield server, process
        finally:
            process.terminate()
            process.wait(WAIT)


def peak_rss_kb(pid: int) -> int:
    """A live process's peak resident memory (``VmHWM``) in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def batch(server: RuntimeApiServer, path: str, count: int) -> float:
    """Seconds from enqueueing ``count`` invocations at once to the last result."""
    event = sample_event("api_gateway_v2", path=path)
    started = time.perf_counter()
    invocations = [server.invoke(event) for _ in range(count)]
    for invocation in invocations:
        if not invocation.result(timeout=WAIT).ok:
            raise RuntimeError("an invocation failed")
    return time.perf_counter() - started


def throughput(concurrency: int | None, count: int, rounds: int) -> float:
    """Invocations per second of the 50 ms route (median over rounds)."""
    with runtime(concurrency) as (server, _):
        batch(server, "/wait", min(count, 8))  # warm up (and the runtime's init)
        return statistics.median(count / batch(server, "/wait", count) for _ in range(rounds))


def round_trips(concurrency: int | None, calls: int) -> float:
    """Median microseconds of one invocation of the immediate route, one after another."""
    event = sample_event("api_gateway_v2", path="/fast")
    with runtime(concurrency) as (server, _):
        for _ in range(50):
            server.invoke(event).result(timeout=WAIT)
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            server.invoke(event).result(timeout=WAIT)
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1e6


def memory(concurrency: int, per_process_calls: int) -> tuple[int, int]:
    """Peak kB of one process that served at ``concurrency``, and of one sequential process."""
    with runtime(concurrency) as (server, process):
        batch(server, "/wait", concurrency * 4)
        shared = peak_rss_kb(process.pid)
    with runtime(None) as (server, process):
        batch(server, "/wait", per_process_calls)
        single = peak_rss_kb(process.pid)
    return shared, single


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    quick = parser.parse_args().quick
    rounds = 2 if quick else 3

    print("throughput of a route awaiting 50 ms (invocations/s, median of rounds):")
    sequential = throughput(None, 16, rounds)
    print(f"  one at a time (no AWS_LAMBDA_MAX_CONCURRENCY): {sequential:8.1f}/s")
    for concurrency in CONCURRENCIES:
        rate = throughput(concurrency, max(16, concurrency * 4), rounds)
        print(f"  AWS_LAMBDA_MAX_CONCURRENCY={concurrency:<3}: {rate:8.1f}/s  ({rate / sequential:5.1f}x)")

    shared, single = memory(16, 16)
    print("peak memory (VmHWM):")
    print(f"  one process at concurrency 16: {shared / 1024:6.1f} MB")
    print(f"  one single-invocation process: {single / 1024:6.1f} MB; x16 = {16 * single / 1024:6.1f} MB")
    print(f"  saved: {(16 * single - shared) / 1024:.1f} MB ({shared / (16 * single):.3f}x of 16 processes)")

    calls = 300 if quick else 1000
    ours: list[float] = []
    base: list[float] = []
    for _ in range(rounds):
        base.append(round_trips(None, calls))
        ours.append(round_trips(1, calls))
    lane, loop = statistics.median(ours), statistics.median(base)
    print(f"overhead per invocation ({rounds} alternating rounds of {calls}, median round trip):")
    print(f"  sequential loop: {loop:7.0f} µs; AWS_LAMBDA_MAX_CONCURRENCY=1: {lane:7.0f} µs")
    print(f"  difference: {lane - loop:+.0f} µs per invocation ({lane / loop:.2f}x)")


if __name__ == "__main__":
    main()
