"""PyPI mangum's module of its Application Load Balancer handler; the classes are in
:mod:`mangum.handlers._source`."""

from mangum.handlers._source import ALB

__all__ = ["ALB"]
