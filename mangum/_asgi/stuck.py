"""Where a task is waiting: the innermost frames of its chain of awaits, for the log line of an
application cancelled at the invocation's deadline."""

from __future__ import annotations

import asyncio
from types import CodeType, FrameType

MAX_FRAMES = 3


def _frame_of(awaitable: object) -> FrameType | None:
    frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
    return frame if isinstance(frame, FrameType) else None


def _awaited(awaitable: object) -> object:
    return getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)


def where_stuck(task: asyncio.Task[object] | asyncio.Future[object]) -> str:
    """``file:line in function`` of the innermost coroutines ``task`` is suspended in, innermost
    last (``"not suspended"`` when it is running or done)."""
    current: object = task.get_coro() if isinstance(task, asyncio.Task) else None
    frames: list[tuple[CodeType, int]] = []
    while current is not None:
        frame = _frame_of(current)
        if frame is None:
            break
        frames.append((frame.f_code, frame.f_lineno))
        current = _awaited(current)
    if not frames:
        return "not suspended"
    return " > ".join(f"{code.co_filename}:{line} in {code.co_name}" for code, line in frames[-MAX_FRAMES:])
