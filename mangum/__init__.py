"""mangum: a strictly typed ASGI adapter for AWS Lambda.

``from mangum import Mangum`` imports the adapter on first access, so that ``import mangum.events``
(the event models alone) does not load the ASGI machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mangum.adapter import Mangum

__version__ = "1.0.0"

__all__ = ["Mangum", "__version__"]


def _lazy_attributes(namespace: dict[str, Any], sources: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` (PEP 562) that imports ``name`` from the module ``sources[name]``
    (absolute dotted path) on first access and keeps it in ``namespace`` so later accesses cost
    nothing. Written once for every lazy namespace (this package, :mod:`mangum.events`,
    :mod:`mangum.websocket`), here because every one of them imports this package first."""
    module_name = namespace["__name__"]

    def load(name: str) -> object:
        source = sources.get(name)
        if source is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value: object = getattr(import_module(source), name)
        namespace[name] = value
        return value

    return load


# The adapter is imported on first access.
__getattr__ = _lazy_attributes(globals(), {"Mangum": "mangum.adapter"})
