"""Validators built on first use from the generated schemas, with a fallback to the models.

A :class:`LazyValidator` names a generated module's schema and the model it was generated from.
Its first call builds a pydantic-core ``SchemaValidator`` from the schema; if the installed
pydantic-core rejects it (a release whose schema format changed), the schema is derived again from
the model itself (:func:`~mangum._validation.core_schema.validator_schema`), which imports pydantic
once and is otherwise the same. Either way, later calls go straight to the validator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from mangum._validation.pydantic_core_module import SchemaError, SchemaValidator

if TYPE_CHECKING:
    from pydantic_core import CoreSchema

    from mangum._validation.core_schema import KeyStyle

OutputT = TypeVar("OutputT")

logger = logging.getLogger("mangum")


def _attribute(reference: str) -> object:
    module, _, name = reference.partition(":")
    return getattr(import_module(module), name)


class LazyValidator(Generic[OutputT]):
    """Validates data against a model's schema into the plain dicts ``OutputT`` describes.

    ``schema`` and ``model`` are ``module:attribute`` references; ``keys`` is how the schema was
    generated (see :mod:`mangum._validation.core_schema`). Calling it raises pydantic-core's
    ``ValidationError`` for data the model would refuse.
    """

    __slots__ = ("_keys", "_model", "_schema", "validate")

    def __init__(self, schema: str, model: str, keys: KeyStyle) -> None:
        self._schema = schema
        self._model = model
        self._keys = keys
        self.validate: Callable[[object], OutputT] = self._build_then_validate
        """Validate ``data``; the validator is built by the first call."""

    @property
    def model_name(self) -> str:
        """The name of the model the schema was generated from."""
        return self._model.rpartition(":")[2]

    def _build_then_validate(self, data: object) -> OutputT:
        self.validate = self.build().validate_python
        return self.validate(data)

    def build(self) -> SchemaValidator:
        """The validator: from the generated schema, or derived from the model if that is refused."""
        # The generated schema is a CoreSchema written out as plain data.
        schema = cast("CoreSchema", _attribute(self._schema))
        try:
            return SchemaValidator(schema)
        except SchemaError as error:
            logger.warning(
                "pydantic-core refuses the generated schema %s (%s): deriving it from %s instead",
                self._schema,
                str(error).splitlines()[0],
                self._model,
            )
        from pydantic import BaseModel

        from mangum._validation.core_schema import validator_schema

        model = _attribute(self._model)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"{self._model} is not a pydantic model")
        return SchemaValidator(cast("CoreSchema", validator_schema(model, self._keys)))
