"""``serve --reload``: watch the app's source files and start new workers when one changes.

:class:`Reloader` watches a directory tree (the task root: where ``serve`` runs) with watchfiles,
as ``uvicorn --reload`` does, for changes to Python files (``.venv``, ``.git``, ``node_modules``,
``__pycache__`` and the like are ignored). Each batch of changes calls ``on_change`` with the
changed paths; the gateway then replaces its workers (each new one a logged cold start) and
closes open WebSocket connections with 1012, "Service Restart".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

logger = logging.getLogger("mangum.serve")

SERVICE_RESTART = 1012
"""The close code a WebSocket client gets when the workers are replaced."""


class Reloader:
    """Watches ``root`` for changed Python files while started (see the module docs)."""

    def __init__(self, root: str, on_change: Callable[[list[str]], Awaitable[None]]) -> None:
        self.root = root
        self._on_change = on_change
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start watching (on the running loop)."""
        self._stop = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        from watchfiles import PythonFilter, awatch

        async for changes in awatch(self.root, watch_filter=PythonFilter(), stop_event=self._stop):
            changed = sorted({path for _, path in changes})
            names = ", ".join(_relative(path, self.root) for path in changed)
            logger.warning("reload: %s changed: replacing the workers", names)
            try:
                await self._on_change(changed)
            except Exception:  # a failed reload must not end the watching
                logger.exception("reload failed")


def _relative(path: str, root: str) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path
