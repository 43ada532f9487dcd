"""The Lambda handler of ``serve`` workers given an ASGI app (``serve app:app``, as uvicorn takes it):
``Mangum(app)`` with default options, the app named by ``MANGUM_SERVE_APP`` (``module:attribute``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from mangum.adapter import Mangum
from mangum.local.handler_target import app_reference

if TYPE_CHECKING:
    from mangum.types import ASGI


def _app() -> ASGI:
    module_name, _, attribute = app_reference().partition(":")
    # serve's gateway found it to be an ASGI app (mangum.local.handler_target) before starting workers.
    return cast("ASGI", getattr(importlib.import_module(module_name), attribute))


handler = Mangum(_app())
