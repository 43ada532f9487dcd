"""PyPI mangum's module of its CloudFront Lambda@Edge handler; the classes are in
:mod:`mangum.handlers._source`."""

from mangum.handlers._source import LambdaAtEdge

__all__ = ["LambdaAtEdge"]
