"""One container loop shared by many invocations at once: each a task of its own on the loop.

Lambda Managed Instances send many events at once: a runtime serving them runs the container loop
on one thread and shares it (:func:`mangum._asgi.loop.share`) with the threads handling the
invocations. :func:`mangum._asgi.loop.run`, called on one of those, hands its coroutine to
:func:`run_shared`, which runs it as a task on the shared loop, in the calling thread's context,
and waits for it; the invocation's deadline cancels that task alone (:class:`TaskDeadline`).

Imported on the first invocation of a shared loop: one invocation at a time never needs it.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from mangum.deadline import CANCEL_GRACE, log_left_running, remaining_time
from mangum.exceptions import DeadlineExceeded

T = TypeVar("T")


class TaskDeadline:
    """The deadline of one task among many on a loop they share (:func:`mangum._asgi.loop.share`):
    ``remaining`` seconds on, that task alone is cancelled, as :func:`mangum.deadline.finish`
    cancels it; if it has not ended :data:`CANCEL_GRACE` seconds later, ``give_up`` is called with the
    :class:`DeadlineExceeded` to answer with, and the task is left running. The loop goes on
    serving the other tasks throughout. Blocking code is not interrupted (no signal can single out
    one task among many on one thread): the task is cancelled once the loop runs again.
    """

    __slots__ = ("give_up", "task", "timer", "where")

    def __init__(
        self,
        task: asyncio.Task[object],
        remaining: float,
        give_up: Callable[[DeadlineExceeded], None],
    ) -> None:
        self.task = task
        self.give_up = give_up
        self.where: str | None = None
        """Where the task was waiting when its time was up (``None`` until then)."""
        self.timer = task.get_loop().call_later(remaining, self._expire)

    def _expire(self) -> None:
        from mangum._asgi.stuck import where_stuck

        self.where = where_stuck(self.task)
        self.task.cancel()
        self.timer = self.task.get_loop().call_later(CANCEL_GRACE, self._abandon)

    def _abandon(self) -> None:
        if not self.task.done():
            log_left_running()
            self.give_up(self.exceeded())

    def exceeded(self) -> DeadlineExceeded:
        """The error an invocation stopped by this deadline answers with."""
        return DeadlineExceeded(f"waiting at {self.where}")

    def cancel(self) -> None:
        """The task has ended: no more timers."""
        self.timer.cancel()


def run_shared(
    loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, T], context: object, margin: float
) -> T:
    """Run ``coroutine`` as a task of its own on ``loop``, which another thread runs, and wait for
    its result; held to the deadline of the invocation of ``context`` (``margin`` seconds before
    Lambda's) by a :class:`TaskDeadline`."""
    remaining = None if context is None else remaining_time(context, margin)
    # A task copies the context current when it is created: create it in the caller's.
    caller = contextvars.copy_context()
    outcome: Future[T] = Future()

    def give_up(late: BaseException) -> None:
        if not outcome.done():
            outcome.set_exception(late)

    def begin() -> None:
        task = caller.run(loop.create_task, coroutine)
        deadline = None if remaining is None else TaskDeadline(task, remaining, give_up)

        def settle(task: asyncio.Task[T]) -> None:
            if deadline is not None:
                deadline.cancel()
            if outcome.done():
                return  # given up at the deadline already
            if task.cancelled():
                if deadline is not None and deadline.where is not None:
                    outcome.set_exception(deadline.exceeded())
                else:  # cancelled from outside: the loop is stopping
                    outcome.set_exception(RuntimeError("the invocation was cancelled: the loop is stopping"))
            elif (error := task.exception()) is not None:
                outcome.set_exception(error)
            else:
                outcome.set_result(task.result())

        task.add_done_callback(settle)

    try:
        loop.call_soon_threadsafe(begin)
    except RuntimeError:  # the loop was closed meanwhile
        coroutine.close()
        raise
    return outcome.result()
