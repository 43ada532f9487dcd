"""pydantic-core validation errors as the project's :class:`~mangum.exceptions.FieldError` list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum.exceptions import FieldError

if TYPE_CHECKING:
    from pydantic_core import ValidationError

# A nested model reports a non-object as "model_type", the plain-dict schema derived from it as
# "dict_type": both are reported as the latter, so that the two validators give the same errors.
_SAME_AS_DICT_TYPE = "model_type"
_DICT_TYPE_MESSAGE = "Input should be a valid dictionary"


def field_errors(error: ValidationError) -> tuple[FieldError, ...]:
    """Each failing field's path, message and kind; input values are never included."""
    found: list[FieldError] = []
    for detail in error.errors(include_url=False, include_input=False, include_context=False):
        kind, message = detail["type"], detail["msg"]
        if kind == _SAME_AS_DICT_TYPE:
            kind, message = "dict_type", _DICT_TYPE_MESSAGE
        found.append(
            FieldError(path=".".join(str(part) for part in detail["loc"]), message=message, kind=kind)
        )
    return tuple(found)
