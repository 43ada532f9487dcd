"""mangum: a strictly typed ASGI adapter for AWS Lambda.

``from mangum import Mangum`` imports the adapter on first access, so that ``import mangum.events``
(the event models alone) does not load the ASGI machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mangum.adapter import Mangum

__version__ = "1.0.0"

__all__ = ["Mangum", "__version__"]


def __getattr__(name: str) -> object:
    """Import :class:`~mangum.adapter.Mangum` on first access."""
    if name == "Mangum":
        from mangum.adapter import Mangum

        return Mangum
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
