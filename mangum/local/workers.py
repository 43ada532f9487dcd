"""Execution environments on this machine: ``python -m mangum.runtime`` processes fed by a Runtime API.

Each :class:`Worker` is one warm container: a real ``python -m mangum.runtime`` process connected
to a Runtime API of its own (:class:`~mangum.local.runtime_api_loop.LoopRuntimeApi`, on the
gateway's event loop), so it takes one invocation at
a time, keeps its module state (and the app's lifespan) between invocations, and is told apart from
the others when it must be replaced. The :class:`WorkerPool` hands each invocation to an idle
worker (waiting for one when all are busy) and watches it:

- a worker whose process ends during an invocation (a crash, ``os._exit``, an init error) fails
  that invocation and is replaced by a new one (a cold start, logged);
- an invocation still running at its deadline is a timeout: the worker is killed, as Lambda stops
  a timed-out environment, and replaced;
- on shutdown every worker gets SIGTERM (the app's lifespan shutdown runs), and SIGKILL after
  :data:`SHUTDOWN_GRACE_SECONDS`.

With ``max_concurrency`` each worker is a Lambda Managed Instances execution environment: its
runtime gets ``AWS_LAMBDA_MAX_CONCURRENCY`` and takes up to that many invocations at once (the
pool holds that many slots per worker); an invocation past its deadline is reported as timed out
but the worker is not killed, since Managed Instances do not enforce timeouts and the other
invocations in flight on it must not be lost; a worker whose process ends fails every invocation
it had in flight and is replaced once.

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
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TextIO

from mangum.local.invocations import Chunk, Invocation, InvocationResult
from mangum.local.runtime_api_loop import FunctionSettings, LoopRuntimeApi
from mangum.runtime.client import PIPELINING_VARIABLE

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
    max_concurrency: int | None = None
    """Invocations each worker takes at once (``None``: one, and a timed-out worker is killed)."""
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
    delivered: bool = True
    """Whether the runtime took the invocation (a process that ended first never saw it)."""


class PeakMemory:
    """A live process's peak resident memory in MB (Linux ``VmHWM``), read after every invocation:
    its ``/proc/PID/status`` is opened once and read again from the start each time (one system call)."""

    def __init__(self, pid: int) -> None:
        try:
            self._descriptor: int | None = os.open(f"/proc/{pid}/status", os.O_RDONLY)
        except OSError:
            self._descriptor = None

    def read_mb(self) -> int | None:
        """The peak so far (``None`` where unknown: not Linux, or the process has ended)."""
        if self._descriptor is None:
            return None
        try:
            return _vm_hwm_mb(os.pread(self._descriptor, 16384, 0))
        except OSError:
            return None

    def close(self) -> None:
        """Let the file go (the process is ending)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def _vm_hwm_mb(status: bytes) -> int | None:
    start = status.find(b"VmHWM:")
    if start < 0:
        return None
    fields = status[start + 6 : status.find(b"\n", start)].split()
    return math.ceil(int(fields[0]) / 1024) if fields else None


class _Lines(asyncio.Protocol):
    """A worker's output, line by line as it arrives."""

    def __init__(self, on_line: Callable[[str], None]) -> None:
        self._on_line = on_line
        self._partial = b""

    def data_received(self, data: bytes) -> None:
        *lines, self._partial = (self._partial + data).split(b"\n")
        for line in lines:
            self._on_line(line.decode("utf-8", "replace"))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._partial:
            self._on_line(self._partial.decode("utf-8", "replace"))
            self._partial = b""


class Worker:
    """One execution environment: its own Runtime API and a runtime process (see the module docs).
    Made on the gateway's event loop."""

    def __init__(
        self, number: int, settings: WorkerSettings, on_line: Callable[[Worker, str], None] | None = None
    ) -> None:
        self.number = number
        self.settings = settings
        function = FunctionSettings(timeout_s=settings.timeout, memory_mb=settings.memory_mb)
        self.api = LoopRuntimeApi(function, max_concurrency=settings.max_concurrency)
        environment = {
            **os.environ,
            **self.api.environment(settings.handler),
            "LAMBDA_TASK_ROOT": settings.task_root,
            "PYTHONUNBUFFERED": "1",
            # This Runtime API reads pipelined requests: each buffered answer brings the next /next.
            PIPELINING_VARIABLE: "1",
            **settings.environment,
        }
        self.started = time.monotonic()
        # A session of its own: Ctrl-C in the terminal reaches serve alone, which stops the workers
        # with SIGTERM (their lifespan shutdown runs), as Lambda stops an environment. The output
        # comes through the gateway: each line is the current invocation's (the inspector).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mangum.runtime"],
            env=environment,
            cwd=settings.task_root,
            stdout=None if on_line is None else subprocess.PIPE,
            stderr=None if on_line is None else subprocess.STDOUT,
            start_new_session=True,
        )
        self.last_request_id = ""
        """The invocation the worker's output lines belong to: its latest."""
        self._output: asyncio.Task[object] | None = None
        if on_line is not None and self.process.stdout is not None:
            loop = asyncio.get_running_loop()
            reader = _Lines(lambda line: on_line(self, line))
            self._output = loop.create_task(loop.connect_read_pipe(lambda: reader, self.process.stdout))
        self.served = 0
        self.peak_memory = PeakMemory(self.process.pid)
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
            self.peak_memory.close()


