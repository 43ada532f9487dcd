"""What ``serve MODULE:ATTR`` was given, found out at startup by importing it in the gateway's process.

- a ``Mangum`` handler or a Lambda handler function ``handler(event, context)``: the workers run it;
- an ASGI app (``async (scope, receive, send)``, as uvicorn takes it): the workers run
  ``Mangum(app)`` with default options (:mod:`mangum.local.asgi_handler`), and ``serve`` says so;
- anything else (missing, not callable, or taking other arguments): refused before the server starts.

A module that fails to import here is left to the workers, whose init error names the cause as
Lambda's would.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from dataclasses import dataclass, field
from typing import Literal

ASGI_HANDLER = "mangum.local.asgi_handler.handler"
"""The ``_HANDLER`` of workers serving an ASGI app."""
APP_VARIABLE = "MANGUM_SERVE_APP"
"""Names the app (``module:attribute``) for :data:`ASGI_HANDLER`."""

TargetKind = Literal["mangum", "function", "asgi", "unknown"]


class NotAHandler(ValueError):
    """``MODULE:ATTR`` names something ``serve`` cannot run."""


@dataclass(frozen=True, slots=True)
class Target:
    """How the workers run what ``MODULE:ATTR`` names."""

    kind: TargetKind
    """``unknown`` when the module did not import here (the workers report why)."""
    handler: str
    """The workers' ``_HANDLER``."""
    base_path: str = ""
    """The ``api_gateway_base_path`` the function's ``Mangum`` has (``""``: none)."""
    environment: dict[str, str] = field(default_factory=dict)
    """Variables the workers need besides the usual ones."""


def _accepts(signature: inspect.Signature, count: int) -> bool:
    try:
        signature.bind(*([None] * count))
    except TypeError:
        return False
    return True


def _describe(target: object) -> str:
    if inspect.isfunction(target) or inspect.ismethod(target):
        kind = "coroutine function" if inspect.iscoroutinefunction(target) else "function"
        return f"a {kind}{inspect.signature(target)}"
    return f"a {type(target).__name__}"


def classify(reference: str, target: object, handler: str) -> Target:
    """The :class:`Target` for ``target``, named ``reference`` (``MODULE:ATTR``) and ``handler``
    (``module.attr``); raises :class:`NotAHandler` for what is neither a handler nor an ASGI app."""
    from mangum.adapter import Mangum

    if isinstance(target, Mangum):
        return Target("mangum", handler, target.config.api_gateway_base_path)
    if not callable(target):
        raise NotAHandler(
            f"{reference} is {_describe(target)}, not a Lambda handler(event, context) or an ASGI app"
        )
    # An app object's __call__ (Starlette, FastAPI, ...) is a bound method here.
    call = target if inspect.isroutine(target) else type(target).__call__.__get__(target)
    asynchronous = inspect.iscoroutinefunction(call)
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):  # a builtin or an extension type: take it as Lambda would
        return Target("function", handler)
    if asynchronous and _accepts(signature, 3):
        module_name, _, attribute = handler.rpartition(".")
        return Target("asgi", ASGI_HANDLER, environment={APP_VARIABLE: f"{module_name}:{attribute}"})
    if not asynchronous and _accepts(signature, 2):
        return Target("function", handler)
    raise NotAHandler(
        f"{reference} is {_describe(target)}: serve runs a Lambda handler(event, context), a Mangum "
        "handler or an ASGI app(scope, receive, send)"
    )


def find_target(reference: str, handler: str, task_root: str) -> Target:
    """Import ``reference`` (``MODULE:ATTR``; ``handler`` is its ``module.attr``) from ``task_root``
    and classify it; raises :class:`NotAHandler` (see :func:`classify`)."""
    module_name, _, attribute = handler.rpartition(".")
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    try:
        module = importlib.import_module(module_name)
    except BaseException:  # anything the module raises, even SystemExit: the workers report it
        return Target("unknown", handler)
    if not hasattr(module, attribute):
        raise NotAHandler(f"module {module_name!r} has no attribute {attribute!r}")
    return classify(reference, getattr(module, attribute), handler)


def app_reference() -> str:
    """The ``module:attribute`` of the app a worker serves (:data:`APP_VARIABLE`)."""
    return os.environ[APP_VARIABLE]
