"""mangum: a strictly typed ASGI adapter for AWS Lambda.

``from mangum import Mangum`` imports the adapter on first access, so that ``import mangum.events``
(the event models alone) does not load the ASGI machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._lazy import lazy_attributes

if TYPE_CHECKING:
    from mangum.adapter import Mangum

__version__ = "1.0.0"

__all__ = ["Mangum", "__version__"]


# The adapter is imported on first access.
__getattr__ = lazy_attributes(globals(), {"Mangum": "mangum.adapter"})
