"""A clock that moves only when the test moves it, for deadlines and backoffs without sleeping."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ManualClock:
    """Seconds on a monotonic scale: ``now`` until the test changes it."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now
