"""The Application Load Balancer handler in PyPI mangum's shape."""

from __future__ import annotations

from mangum.handlers._source import SourceHandler


class ALB(SourceHandler):
    """ALB events, with or without multi-value headers (the result follows the event's mode)."""

    SOURCES = frozenset({"alb"})
