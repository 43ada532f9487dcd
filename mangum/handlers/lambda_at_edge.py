"""The CloudFront Lambda@Edge handler in PyPI mangum's shape."""

from __future__ import annotations

from mangum.handlers._source import SourceHandler


class LambdaAtEdge(SourceHandler):
    """CloudFront viewer-request and origin-request events."""

    SOURCES = frozenset({"cloudfront"})
