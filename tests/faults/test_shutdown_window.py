"""Lambda gives the runtime 300 ms after SIGTERM: the lifespan shutdown fits that window even when
the app's shutdown hangs or blocks its thread, and the process still ends the way it should."""

from __future__ import annotations

import signal

import pytest

from mangum._asgi.shutdown import SHUTDOWN_WINDOW
from tests.faults import shutdown_process

BOUND = 3.0
"""Seconds within which the process must end: below the app's 30 s and the former 5 s shutdown
timeout, far above the window."""


def signalled(mode: str) -> tuple[int, float, str]:
    return shutdown_process.signalled(mode, BOUND)


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
