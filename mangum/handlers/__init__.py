"""Compatibility with PyPI mangum, in one package: what is here only so that code written against
PyPI mangum 0.x keeps working (``docs/migrating.md`` lists it).

- ``APIGateway``, ``HTTPGateway``, ``ALB`` and ``LambdaAtEdge`` have PyPI mangum's shape (``infer``,
  ``__init__(event, context, config)``, ``body``, ``scope``, ``__call__(response)``) and run exactly
  what the adapter runs for their sources, so a subclass that changes the scope or the result works
  in ``custom_handlers``::

      class TaggedAPIGateway(APIGateway):
          def __call__(self, response: Response) -> dict[str, Any]:
              result = super().__call__(response)
              result["headers"]["x-served-by"] = "lambda"
              return result

      handler = Mangum(app, custom_handlers=[TaggedAPIGateway])

  They keep PyPI mangum's modules (``mangum.handlers.alb``, ``.api_gateway``, ``.lambda_at_edge``)
  the classes themselves are in ``_source.py``. ``HANDLERS`` is PyPI mangum's list of them in
  its order of inference; changing it changes nothing here (give ``custom_handlers`` instead).
- ``custom_handlers`` (``_custom.py``): the checks, the config dict custom handlers are given,
  ``Mangum.infer`` (:func:`~mangum.handlers._custom.infer_handler`), and the response they take.
- ``DEFAULT_TEXT_MIME_TYPES``: PyPI mangum's list of the default text types, which
  ``mangum.adapter`` also offers under that name.
- ``mangum.handlers.utils``: PyPI mangum's helpers, running this package's code.

The adapter does not need any of it: it dispatches on :mod:`mangum._sources` directly, and imports
this package only for ``custom_handlers``, ``Mangum.infer`` and the two names above. So importing
the package imports nothing more until one of its names is asked for. Two pieces of compatibility
live outside it, where their public names are: the PyPI types in :mod:`mangum.types`
(``LambdaHandler``, ``LambdaConfig``, ``Response``), and ``Mangum.config``'s read-only mapping face
(:class:`mangum.config.Config` with :func:`mangum.config.pypi_form`), which every function imports.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from mangum.config import LEGACY_TEXT_MIME_TYPES

if TYPE_CHECKING:
    from mangum.handlers._source import (
        ALB as ALB,
        HANDLERS as HANDLERS,
        APIGateway as APIGateway,
        HTTPGateway as HTTPGateway,
        LambdaAtEdge as LambdaAtEdge,
    )

DEFAULT_TEXT_MIME_TYPES: list[str] = list(LEGACY_TEXT_MIME_TYPES)
"""PyPI mangum's list of the default text types (``"text/"`` first). Here ``text_mime_types`` adds to
them (:data:`mangum.config.DEFAULT_TEXT_MIME_TYPES`, without ``"text/"``: every ``text/*`` is text)."""

__all__ = ["ALB", "DEFAULT_TEXT_MIME_TYPES", "HANDLERS", "APIGateway", "HTTPGateway", "LambdaAtEdge"]

if not TYPE_CHECKING:
    # Hidden from type checkers, which read the imports above. (Not mangum._lazy_attributes: the
    # adapter imports this package, and the root package that holds it imports the adapter.)
    def __getattr__(name: str) -> object:
        """The handler classes and ``HANDLERS``, imported from :mod:`._source` when first asked for."""
        if name not in __all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value: object = getattr(import_module("mangum.handlers._source"), name)
        globals()[name] = value
        return value
