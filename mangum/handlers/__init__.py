"""PyPI mangum's handler classes, for code written against ``mangum.handlers``.

``APIGateway``, ``HTTPGateway``, ``ALB`` and ``LambdaAtEdge`` have PyPI mangum's shape (``infer``,
``__init__(event, context, config)``, ``body``, ``scope``, ``__call__(response)``) and run exactly
what the adapter runs for their sources, so a subclass that changes the scope or the result works
in ``custom_handlers``::

    class TaggedAPIGateway(APIGateway):
        def __call__(self, response: Response) -> dict[str, Any]:
            result = super().__call__(response)
            result["headers"]["x-served-by"] = "lambda"
            return result

    handler = Mangum(app, custom_handlers=[TaggedAPIGateway])

The adapter does not need them: it dispatches on :mod:`mangum._sources` directly. ``HANDLERS`` is
PyPI mangum's list of them in its order of inference; changing it changes nothing here (give
``custom_handlers`` instead).
"""

from __future__ import annotations

from mangum.handlers.alb import ALB
from mangum.handlers.api_gateway import APIGateway, HTTPGateway
from mangum.handlers.lambda_at_edge import LambdaAtEdge
from mangum.types import LambdaHandler

HANDLERS: list[type[LambdaHandler]] = [ALB, HTTPGateway, APIGateway, LambdaAtEdge]
"""The handler classes in PyPI mangum's order of inference."""

__all__ = ["ALB", "HANDLERS", "APIGateway", "HTTPGateway", "LambdaAtEdge"]
