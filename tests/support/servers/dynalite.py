"""dynalite (an in-memory DynamoDB, installed from package-lock.json by scripts/setup) as a subprocess."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
CLI = REPO_ROOT / "node_modules" / "dynalite" / "cli.js"
STARTUP_SECONDS = 20.0


class DynaliteUnavailable(RuntimeError):
    """dynalite cannot be started; the message says what to do."""


def _free_port() -> int:
    # dynalite treats --port 0 as "use the default 4567", so a free port is picked here instead.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    request = urllib.request.Request(
        url, data=b"{}", method="POST", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"}
    )
    try:
        with urllib.request.urlopen(request, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer (it wants a signature) means the server is up
    except OSError:
        return False


def _start(
    node: str, log: Path, *, port: int | None = None, store: Path | None = None, create_table_ms: int = 0
) -> tuple[subprocess.Popen[bytes], str]:
    """Start dynalite and wait until it answers; tries a few ports in case another process took one
    (only the given ``port`` when there is one). ``store``: a LevelDB directory instead of memory;
    ``create_table_ms``: how long a new table stays CREATING."""
    failure = ""
    for _ in range(1 if port is not None else 3):
        chosen = _free_port() if port is None else port
        url = f"http://127.0.0.1:{chosen}"
        options = ["--createTableMs", str(create_table_ms), "--deleteTableMs", "0", "--updateTableMs", "0"]
        if store is not None:
            options += ["--path", str(store)]
        with log.open("ab") as sink:
            process = subprocess.Popen(
                [node, str(CLI), "--host", "127.0.0.1", "--port", str(chosen), *options],
                stdout=sink,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(url):
                return process, url
            time.sleep(0.05)
        _stop(process)
        failure = f"exit status {process.returncode}: {log.read_text()[-2000:]}"
    raise DynaliteUnavailable(f"dynalite did not start ({failure})")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def missing_dynalite() -> str | None:
    """Why dynalite cannot run here (with what to do about it), or ``None`` when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH: install Node.js 20 or newer, then run scripts/setup"
    if not CLI.is_file():
        return "dynalite is not installed (node_modules/dynalite is missing): run scripts/setup"
    return None


@contextmanager
def running_dynalite(create_table_ms: int = 0) -> Iterator[str]:
    """Run dynalite in memory on a free loopback port; yields its endpoint URL, stops it on exit.

    Tables become ACTIVE after ``create_table_ms`` (by default at once, ``--createTableMs 0``, so
    that each test can use a fresh one). Even then that happens on a timer, a moment after
    CreateTable answered: wait for it
    (:func:`mangum.websocket.stores.dynamodb_table.wait_until_active`) before the first item
    request, as against DynamoDB.
    """
    node = shutil.which("node")
    problem = missing_dynalite()
    if node is None or problem is not None:
        raise DynaliteUnavailable(problem or "node is not on PATH")
    with tempfile.TemporaryDirectory(prefix="dynalite-") as directory:
        process, url = _start(node, Path(directory) / "dynalite.log", create_table_ms=create_table_ms)
        try:
            yield url
        finally:
            _stop(process)


class DynaliteProcess:
    """A dynalite whose process the test controls, to inject faults: :meth:`pause` (SIGSTOP: every
    request stalls, connections are still accepted by the kernel), :meth:`resume`, :meth:`kill`
    (SIGKILL: connections are refused) and :meth:`restart` on the same port. Its tables are kept
    on disk, so they survive a kill."""

    def __init__(self, directory: Path) -> None:
        node = shutil.which("node")
        problem = missing_dynalite()
        if node is None or problem is not None:
            raise DynaliteUnavailable(problem or "node is not on PATH")
        self._node = node
        self._log = directory / "dynalite.log"
        self._store = directory / "leveldb"
        self._process, self.url = _start(node, self._log, store=self._store)
        self.port = int(self.url.rsplit(":", 1)[1])

    @property
    def pid(self) -> int:
        """The process id of the running dynalite."""
        return self._process.pid

    def pause(self) -> None:
        """Stop the process: requests are accepted and never answered."""
        os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused process go on; the requests it accepted meanwhile are answered now."""
        os.kill(self._process.pid, signal.SIGCONT)

    def kill(self) -> None:
        """Kill the process without warning: new connections are refused until :meth:`restart`."""
        self._process.kill()
        self._process.wait()

    def restart(self) -> None:
        """Start dynalite again on the same port with the same tables."""
        if self._process.poll() is None:
            self.kill()
        self._process, _ = _start(self._node, self._log, port=self.port, store=self._store)

    def stop(self) -> None:
        """End the process, whatever state it is in."""
        if self._process.poll() is None:
            os.kill(self._process.pid, signal.SIGCONT)
            _stop(self._process)
