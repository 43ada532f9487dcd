"""Lifespan shutdown when the container ends, in real processes serving through ``Mangum(app)``:
on SIGTERM (chaining whatever handler was there) and at interpreter exit."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "lifespan.log"


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def launch(out: Path, mode: str, processes: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.lifespan_process", str(out), mode],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes.append(process)
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    return process


def lines(out: Path) -> list[str]:
    return out.read_text().splitlines()


def test_sigterm_runs_shutdown_then_ends_the_process_by_sigterm(
    out: Path, processes: list[subprocess.Popen[str]]
) -> None:
    process = launch(out, "default", processes)
    assert lines(out) == ["startup"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == -signal.SIGTERM
    assert lines(out) == ["startup", "shutdown"]


def test_sigterm_ends_the_process_even_when_the_shutdown_cannot_run(
    out: Path, processes: list[subprocess.Popen[str]]
) -> None:
    process = launch(out, "unimportable", processes)
    process.send_signal(signal.SIGTERM)
    # The shutdown window's module cannot be imported: no shutdown, but SIGTERM still ends the process.
    assert process.wait(timeout=60) == -signal.SIGTERM
    assert lines(out) == ["startup"]


def test_sigterm_chains_the_previous_handler(out: Path, processes: list[subprocess.Popen[str]]) -> None:
    process = launch(out, "chain", processes)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    # Shutdown ran once, before the previous handler; the exit that handler caused did not repeat it.
    assert lines(out) == ["startup", "shutdown", "previous handler"]


def test_ignored_sigterm_stays_ignored_after_shutdown(
    out: Path, processes: list[subprocess.Popen[str]]
) -> None:
    process = launch(out, "ignore", processes)
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("ping\n")
    process.stdin.flush()
    assert process.stdout.readline() == "200\n"
    process.send_signal(signal.SIGTERM)
    process.stdin.write("ping\n")
    process.stdin.flush()
    assert process.stdout.readline() == "LifespanFailure\n"  # the lifespan has shut down
    process.stdin.close()
    assert process.wait(timeout=60) == 0
    assert lines(out) == ["startup", "shutdown"]


def test_interpreter_exit_runs_shutdown(out: Path, processes: list[subprocess.Popen[str]]) -> None:
    process = launch(out, "exit", processes)
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None
    assert process.stderr.read() == ""
    assert lines(out) == ["startup", "shutdown"]
