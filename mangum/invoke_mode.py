"""How a function answers Lambda: ``BUFFERED`` (one JSON result) or ``RESPONSE_STREAM`` (chunks sent as
the application produces them), named as Lambda names a Function URL's ``InvokeMode``."""

from __future__ import annotations

import os
from typing import Literal, TypeAlias

from mangum.exceptions import ConfigurationError

InvokeMode: TypeAlias = Literal["BUFFERED", "RESPONSE_STREAM"]

INVOKE_MODE_VARIABLE = "MANGUM_INVOKE_MODE"
"""The environment variable read when ``Mangum(...)`` is given no ``invoke_mode``."""

INVOKE_MODES: tuple[InvokeMode, ...] = ("BUFFERED", "RESPONSE_STREAM")


def resolve_invoke_mode(value: object) -> InvokeMode:
    """``value``, or ``$MANGUM_INVOKE_MODE`` when it is ``None``, checked; ``BUFFERED`` when neither is set.

    Raises :class:`~mangum.exceptions.ConfigurationError` naming the argument or the variable.
    """
    source = "invoke_mode"
    if value is None:
        value = os.environ.get(INVOKE_MODE_VARIABLE, "").strip() or "BUFFERED"
        source = INVOKE_MODE_VARIABLE
    if value == "BUFFERED" or value == "RESPONSE_STREAM":
        return value
    raise ConfigurationError(f"{source} must be 'BUFFERED' or 'RESPONSE_STREAM', not {value!r}")
