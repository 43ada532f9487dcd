"""Headless Chromium (Debian's ``chromium``, installed by ``scripts/setup``) driven over the Chrome
DevTools Protocol with the ``websockets`` client: open a page, evaluate JavaScript in it, wait for
a condition. Started with the flags this machine needs (no sandbox as root, no background
networking: the network is closed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
)
WAIT = 30.0
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


def chromium_path() -> str:
    """The browser; skips the test where it is missing, except in CI (which must have it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: ./scripts/setup installs it with apt")
        pytest.skip("chromium is not installed (./scripts/setup installs it where apt is available)")
    return found


class Page:
    """One tab, over its DevTools WebSocket."""

    def __init__(self, connection: ClientConnection) -> None:
        self._connection = connection
        self._next_id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """A DevTools command and its result (events in between are skipped)."""
        self._next_id += 1
        self._connection.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._connection.recv(WAIT))
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    def open(self, url: str) -> None:
        """Navigate to ``url``."""
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = WAIT) -> Any:
        """The value of ``expression`` once it is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None  # the page is still loading: its variables do not exist yet
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{expression!r} was still {value!r} after {timeout} s")
            time.sleep(0.05)


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A headless Chromium with one blank page; closed afterwards."""
    executable = chromium_path()
    # Chromium's helper processes (renderer, crashpad) can still be writing to the profile when the
    # browser itself has exited: the whole process group is ended, and a file written after that
    # does not fail the test.
    with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            assert process.stderr is not None
            browser_url = None
            for line in process.stderr:
                found = _LISTENING.search(line)
                if found:
                    browser_url = found.group(1)
                    break
            if browser_url is None:
                raise RuntimeError("chromium ended without opening its DevTools port")
            origin = browser_url.split("/devtools/")[0].replace("ws://", "http://")
            with urllib.request.urlopen(f"{origin}/json/list", timeout=WAIT) as answer:
                targets = json.load(answer)
            page = next(target for target in targets if target.get("type") == "page")
            with connect(page["webSocketDebuggerUrl"], max_size=None) as connection:
                yield Page(connection)
        finally:
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            if process.stderr is not None:
                process.stderr.close()


def _signal_group(process: subprocess.Popen[str], signal_number: signal.Signals) -> None:
    """Send ``signal_number`` to the browser's process group (its helpers too), if it is still there."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal_number)