class _Alarm:
    """What wakes the watch of an invocation: its answer (the alarm is the invocation's
    ``on_finish``) or a timer, whichever comes first."""

    __slots__ = ("_loop", "_ringing")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._ringing: asyncio.Future[None] | None = None

    def __call__(self) -> None:
        ringing = self._ringing
        if ringing is not None and not ringing.done():
            ringing.set_result(None)

    async def sleep(self, seconds: float) -> None:
        """Until the alarm rings, ``seconds`` at most."""
        self._ringing = ringing = self._loop.create_future()
        timer = self._loop.call_later(seconds, self)
        try:
            await ringing
        finally:
            timer.cancel()
            self._ringing = None


async def _watch(
    worker: Worker, invocation: Invocation, alarm: _Alarm, handed: float, timeout: float
) -> Outcome:
    """Wait until the invocation is answered (the ``alarm`` rings then), its worker's process
    ends, or the deadline passes: ``timeout`` seconds after the runtime took the invocation (its
    init does not count, as on Lambda, up to :data:`INIT_LIMIT_SECONDS`). Nothing but the event
    loop waits: the answer wakes it directly, and the process is checked every
    :data:`_POLL_SECONDS`."""
    while True:
        delivered = invocation.delivered_at
        deadline = (handed + INIT_LIMIT_SECONDS if delivered is None else delivered) + timeout
        left = deadline - time.monotonic()
        if not invocation.complete:
            await alarm.sleep(max(0.0, min(left, _POLL_SECONDS)))
        # An answered invocation needs no look at the process (a system call per invocation).
        status = None if invocation.complete else worker.process.poll()
        # Checked after the process: an answer that came just before the process ended counts.
        if invocation.complete:
            return Outcome("answered", invocation.request_id, invocation.result(0))
        if status is not None:
            delivered = invocation.delivered_at is not None
            return Outcome("crashed", invocation.request_id, exit_status=status, delivered=delivered)
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
        self._slots = settings.max_concurrency or 1
        self._successors: dict[int, Worker] = {}
        self._busy: Counter[int] = Counter()
        """Invocations in flight per worker number."""
        self._retired: set[int] = set()
        """Workers to stop, not to reuse, once their last invocation ends (see :meth:`renew`)."""
        self.cold_starts = 0
        """How many workers were started (the first ones included)."""
        self.on_output: Callable[[str, str], None] | None = None
        """Called with ``(request id, line)`` for each line a worker prints (the inspector)."""

    def start(self) -> None:
        """Start every worker (cold starts, all at once)."""
        self._idle = asyncio.Queue()
        for _ in range(self.settings.workers):
            worker = self._spawn()
            for _ in range(self._slots):
                self._idle.put_nowait(worker)

    def _worker_line(self, worker: Worker, line: str) -> None:
        self._log.write(line + "\n")
        self._log.flush()
        if self.on_output is not None:
            self.on_output(worker.last_request_id, line)

    def _spawn(self) -> Worker:
        worker = Worker(self._next_number, self.settings, self._worker_line)
        self._workers[worker.number] = worker
        self._next_number += 1
        self.cold_starts += 1
        return worker

    def _replace(self, worker: Worker, why: str) -> Worker:
        # Each of a worker's slots comes back here: the first starts its successor, the rest take it.
        successor = self._successors.get(worker.number)
        if successor is None:
            logger.warning("%s %d %s: replaced by a new one", self.settings.label, worker.number, why)
            self._workers.pop(worker.number, None)
            successor = self._successors[worker.number] = self._spawn()
        return successor

    async def renew(self) -> None:
        """Replace every worker with a new one (a cold start each): the idle ones at once, the busy
        ones when their invocation ends (``--reload``)."""
        if self._idle is None:
            return
        slots: list[Worker] = []
        while not self._idle.empty():
            slots.append(self._idle.get_nowait())
        idle = {worker.number: worker for worker in slots if self._busy[worker.number] == 0}
        self._retired.update(number for number in self._workers if number not in idle)
        for number in idle:
            self._workers.pop(number, None)
        for _ in range(self.settings.workers):
            worker = self._spawn()
            for _ in range(self._slots):
                self._idle.put_nowait(worker)
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, worker.stop) for worker in idle.values()))

    def _retire(self, worker: Worker) -> None:
        self._retired.discard(worker.number)
        self._workers.pop(worker.number, None)
        asyncio.get_running_loop().run_in_executor(None, worker.stop)

    async def stop(self) -> None:
        """SIGTERM every worker (SIGKILL after the grace period) and wait for them."""
        workers = list(self._workers.values())
        self._workers.clear()
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(None, worker.stop) for worker in workers))

    async def invoke(
        self,
        event: bytes,
        *,
        timeout: float | None = None,
        listener: Callable[[Chunk], None] | None = None,
        enqueued: Callable[[Invocation], None] | None = None,
    ) -> Outcome:
        """Run one invocation of ``event`` (JSON bytes) on an idle worker, within ``timeout`` seconds
        (the settings' by default) of being handed to it. ``listener`` gets each streamed chunk as
        it arrives (on a server thread); ``enqueued`` gets the invocation once it is enqueued (to
        abandon it)."""
        if self._idle is None:
            raise RuntimeError("the worker pool is not started")
        worker = await self._idle.get()
        self._busy[worker.number] += 1
        try:
            if not worker.alive:
                self._busy[worker.number] -= 1
                worker = self._replace(worker, f"had ended (status {worker.process.returncode})")
                self._busy[worker.number] += 1
            outcome = await self._run(worker, event, timeout or self.settings.timeout, listener, enqueued)
            if outcome.ending == "crashed" and not outcome.delivered:
                # The runtime ended between two invocations (it gave up its environment, say, for
                # leaked threads): this one never reached it, so a new worker takes it.
                worker.kill()
                self._busy[worker.number] -= 1
                worker = self._replace(worker, f"ended (status {outcome.exit_status})")
                self._busy[worker.number] += 1
                outcome = await self._run(worker, event, timeout or self.settings.timeout, listener, enqueued)
            return outcome
        finally:
            self._busy[worker.number] -= 1
            if worker.number in self._retired:
                # Its slot is not given back; the last one to come back stops it (--reload).
                if not self._busy[worker.number]:
                    self._retire(worker)
            else:
                if not worker.alive:
                    worker.kill()
                    worker = self._replace(worker, "ended")
                self._idle.put_nowait(worker)

    async def _run(
        self,
        worker: Worker,
        event: bytes,
        timeout: float,
        listener: Callable[[Chunk], None] | None,
        enqueued: Callable[[Invocation], None] | None = None,
    ) -> Outcome:
        loop = asyncio.get_running_loop()
        alarm = _Alarm(loop)
        # The Runtime API records the outcome on this loop: it rings the alarm directly.
        invocation = worker.api.invoke(event, listener=listener, on_finish=alarm)
        if enqueued is not None:
            enqueued(invocation)
        request_id = worker.last_request_id = invocation.request_id
        # Not flushed on its own: the worker's first output line, or END and REPORT, flush it.
        self._log.write(f"START RequestId: {request_id} Version: $LATEST\n")
        handed = time.monotonic()
        outcome = await _watch(worker, invocation, alarm, handed, timeout)
        init = worker.init_duration_ms()
        started = invocation.delivered_at or handed
        duration = (time.monotonic() - started) * 1000
        worker.served += 1
        if outcome.ending == "answered":
            # No look at the process (a system call): an ended one has no peak left to read.
            self._report(worker, outcome, duration, init, timeout, worker.peak_memory.read_mb())
            return outcome
        if outcome.ending == "timed_out":
            memory = worker.peak_memory.read_mb()
            self._line(f"{_now()} {request_id} Task timed out after {timeout:.2f} seconds")
            if self.settings.max_concurrency is None:
                worker.kill()
        else:
            memory = None
            self._line(
                f"{_now()} {request_id} Error: Runtime exited with error: exit status {outcome.exit_status}"
            )
        self._report(worker, outcome, duration, init, timeout, memory)
        return outcome

    def _report(
        self,
        worker: Worker,
        outcome: Outcome,
        duration: float,
        init: float | None,
        timeout: float,
        memory: int | None,
    ) -> None:
        """The ``END`` and ``REPORT`` lines of an invocation (``memory``: its peak, if known)."""
        request_id = outcome.request_id
        report = (
            f"END RequestId: {request_id}\n"
            f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
            f"Billed Duration: {math.ceil(duration)} ms\tMemory Size: {self.settings.memory_mb} MB\t"
            f"Max Memory Used: {memory if memory is not None else '?'} MB"
        )
        if init is not None:
            report += f"\tInit Duration: {init:.2f} ms"
        self._line(report + ("\tStatus: timeout" if outcome.ending == "timed_out" else ""))

    def _line(self, text: str) -> None:
        self._log.write(text + "\n")
        self._log.flush()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
