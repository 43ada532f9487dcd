"""Validators built on first use from the generated schemas, with a fallback to the models.

A :class:`LazyValidator` names a generated module's schema and the model it was generated from.
Its first call builds a pydantic-core ``SchemaValidator`` from the schema; if the installed
pydantic-core rejects it (a release whose schema format changed), the schema is derived again from
the model itself (:func:`~mangum._validation.core_schema.validator_schema`), which imports pydantic
once and is otherwise the same. Either way, later calls go straight to the validator.

The module also loads pydantic-core's compiled validator on its own (the first section) and turns
its errors into the project's :class:`~mangum.exceptions.FieldError` list (:func:`field_errors`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from mangum.exceptions import FieldError

# --- pydantic-core's compiled module -------------------------------------------------------------
# pydantic-core's compiled validator, loaded without the Python package around it.
#
# ``import pydantic_core`` runs the package's ``__init__``, which imports ``typing_extensions`` and the
# 175 KB ``core_schema`` module: about nine tenths of pydantic-core's import cost, for nothing the
# adapter uses (it needs ``SchemaValidator`` and the two error classes, all defined in the compiled
# ``pydantic_core._pydantic_core``). So the compiled module is loaded on its own, under its own name:
# a later ``import pydantic_core`` (pydantic's, FastAPI's) finds it in ``sys.modules`` and uses this
# very module, so there is one ``SchemaValidator`` class and one ``ValidationError`` class either way.
#
# When pydantic-core is already imported, or the compiled module cannot be found or loaded this way
# (a build laid out otherwise), the package is imported as usual.

_NAME = "pydantic_core._pydantic_core"

if TYPE_CHECKING:
    from pydantic_core import (
        CoreSchema,
        SchemaError as SchemaError,
        SchemaValidator as SchemaValidator,
        ValidationError as ValidationError,
    )

    from mangum._validation.core_schema import KeyStyle
else:

    def _compiled_module() -> object:
        loaded = sys.modules.get(_NAME)
        if loaded is not None:
            return loaded
        try:
            # The path finder alone, not importlib.util and pathlib: importing those two cost about
            # 7M instructions, a quarter of what the adapter added to a cold start (see
            # docs/performance.md), for two lookups the path finder makes as well.
            from importlib.machinery import ExtensionFileLoader, PathFinder

            package = PathFinder.find_spec("pydantic_core")  # finds the package without running it
            if package is None or not package.submodule_search_locations:
                raise ImportError("pydantic_core not found")
            spec = PathFinder.find_spec(_NAME, package.submodule_search_locations)
            if spec is None or not isinstance(spec.loader, ExtensionFileLoader):
                raise ImportError("pydantic_core's compiled module not found")
            module = spec.loader.create_module(spec)
            # What importlib.util.module_from_spec sets on an extension module.
            module.__spec__ = spec
            module.__loader__ = spec.loader
            module.__package__ = spec.parent
            module.__file__ = spec.origin
            spec.loader.exec_module(module)
        except Exception:  # any layout this does not know: the package's own import
            import pydantic_core._pydantic_core as module
        else:
            sys.modules[_NAME] = module
        return module

    _module = _compiled_module()
    SchemaError = _module.SchemaError
    SchemaValidator = _module.SchemaValidator
    ValidationError = _module.ValidationError


# --- field errors --------------------------------------------------------------------------------
# pydantic-core validation errors as the project's :class:`~mangum.exceptions.FieldError` list.

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


# --- the validators ------------------------------------------------------------------------------

OutputT = TypeVar("OutputT")

logger = logging.getLogger("mangum")


def _attribute(reference: str) -> object:
    module, _, name = reference.partition(":")
    return getattr(import_module(module), name)


def _sparse(node: dict[str, object]) -> dict[str, object]:
    """``node`` (a validator schema) validating exactly as before, but leaving out of its output the
    typed-dict fields that default to ``None`` when the input does not have them (see
    :class:`LazyValidator`'s ``sparse``). Only typed-dicts reached through fields, defaults and
    nullables are rewritten; any other node is kept as it is."""
    kind = node.get("type")
    if kind == "typed-dict":
        fields: dict[str, object] = {}
        for name, field in cast("dict[str, dict[str, object]]", node["fields"]).items():
            schema = cast("dict[str, object]", field["schema"])
            if schema.get("type") == "default" and len(schema) == 3 and schema.get("default", 0) is None:
                # Not required and without a default: an absent field is simply not in the output.
                fields[name] = {
                    **field,
                    "schema": _sparse(cast("dict[str, object]", schema["schema"])),
                    "required": False,
                }
            else:
                fields[name] = {**field, "schema": _sparse(schema)}
        return {**node, "fields": fields}
    if kind in ("default", "nullable"):
        return {**node, "schema": _sparse(cast("dict[str, object]", node["schema"]))}
    return node


class LazyValidator(Generic[OutputT]):
    """Validates data against a model's schema into the plain dicts ``OutputT`` describes.

    ``schema`` and ``model`` are ``module:attribute`` references; ``keys`` is how the schema was
    generated (see :mod:`mangum._validation.core_schema`). Calling it raises pydantic-core's
    ``ValidationError`` for data the model would refuse.

    A ``sparse`` validator accepts and refuses exactly the same data, with the same errors, but its
    output leaves out the optional fields that default to ``None`` and are absent from the input,
    where the model would hold ``None``: read them with ``.get()``. pydantic-core fills such a
    default for every absent field, about 250 instructions each (10K on a REST event that sends a
    few of its request context's 17 fields), and the event readers read few of them.
    """

    __slots__ = ("_keys", "_model", "_schema", "_sparse", "validate")

    def __init__(self, schema: str, model: str, keys: KeyStyle, *, sparse: bool = False) -> None:
        self._schema = schema
        self._model = model
        self._keys = keys
        self._sparse = sparse
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
            return SchemaValidator(self._shaped(schema))
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
        return SchemaValidator(self._shaped(cast("CoreSchema", validator_schema(model, self._keys))))

    def _shaped(self, schema: CoreSchema) -> CoreSchema:
        return cast("CoreSchema", _sparse(cast("dict[str, object]", schema))) if self._sparse else schema
