"""The sample event files under tests/fixtures/events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVENTS_DIR = Path(__file__).parent.parent / "fixtures" / "events"
POWERTOOLS_DIR = EVENTS_DIR / "powertools"
HANDLER_EVENTS_DIR = EVENTS_DIR / "handlers"
"""Events of the functions beside an API (authorizers, queues, schedules): not HTTP events."""


def load_event(name: str) -> dict[str, Any]:
    """A sample event by file name (searched under tests/fixtures/events)."""
    matches = sorted(EVENTS_DIR.rglob(name))
    if not matches:
        raise FileNotFoundError(name)
    loaded: dict[str, Any] = json.loads(matches[0].read_text())
    return loaded


def all_sample_paths() -> list[Path]:
    """Every sample HTTP or WebSocket event file."""
    return sorted(path for path in EVENTS_DIR.rglob("*.json") if HANDLER_EVENTS_DIR not in path.parents)
