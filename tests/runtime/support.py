"""Helpers of the runtime tests: a runtime process on a Runtime API server, and the gate the streaming
apps wait on (see :mod:`tests.runtime.apps`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from mangum.local.runtime_api import RuntimeApiServer

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0
"""Seconds any one answer may take before a test fails (generous: the machine is shared)."""


@contextmanager
def runtime_process(
    server: RuntimeApiServer,
    handler: str,
    env: Mapping[str, str] | None = None,
    command: Sequence[str] = (sys.executable, "-m", "mangum.runtime"),
    cwd: Path = REPO_ROOT,
    stdout: IO[bytes] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """A runtime (by default ``python -m mangum.runtime``) serving ``handler`` from ``server``;
    ended when the block exits. Its output goes to the test's captured output, or its standard
    output to ``stdout`` when given."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **server.environment(handler), **(env or {})}
    process = subprocess.Popen(list(command), env=environment, cwd=cwd, stdout=stdout)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Gate:
    """A loopback TCP server an app connects to and reads one byte from each time it may go on."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._connection: socket.socket | None = None
        self._accepted = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            self._connection, _ = self._listener.accept()
        except OSError:
            return
        self._accepted.set()

    def release(self) -> None:
        """Let the app produce its next chunk."""
        if not self._accepted.wait(WAIT):
            raise TimeoutError("the app never connected to the gate")
        assert self._connection is not None
        self._connection.sendall(b"g")

    def close(self) -> None:
        """Stop listening and drop the app's connection."""
        self._listener.close()
        if self._connection is not None:
            self._connection.close()


@contextmanager
def gate() -> Iterator[Gate]:
    """A :class:`Gate`, closed afterwards."""
    opened = Gate()
    try:
        yield opened
    finally:
        opened.close()


def rss_kib(pid: int) -> int:
    """A process's resident set size, in KiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` until it holds; fail the test after :data:`WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)
