"""The invocation's deadline: Lambda's remaining time minus a safety margin.

Lambda stops an invocation when its time is up and the container is then replaced (a cold start
for the next request). Everything that can wait (the application, AWS requests, cleanup) is
bounded by one :class:`Deadline` instead, computed once per invocation from
``context.get_remaining_time_in_millis()`` minus a margin that leaves time to answer:

.. code-block:: python

    deadline = Deadline.for_invocation(context, config.deadline_margin)  # None: no deadline known
    if deadline is not None:
        await asyncio.wait_for(work, deadline.remaining())

The margin is :data:`DEFAULT_MARGIN` seconds unless the ``MANGUM_DEADLINE_MARGIN_MS`` variable (or
the ``deadline_margin`` argument of :func:`deadline_margin`) says otherwise.

Code that makes AWS requests on behalf of an invocation reads the deadline of the invocation it
serves with :func:`current_deadline`; the invocation sets it with :func:`deadline_scope`. Context
variables follow asyncio tasks, not threads: a thread pool working for an invocation runs each job
in a copy of the submitting context (``contextvars.copy_context().run``).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from mangum.exceptions import ConfigurationError

MARGIN_VARIABLE = "MANGUM_DEADLINE_MARGIN_MS"
DEFAULT_MARGIN = 0.5
"""Seconds kept back from Lambda's remaining time: enough to cancel the work, log why and answer."""
MAX_MARGIN = 60.0

Clock = Callable[[], float]


class Deadline(NamedTuple):
    """A moment on ``clock`` (``time.monotonic`` by default) by which the work must be done.

    (A named tuple rather than a dataclass: it is created on the adapter's import path, where
    creating a dataclass is a measurable part of a cold start.)
    """

    at: float
    clock: Clock = time.monotonic

    @classmethod
    def after(cls, seconds: float, *, clock: Clock = time.monotonic) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(clock() + seconds, clock)

    @classmethod
    def for_invocation(
        cls, context: object, margin: float, *, clock: Clock = time.monotonic
    ) -> Deadline | None:
        """The deadline of the invocation ``context`` belongs to, ``margin`` seconds before Lambda's.

        ``None`` when the context tells no remaining time (``None``, a dict, a stand-in without
        ``get_remaining_time_in_millis``, or one that answers something other than a positive
        number): the work is then bounded only by each client's own timeouts.
        """
        seconds = remaining_time(context, margin)
        return None if seconds is None else cls(clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self.clock() >= self.at

    def extended(self, seconds: float) -> Deadline:
        """The same deadline moved ``seconds`` later (cleanup after a failure may use part of the margin)."""
        return Deadline(self.at + seconds, self.clock)

    def within(self, seconds: float) -> Deadline:
        """This deadline, or ``seconds`` from now if that comes first."""
        return Deadline(min(self.at, self.clock() + seconds), self.clock)


def remaining_millis(context: object) -> float | None:
    """``context.get_remaining_time_in_millis()`` when it is a finite number, else ``None``."""
    probe = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(probe):
        return None
    try:
        millis = probe()
    except Exception:  # a stand-in context may raise anything; a deadline is then unknown
        return None
    if isinstance(millis, bool) or not isinstance(millis, int | float) or not math.isfinite(millis):
        return None
    return millis


def remaining_time(context: object, margin: float) -> float | None:
    """Seconds the invocation may still use: Lambda's remaining time minus ``margin``, at least 0.

    ``None`` when ``context`` does not tell the remaining time, or tells none at all (0: a
    stand-in; see :meth:`Deadline.for_invocation`).
    """
    millis = remaining_millis(context)
    if millis is None or millis <= 0:
        return None
    return max(0.0, millis / 1000 - margin)


def deadline_margin(value: object = None, *, environ: Mapping[str, str] | None = None) -> float:
    """The safety margin in seconds: ``value`` (seconds) if given, else ``MANGUM_DEADLINE_MARGIN_MS``
    (milliseconds), else :data:`DEFAULT_MARGIN`.

    Raises :class:`~mangum.exceptions.ConfigurationError` for a value that is not a number from 0
    to :data:`MAX_MARGIN` seconds.
    """
    if value is None:
        text = (os.environ if environ is None else environ).get(MARGIN_VARIABLE, "").strip()
        if not text:
            return DEFAULT_MARGIN
        try:
            millis = float(text)
        except ValueError:
            raise ConfigurationError(f"{MARGIN_VARIABLE} must be a number of milliseconds") from None
        return _checked(millis / 1000, f"{MARGIN_VARIABLE} (milliseconds)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"deadline_margin must be a number of seconds, not {type(value).__name__}")
    return _checked(float(value), "deadline_margin (seconds)")


def _checked(seconds: float, name: str) -> float:
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_MARGIN:
        raise ConfigurationError(f"{name} must be from 0 to {MAX_MARGIN:g} seconds")
    return seconds


_current: ContextVar[Deadline | None] = ContextVar("mangum_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the invocation being served in this context, if one was set."""
    return _current.get()


@contextmanager
def deadline_scope(deadline: Deadline | None) -> Iterator[Deadline | None]:
    """Make ``deadline`` the :func:`current_deadline` inside the block (``None`` clears it)."""
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)
