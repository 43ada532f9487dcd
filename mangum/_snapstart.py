"""Lambda SnapStart: the application's lifespan run before the snapshot, renewals after each restore.

With SnapStart, Lambda initializes a function once, when a version is published, snapshots the
initialized environment and restores every new execution environment from that snapshot. Runtime
hooks registered with ``snapshot_restore_py`` (shipped in the managed Python runtimes, 3.12 and
later) run around the snapshot: before-snapshot hooks in reverse order of registration, after
init; after-restore hooks in order of registration, before the first invocation, within Lambda's
10 s restore limit. A hook that raises fails the snapshot (``Runtime.BeforeSnapshotError``, the
version is not published) or the restore (``Runtime.AfterRestoreError``, the environment is not
used).

This module is imported only when the function runs with SnapStart
(``AWS_LAMBDA_INITIALIZATION_TYPE=snap-start``, :func:`mangum.config.snapstart_on`):
``Mangum(app)`` calls :func:`prepare`, which registers two hooks, once per process:

- **before the snapshot**, the lifespan startup of every adapter's application (unless
  ``lifespan="off"``), its state kept in the snapshot; a startup that failed, or an application
  without lifespan support under ``lifespan="on"``, fails the snapshot with the error the first
  invocation would have raised. Then what the first invocation would build is built: each HTTP
  source's home and event validator, the scope and the result of a sample event (no application
  code runs for those).
- **after each restore**, Python's ``random`` module reseeded from the operating system (every
  environment restored from one snapshot would otherwise draw the same numbers), then the
  application's own callbacks (:func:`mangum.snapstart.after_restore`), in registration order, on
  the adapter's event loop, bounded by :data:`RESTORE_LIMIT`. A callback that fails, or is still
  running then, is logged with its cause and raises :class:`~mangum.exceptions.RestoreFailed`: the
  restore fails, as Lambda expects, and Lambda replaces the environment.
"""

from __future__ import annotations

import inspect
import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mangum._asgi import loop
from mangum._asgi.lifespan import Lifespan, LifespanStatus, start
from mangum.exceptions import ConfigurationError, DeadlineExceeded, RestoreFailed

if TYPE_CHECKING:
    from mangum.config import Config

logger = logging.getLogger("mangum.snapstart")

RESTORE_LIMIT = 10.0
"""Seconds Lambda gives a restore: loading the runtime and every after-restore hook together."""
RESTORE_MARGIN = 1.0
"""Seconds of :data:`RESTORE_LIMIT` kept back: a callback still waiting then is cancelled, one
blocking the thread interrupted half this margin later, and the restore fails with the cause
rather than with Lambda's ``SnapStartTimeoutException``."""


class Callback:
    """One after-restore callback of the application's, and whether it takes the lifespan state."""

    __slots__ = ("function", "name", "takes_state")

    def __init__(self, function: Callable[..., object]) -> None:
        if not callable(function):
            raise ConfigurationError(
                f"an after-restore callback must be a function, not {type(function).__name__}"
            )
        self.function = function
        self.name = _name(function)
        self.takes_state = _takes_state(function, self.name)


def _name(function: Callable[..., object]) -> str:
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None) or repr(function)
    return f"{module}.{qualname}" if module else qualname


def _takes_state(function: Callable[..., object], name: str) -> bool:
    """Whether ``function`` is called with the lifespan state: it takes one positional argument.
    Raises :class:`ConfigurationError` for one that can be called neither with it nor without."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False  # a builtin without a signature: called without arguments
    for arguments, takes in (((None,), True), ((), False)):
        try:
            signature.bind(*arguments)
        except TypeError:
            continue
        return takes
    raise ConfigurationError(
        f"after-restore callback {name} must take no argument or one (the lifespan state), not {signature}"
    )


callbacks: list[Callback] = []
"""The application's after-restore callbacks, in registration order."""

_lifespans: list[tuple[Lifespan, bool]] = []
"""Each adapter's lifespan (once per application) and whether it is required (``lifespan="on"``)."""
_warmed_config: list[Config] = []
_registered = False


def add_callback(function: Callable[..., object]) -> Callback:
    """Record ``function`` to run after each restore (see :func:`mangum.snapstart.after_restore`)."""
    callback = Callback(function)
    callbacks.append(callback)
    return callback


