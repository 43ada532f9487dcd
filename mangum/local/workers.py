"""Execution environments on this machine: ``python -m mangum.runtime`` processes fed by a Runtime API.

Each :class:`Worker` is one warm container: a real ``python -m mangum.runtime`` process connected
to a :class:`~mangum.local.runtime_api.RuntimeApiServer` of its own, so it takes one invocation at
a time, keeps its module state (and the app's lifespan) between invocations, and is told apart from
the others when it must be replaced. The :class:`WorkerPool` hands each invocation to an idle
worker (waiting for one when all are busy) and watches it:

- a worker whose process ends during an invocation (a crash, ``os._exit``, an init error) fails
  that invocation and is replaced by a new one (a cold start, logged);
- an invocation still running at its deadline is a timeout: the worker is killed, as Lambda stops
  a timed-out environment, and replaced;
- on shutdown every worker gets SIGTERM (the app's lifespan shutdown runs), and SIGKILL after
  :data:`SHUTDOWN_GRACE_SECONDS`.

Around each invocation the pool writes Lambda's platform lines: ``START``, ``END`` and ``REPORT``
with the duration, the billed duration, the memory size, the process's peak memory and, on a cold
start, the init duration.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from mangum.local.invocations import Chunk, Invocation, InvocationResult
from mangum.local.runtime_api import FunctionSettings, RuntimeApiServer

logger = logging.getLogger("mangum.serve")

SHUTDOWN_GRACE_SECONDS = 2.0
"""How long a worker has after SIGTERM (Lambda gives up to 2 s with extensions)."""
INIT_LIMIT_SECONDS = 10.0
"""Lambda's limit on a function's init phase."""
_POLL_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What every worker runs: ``handler`` as ``_HANDLER`` (``module.attribute``), from ``task_root``."""

    handler: str
    task_root: str
    workers: int = 1
    timeout: float = 29.0
    memory_mb: int = 128
    environment: Mapping[str, str] = field(default_factory=dict)
    """Variables added to the workers' environment (after the ones Lambda sets)."""
    label: str = "worker"
    """How the log names these workers (``authorizer`` for the authorizer's)."""


