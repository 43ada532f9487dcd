"""Lambda gives the runtime 300 ms after SIGTERM: the lifespan shutdown fits that window even when
the app's shutdown hangs or blocks its thread, and the process still ends the way it should."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mangum.asgi.container_exit import SHUTDOWN_WINDOW

ROOT = Path(__file__).resolve().parents[2]
BOUND = 3.0
"""Seconds within which the process must end: below the app's 30 s and the former 5 s shutdown
timeout, far above the window."""


def signalled(mode: str) -> tuple[int, float, str]:
    """Start the process in ``mode``, SIGTERM it once ready; its exit status, how long it took to
    end after the signal, and its stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.shutdown_process", mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "ready\n"
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=BOUND)
        took = time.monotonic() - sent
        assert process.stderr is not None
        return status, took, process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("mode", ["block", "hang"])
def test_a_shutdown_that_blocks_or_hangs_is_given_up_within_the_window(mode: str) -> None:
    status, took, errors = signalled(mode)

    assert status == -signal.SIGTERM
    assert took < BOUND
    assert "shutdown started" in errors
    assert "shutdown finished" not in errors


def test_a_blocking_shutdown_is_abandoned_with_a_log_line() -> None:
    status, _, errors = signalled("block")

    assert status == -signal.SIGTERM
    assert f"shutdown did not finish within {SHUTDOWN_WINDOW * 1000:.0f} ms: abandoned" in errors


def test_a_process_exiting_from_its_own_handler_is_not_held_by_the_abandoned_shutdown() -> None:
    status, took, errors = signalled("block-chained")

    assert status == 0
    assert took < BOUND
    assert "exit callbacks skipped" in errors


def test_a_quick_shutdown_completes() -> None:
    status, _, errors = signalled("quick")

    assert status == -signal.SIGTERM
    assert "shutdown finished" in errors
    assert "abandoned" not in errors
