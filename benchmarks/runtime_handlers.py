"""The handler both runtimes serve in ``benchmarks/runtime_loop.py``: it imports nothing, so that the
figures are the runtime loops' own."""

from __future__ import annotations

from typing import Any


def plain(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A Function URL answer that echoes the request's path."""
    return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": event.get("rawPath", "")}
