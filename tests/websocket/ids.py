"""Connection ids shaped like API Gateway's (base64 text ending in '='), unique per call."""

from __future__ import annotations

import base64
import uuid


def connection_id() -> str:
    """A fresh id such as ``Lg4VfcZlliACF-Q=``: URL-unsafe characters included on purpose."""
    return base64.b64encode(uuid.uuid4().bytes[:10]).decode().replace("/", "-")
