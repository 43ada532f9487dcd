"""PyPI mangum's module of API Gateway's handlers: :class:`APIGateway` (REST APIs) and
:class:`HTTPGateway` (HTTP APIs, both payload formats, and Function URLs); the classes are in
:mod:`mangum.handlers._source`."""

from mangum.handlers._source import APIGateway, HTTPGateway

__all__ = ["APIGateway", "HTTPGateway"]
