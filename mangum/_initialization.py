"""How Lambda initialized the execution environment, read from the variable it sets.

A leaf module (the standard library's ``os`` only): the adapter and ``python -m mangum.runtime`` both
ask it, and a runtime serving a plain function must not pay for importing more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

INITIALIZATION_TYPE_VARIABLE = "AWS_LAMBDA_INITIALIZATION_TYPE"
"""Set by Lambda: ``on-demand``, ``provisioned-concurrency``, or ``snap-start`` with SnapStart."""
SNAP_START = "snap-start"


def snapstart_on(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the function runs with Lambda SnapStart: init then ends with a snapshot, and the hooks
    of ``snapshot_restore_py`` run around it (:mod:`mangum._snapstart`, :mod:`mangum.runtime.snapstart`)."""
    return (os.environ if environ is None else environ).get(INITIALIZATION_TYPE_VARIABLE) == SNAP_START
