"""Running ``python -m mangum serve`` for a test: the process, its address and its output."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0
"""Seconds any one step may take before a test fails (generous: the machine is shared)."""

_URL = re.compile(r"HTTP\s+(http://\S+?)/?$")


@dataclass
class Serve:
    """A running ``serve``: its process, its HTTP base URL and every line it printed so far."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    base_url: str = ""
    pump: threading.Thread | None = None
    """Reads the output into :attr:`lines` until the process closes it."""
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def origin(self) -> str:
        """``http://host:port``."""
        return "/".join(self.base_url.split("/")[:3])

    @property
    def ws_origin(self) -> str:
        """``ws://host:port``."""
        return self.origin.replace("http://", "ws://")

    def output(self) -> str:
        """Everything printed so far."""
        with self._arrived:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, count: int = 1, timeout: float = WAIT) -> list[str]:
        """The printed lines matching ``pattern`` (a regular expression), once there are ``count``."""
        expression = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = [line for line in self.lines if expression.search(line)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no {count} lines like {pattern!r} in:\n" + "\n".join(self.lines))
                self._arrived.wait(min(left, 0.2))

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._arrived:
                self.lines.append(line.rstrip("\n"))
                self._arrived.notify_all()

    def stop(self) -> int:
        """Interrupt it (as Ctrl-C does) and wait; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@contextmanager
def running_serve(
    handler: str,
    *options: str,
    env: Mapping[str, str] | None = None,
    own_group: bool = False,
    cwd: Path = REPO_ROOT,
) -> Iterator[Serve]:
    """``python -m mangum serve HANDLER --port 0 OPTIONS`` from ``cwd`` (the repository root by
    default), started and ready (its workers spawned); stopped when the block exits. ``own_group``:
    in a process group of its own, as a shell runs a command (a terminal's Ctrl-C goes to the whole
    group)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    for name in ("MANGUM_WEBSOCKET_TABLE", "MANGUM_DYNAMODB_ENDPOINT", "MANGUM_WEBSOCKET_API_ENDPOINT"):
        if env is None or name not in env:
            environment.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "mangum", "serve", handler, "--port", "0", *options],
        env=environment,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=own_group,
    )
    serve = Serve(process)
    pump = serve.pump = threading.Thread(target=serve._pump, daemon=True)
    pump.start()
    try:
        banner = serve.wait_for(r"^\s+HTTP\s+http://")[0]
        match = _URL.search(banner)
        assert match is not None, banner
        serve.base_url = match.group(1)
        serve.wait_for("Application startup complete")
        yield serve
    finally:
        serve.stop()
        pump.join(WAIT)
        if process.stdout is not None:
            process.stdout.close()
