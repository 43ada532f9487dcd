"""Lambda SnapStart: what the application renews after each restore.

With SnapStart (``SnapStart: ApplyOn: PublishedVersions``), ``Mangum(app)`` runs the application's
lifespan startup before Lambda takes the snapshot, so that every environment restored from it starts
with the state the lifespan built (see ``docs/snapstart.md``). What cannot survive a snapshot (open
network connections, cached credentials and tokens, anything random) is renewed by callbacks
registered here:

.. code-block:: python

    from mangum.snapstart import after_restore


    @after_restore
    async def reconnect(state: dict[str, Any]) -> None:
        state["pool"] = await create_pool()  # the lifespan state every request sees

They run after each restore and before the first invocation, in registration order, on the
adapter's event loop (an ``async def`` is awaited there), once Python's ``random`` module has been
reseeded. A callback taking one argument receives the lifespan state; one taking none is called
without. A callback that raises, or is still running near Lambda's 10 s restore limit, fails the
restore (:class:`~mangum.exceptions.RestoreFailed`, logged with its cause).

Without SnapStart, callbacks are recorded and never run, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mangum._snapstart import add_callback

__all__ = ["after_restore"]

CallbackT = TypeVar("CallbackT", bound=Callable[..., object])


def after_restore(callback: CallbackT) -> CallbackT:
    """Run ``callback`` after each SnapStart restore, before the first invocation; returns it, so it
    serves as a decorator or as a plain call (``after_restore(reconnect)``).

    ``callback`` is a function or coroutine function taking no argument, or one: the lifespan state
    (the dict a FastAPI or Starlette lifespan yields, shared by every request), called once for each
    application whose lifespan started, or with an empty dict when none did. Raises
    :class:`~mangum.exceptions.ConfigurationError` for anything else.
    """
    add_callback(callback)
    return callback