def prepare(lifespan: Lifespan | None, required: bool, config: Config) -> None:
    """Called by ``Mangum(app)`` under SnapStart: its lifespan (``None`` with ``lifespan="off"``) is
    started before the snapshot, and the hooks are registered with ``snapshot_restore_py`` the
    first time."""
    global _registered
    if lifespan is not None:
        for index, (known, wanted) in enumerate(_lifespans):
            if known is lifespan:
                # The same application wrapped again: lifespan="on" in either makes it required.
                _lifespans[index] = (known, wanted or required)
                break
        else:
            _lifespans.append((lifespan, required))
    if not _warmed_config:
        _warmed_config.append(config)
    if _registered:
        return
    # Imported here and nowhere else: a function without SnapStart never loads it.
    try:
        from snapshot_restore_py import (  # type: ignore[import-untyped]  # the package ships no type information
            register_after_restore,
            register_before_snapshot,
        )
    except ModuleNotFoundError:
        raise ConfigurationError(
            "the function runs with SnapStart, but snapshot_restore_py cannot be imported: the managed "
            "Python runtimes ship it; elsewhere add snapshot-restore-py to the function's requirements"
        ) from None

    register_before_snapshot(before_snapshot_hook)
    register_after_restore(after_restore_hook)
    _registered = True


def before_snapshot_hook() -> None:
    """The before-snapshot hook: each lifespan started (raising what its first invocation would
    have raised if it failed), then the first invocation's imports and validators built."""
    for lifespan, required in _lifespans:
        if lifespan.status is not LifespanStatus.STARTED:
            start(lifespan)
        lifespan.request_state(required=required)
    started = sum(lifespan.status is LifespanStatus.STARTED for lifespan, _ in _lifespans)
    warm(_warmed_config[0])
    logger.info(
        "SnapStart: %d lifespan(s) started and the event sources warmed before the snapshot.", started
    )


def warm(config: Config) -> None:
    """Build what the first invocation of each HTTP source would: its home (imported), its event
    validator, the request's scope and body, and a result in its layout. No application code runs."""
    from mangum._http.request import request_body
    from mangum._http.response import build_result, plain_text
    from mangum._http.scope import http_scope
    from mangum._sources.registry import SOURCES, HttpSource
    from mangum._sources.samples import sample_event

    for source in SOURCES:
        if not isinstance(source, HttpSource):
            continue  # WebSocket events are served by a module that needs boto3 and its settings
        event = sample_event(source.sample_names[0], method="POST", body="{}")
        http_event = source.read(event)
        http_scope(http_event.request, event, None, config)
        request_body(http_event.request)
        build_result(http_event.response, http_event.limit, plain_text(200, "warm"), config)


class _RestoreClock:
    """A stand-in Lambda context whose remaining time runs out with the restore limit, so that the
    adapter's loop bounds the callbacks as it bounds an invocation (:mod:`mangum.deadline`)."""

    __slots__ = ("_ends_at",)

    def __init__(self, seconds: float) -> None:
        self._ends_at = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(1, int((self._ends_at - time.monotonic()) * 1000))


class _Progress:
    """Which callback is running, for the message when the limit is reached."""

    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current: Callback | None = None


def after_restore_hook() -> None:
    """The after-restore hook: ``random`` reseeded, then every callback run in order on the
    adapter's loop within :data:`RESTORE_LIMIT`; raises :class:`RestoreFailed` if one fails."""
    # The snapshot holds the state of the generator: without this, every restored environment would
    # draw the same "random" numbers (AWS's guidance on uniqueness with SnapStart).
    random.seed()
    if not callbacks:
        return
    states = [lifespan.state for lifespan, _ in _lifespans if lifespan.status is LifespanStatus.STARTED]
    progress = _Progress()
    clock = _RestoreClock(RESTORE_LIMIT)
    try:
        loop.run(_run_callbacks(list(callbacks), states or [{}], progress), clock, RESTORE_MARGIN)
    except DeadlineExceeded as late:
        name = progress.current.name if progress.current is not None else "?"
        logger.error(
            "SnapStart restore failed: after-restore callback %s was still running %gs into the %gs "
            "restore limit (%s).",
            name,
            RESTORE_LIMIT - RESTORE_MARGIN,
            RESTORE_LIMIT,
            late.where,
        )
        raise RestoreFailed(
            f"after-restore callback {name} did not finish within {RESTORE_LIMIT - RESTORE_MARGIN:g}s "
            f"of the {RESTORE_LIMIT:g}s restore limit ({late.where})"
        ) from None


async def _run_callbacks(run: list[Callback], states: list[dict[str, Any]], progress: _Progress) -> None:
    for callback in run:
        progress.current = callback
        try:
            for state in states if callback.takes_state else [None]:
                result = callback.function(state) if callback.takes_state else callback.function()
                if inspect.isawaitable(result):
                    await result
        except Exception as error:
            logger.error(
                "SnapStart restore failed: after-restore callback %s raised %s: %s",
                callback.name,
                type(error).__name__,
                error,
                exc_info=error,
            )
            raise RestoreFailed(
                f"after-restore callback {callback.name} raised {type(error).__name__}: {error}"
            ) from error
    progress.current = None
