"""SnapStart's lifecycle, as the managed Python runtime runs it, for ``python -m mangum.runtime``.

With SnapStart, Lambda expects the runtime, once init is done, to run the before-snapshot hooks,
call ``GET /runtime/restore/next`` (the snapshot is taken while it waits, and it returns in every
environment restored from the snapshot), run the after-restore hooks, and only then ask for
invocations. The hooks are those registered with ``snapshot_restore_py`` (by ``Mangum(app)``, see
:mod:`mangum._snapstart`, or by the application): before-snapshot hooks in reverse order of
registration, after-restore hooks in order, as ``awslambdaric`` runs them.

A failing hook is reported as ``awslambdaric`` reports it: before the snapshot to ``/init/error``
with the type ``Runtime.BeforeSnapshotError`` and exit status 64 (the version is not published);
after the restore to ``/restore/error`` (``Runtime.AfterRestoreError``) and exit status 65 (Lambda
does not use the environment).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from mangum.runtime.client import RuntimeApiClient
from mangum.runtime.errors import error_payload

logger = logging.getLogger("mangum.runtime")

BEFORE_SNAPSHOT_ERROR = "Runtime.BeforeSnapshotError"
BEFORE_SNAPSHOT_EXIT = 64
AFTER_RESTORE_EXIT = 65

Hook = tuple[Callable[..., object], tuple[Any, ...], dict[str, Any]]


def _registries() -> tuple[list[Hook], list[Hook]]:
    """The hooks registered with ``snapshot_restore_py`` (before-snapshot, after-restore). Without
    the package nothing can have registered any: the lifecycle then runs with none."""
    try:
        from snapshot_restore_py import (  # type: ignore[import-untyped]  # no type information shipped
            get_after_restore,
            get_before_snapshot,
        )
    except ModuleNotFoundError:
        return [], []
    before: list[Hook] = get_before_snapshot()
    after: list[Hook] = get_after_restore()
    return before, after


def snapshot_and_restore(client: RuntimeApiClient) -> int | None:
    """Run the before-snapshot hooks, wait for the restore, run the after-restore hooks. ``None``
    to go on serving invocations, else the exit status after a failed hook (reported first)."""
    before, after = _registries()
    try:
        while before:
            # pop(): the last registered runs first, and each runs once.
            function, args, kwargs = before.pop()
            function(*args, **kwargs)
    except Exception as error:
        payload = error_payload(error)
        logger.error(
            "Before-snapshot hook failed: %s: %s",
            payload["errorType"],
            payload["errorMessage"],
            exc_info=error,
        )
        client.post_init_error(payload, BEFORE_SNAPSHOT_ERROR)
        return BEFORE_SNAPSHOT_EXIT
    client.restore_next()
    try:
        for function, args, kwargs in after:
            function(*args, **kwargs)
    except Exception as error:
        payload = error_payload(error)
        logger.error(
            "After-restore hook failed: %s: %s", payload["errorType"], payload["errorMessage"], exc_info=error
        )
        client.post_restore_error(payload)
        return AFTER_RESTORE_EXIT
    return None
