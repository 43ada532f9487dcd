"""What the authorizer tells the API about the caller: one model, imported by both functions.

The authorizer returns it as its simple response's ``context``; API Gateway hands that context to
the API function's event as ``requestContext.authorizer.lambda``, where it is validated back.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Literal

from pydantic import BaseModel, TypeAdapter

TOKENS_VARIABLE = "API_TOKENS"
"""The authorizer's environment variable: a JSON object, bearer token -> caller."""


class Caller(BaseModel):
    """Who is calling, as the authorizer established it."""

    user: str
    tier: Literal["free", "gold"]


@cache
def known_tokens() -> dict[str, Caller]:
    """The bearer tokens the authorizer accepts, read from the environment once per container.
    Stands in for real verification (a JWT's signature, a session store)."""
    return TypeAdapter(dict[str, Caller]).validate_json(os.environ.get(TOKENS_VARIABLE) or "{}")
