"""The cold-start script of the adapter benchmark runs each of its kinds (without valgrind: the
benchmark counts instructions around the same steps)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "cold_start.py"
EVENT = ROOT / "tests" / "fixtures" / "events" / "powertools" / "apiGatewayProxyV2Event.json"


def run(kind: str) -> str:
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), kind, str(EVENT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.mark.parametrize("kind", ["bare", "fastapi", "floor", "interpreter"])
def test_a_cold_start_reports_its_status_clock_and_peak_rss(kind: str) -> None:
    report = json.loads(run(kind))
    assert report["status"] == 200
    assert 0 < report["seconds"] <= report["since_start"]
    assert report["max_rss_kib"] > 1024


def test_the_pieces_run_names_one_piece_per_mark_after_the_first() -> None:
    assert json.loads(run("pieces")) == ["import and construct", "first call"]