Ending = Literal["answered", "crashed", "timed_out"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an invocation ended: answered (``result`` is the Runtime API's record), the worker's
    process ended first (``crashed``, with its ``exit_status``), or the deadline came (``timed_out``)."""

    ending: Ending
    request_id: str
    result: InvocationResult | None = None
    exit_status: int | None = None


def peak_memory_mb(pid: int) -> int | None:
    """A live process's peak resident memory in MB (Linux ``VmHWM``; ``None`` where unknown)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return math.ceil(int(line.split()[1]) / 1024)
    return None


class Worker:
    """One execution environment: its own Runtime API and a runtime process (see the module docs)."""

    def __init__(self, number: int, settings: WorkerSettings) -> None:
        self.number = number
        self.settings = settings
        function = FunctionSettings(timeout_s=settings.timeout, memory_mb=settings.memory_mb)
        self.api = RuntimeApiServer(function=function).start()
        environment = {
            **os.environ,
            **self.api.environment(settings.handler),
            "LAMBDA_TASK_ROOT": settings.task_root,
            "PYTHONUNBUFFERED": "1",
            **settings.environment,
        }
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mangum.runtime"], env=environment, cwd=settings.task_root
        )
        self.served = 0
        self._closed = False
        logger.info("%s %d: cold start (pid %d)", settings.label, number, self.process.pid)

    @property
    def alive(self) -> bool:
        """Whether the runtime process is still running."""
        return self.process.poll() is None

    def init_duration_ms(self) -> float | None:
        """How long the runtime took to load the handler and ask for work (first invocation only)."""
        ready = self.api.first_next_at
        return None if ready is None or self.served else (ready - self.started) * 1000

    def stop(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> int | None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; closes the Runtime API. The exit status."""
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
        status = self.process.wait()
        self._close_api()
        return status

    def kill(self) -> None:
        """End the process at once (a timed-out environment) and close the Runtime API."""
        if self.alive:
            self.process.kill()
        self.process.wait()
        self._close_api()

    def _close_api(self) -> None:
        if not self._closed:
            self._closed = True
            self.api.close()


def _wait(worker: Worker, invocation: Invocation, handed: float, timeout: float) -> Outcome:
    """Block until the invocation is answered, its worker's process ends, or the deadline passes:
    ``timeout`` seconds after the runtime took the invocation (its init does not count, as on
    Lambda, up to :data:`INIT_LIMIT_SECONDS`)."""
    while True:
        delivered = invocation.delivered_at
        deadline = (handed + INIT_LIMIT_SECONDS if delivered is None else delivered) + timeout
        left = deadline - time.monotonic()
        try:
            return Outcome(
                "answered", invocation.request_id, invocation.result(max(0.0, min(left, _POLL_SECONDS)))
            )
        except TimeoutError:
            pass
        status = worker.process.poll()
        if status is not None:
            if invocation.complete:  # the answer came just before the process ended
                return Outcome("answered", invocation.request_id, invocation.result(0))
            return Outcome("crashed", invocation.request_id, exit_status=status)
        if time.monotonic() >= deadline:
            return Outcome("timed_out", invocation.request_id)


class WorkerPool:
    """``settings.workers`` workers sharing the invocations (see the module docs); ``log`` gets the
    platform lines (stdout by default)."""

    def __init__(self, settings: WorkerSettings, log: TextIO | None = None) -> None:
        self.settings = settings
        self._log = log or sys.stdout
        self._idle: asyncio.Queue[Worker] | None = None
        self._workers: dict[int, Worker] = {}
        self._next_number = 1
        self._executor = ThreadPoolExecutor(
            max_workers=settings.workers + 1, thread_name_prefix="mangum-wait"
        )
        self.cold_starts = 0
        """How many workers were started (the first ones included)."""

    def start(self) -> None:
        """Start every worker (cold starts, all at once)."""
        self._idle = asyncio.Queue()
        for _ in range(self.settings.workers):
            self._idle.put_nowait(self._spawn())

    def _spawn(self) -> Worker:
        worker = Worker(self._next_number, self.settings)
        self._workers[worker.number] = worker
        self._next_number += 1
        self.cold_starts += 1
        return worker

    def _replace(self, worker: Worker, why: str) -> Worker:
        logger.warning("%s %d %s: replaced by a new one", self.settings.label, worker.number, why)
        self._workers.pop(worker.number, None)
        return self._spawn()

    async def stop(self) -> None:
        """SIGTERM every worker (SIGKILL after the grace period) and wait for them."""
        workers = list(self._workers.values())
        self._workers.clear()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, worker.stop) for worker in workers))
        self._executor.shutdown(wait=False)

    async def invoke(
        self, event: bytes, *, timeout: float | None = None, listener: Callable[[Chunk], None] | None = None
    ) -> Outcome:
        """Run one invocation of ``event`` (JSON bytes) on an idle worker, within ``timeout`` seconds
        (the settings' by default) of being handed to it. ``listener`` gets each streamed chunk as
        it arrives (on a server thread)."""
        if self._idle is None:
            raise RuntimeError("the worker pool is not started")
        worker = await self._idle.get()
        try:
            if not worker.alive:
                worker = self._replace(worker, f"had ended (status {worker.process.returncode})")
            return await self._run(worker, event, timeout or self.settings.timeout, listener)
        finally:
            if not worker.alive:
                worker.kill()
                worker = self._replace(worker, "ended")
            self._idle.put_nowait(worker)

    async def _run(
        self, worker: Worker, event: bytes, timeout: float, listener: Callable[[Chunk], None] | None
    ) -> Outcome:
        invocation = worker.api.invoke(event, listener=listener)
        request_id = invocation.request_id
        self._line(f"START RequestId: {request_id} Version: $LATEST")
        handed = time.monotonic()
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(self._executor, _wait, worker, invocation, handed, timeout)
        init = worker.init_duration_ms()
        started = invocation.delivered_at or handed
        duration = (time.monotonic() - started) * 1000
        worker.served += 1
        memory = peak_memory_mb(worker.process.pid)
        if outcome.ending == "timed_out":
            self._line(f"{_now()} {request_id} Task timed out after {timeout:.2f} seconds")
            worker.kill()
        elif outcome.ending == "crashed":
            self._line(
                f"{_now()} {request_id} Error: Runtime exited with error: exit status {outcome.exit_status}"
            )
        self._line(f"END RequestId: {request_id}")
        report = (
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {math.ceil(duration)} ms\tMemory Size: {self.settings.memory_mb} MB\t"
            f"Max Memory Used: {memory if memory is not None else '?'} MB"
        )
        if init is not None:
            report += f"\tInit Duration: {init:.2f} ms"
        self._line(report + ("\tStatus: timeout" if outcome.ending == "timed_out" else ""))
        return outcome

    def _line(self, text: str) -> None:
        self._log.write(text + "\n")
        self._log.flush()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
