"""A model's pydantic-core schema turned into one that validates into plain dicts.

The result accepts and rejects exactly what the model does, field by field: each ``model`` node
becomes a ``typed-dict`` with the same fields, aliases, defaults, constraints and configuration;
only the output differs (a dict per model instead of an instance). Two choices follow from what the
output is for:

- ``keys="name"`` (events): output keys are the models' attribute names (fields the model does not
  declare are kept under their own names, as the model keeps them, and never read).
- ``keys="alias"`` (results): output keys are AWS's names, because the dict validated is the result
  the handler returns.

Schemas holding Python callables (validator functions, default factories other than ``dict`` and
``list``) cannot be written out as data and raise :class:`UnsupportedSchema`: the models express
their rules as pydantic-core constraints instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from pydantic import BaseModel

KeyStyle: TypeAlias = Literal["name", "alias"]
SchemaNode: TypeAlias = dict[str, object]

# Keys of a model node that describe the class rather than what it validates.
_CLASS_KEYS = frozenset({"cls", "custom_init", "root_model", "post_init", "generic_origin"})
_CONFIG_KEYS = ("title", "validate_by_alias", "validate_by_name", "hide_input_in_errors", "str_max_length")
# What serialization and JSON Schema generation need, not validation.
_DROPPED_KEYS = frozenset({"metadata", "serialization"})
_FACTORY_DEFAULTS: dict[object, object] = {dict: {}, list: []}


class UnsupportedSchema(TypeError):
    """The model's schema holds something that cannot be written as data (a Python callable)."""


def validator_schema(model: type[BaseModel], keys: KeyStyle) -> SchemaNode:
    """The plain-dict schema equivalent to ``model``'s validator (see the module docs)."""
    model.model_rebuild()
    converted = _convert(_pruned(dict(model.__pydantic_core_schema__)), keys)
    if not isinstance(converted, dict):  # pragma: no cover - a model's schema is a mapping
        raise UnsupportedSchema(f"{model.__name__}: unexpected schema")
    return converted


def _convert(node: object, keys: KeyStyle) -> object:
    if isinstance(node, Mapping):
        kind = node.get("type")
        if kind == "model":
            return _typed_dict(node, keys)
        if kind == "default":
            return _default(node, keys)
        return {
            key: _stable_ref(value) if key in ("ref", "schema_ref") else _convert(value, keys)
            for key, value in node.items()
            if key not in _DROPPED_KEYS
        }
    if isinstance(node, list | tuple):
        return [_convert(item, keys) for item in node]
    if callable(node):
        raise UnsupportedSchema(f"a schema holds the callable {node!r}, which cannot be written as data")
    return node


def _typed_dict(model: Mapping[str, object], keys: KeyStyle) -> SchemaNode:
    fields_schema = model["schema"]
    config = model.get("config")
    if not isinstance(fields_schema, Mapping) or fields_schema.get("type") != "model-fields":
        raise UnsupportedSchema(f"model node without model-fields: {model.get('ref')!r}")
    config = config if isinstance(config, Mapping) else {}
    fields = fields_schema["fields"]
    if not isinstance(fields, Mapping):  # pragma: no cover - pydantic always gives a mapping
        raise UnsupportedSchema("model-fields without fields")
    result: SchemaNode = {
        "type": "typed-dict",
        "fields": dict(_fields(fields, keys)),
        # As the model treats unknown fields (pydantic-core checks their names even to keep them, so
        # "ignore" would accept names that "allow" refuses: lone surrogates).
        "extra_behavior": config.get("extra_fields_behavior", "ignore"),
        "config": {key: config[key] for key in _CONFIG_KEYS if key in config},
    }
    if "title" in config:
        result["cls_name"] = config["title"]
    if "ref" in model:
        result["ref"] = _stable_ref(model["ref"])
    return result


def _stable_ref(ref: object) -> str:
    """A definition's name without the process-specific id pydantic appends (``module.Class:140...``),
    so that the same models always give the same schema text."""
    return str(ref).partition(":")[0]


def _fields(fields: Mapping[str, object], keys: KeyStyle) -> Iterator[tuple[str, SchemaNode]]:
    for name, field in fields.items():
        if not isinstance(field, Mapping):  # pragma: no cover
            raise UnsupportedSchema(f"field {name!r} is not a schema")
        schema = field["schema"]
        converted: SchemaNode = {
            "type": "typed-dict-field",
            "schema": _convert(schema, keys),
            "required": not (isinstance(schema, Mapping) and schema.get("type") == "default"),
        }
        alias = field.get("serialization_alias", name)
        if keys == "alias":
            yield str(alias), converted
        else:
            if "validation_alias" in field:
                converted["validation_alias"] = field["validation_alias"]
            yield name, converted


def _default(node: Mapping[str, object], keys: KeyStyle) -> SchemaNode:
    result: SchemaNode = {"type": "default", "schema": _convert(node["schema"], keys)}
    if "default_factory" in node:
        factory = node["default_factory"]
        if factory not in _FACTORY_DEFAULTS or node.get("default_factory_takes_data"):
            raise UnsupportedSchema(f"default factory {factory!r} cannot be written as data")
        # pydantic-core copies an unhashable default for every validation, as a factory would.
        result["default"] = _FACTORY_DEFAULTS[factory]
    else:
        result["default"] = node["default"]
    for key in ("on_error", "validate_default"):
        if key in node:
            result[key] = node[key]
    return result


def _refs(node: object) -> set[str]:
    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Mapping):
            if current.get("type") == "definition-ref":
                found.add(str(current["schema_ref"]))
            pending.extend(value for key, value in current.items() if key not in _DROPPED_KEYS)
        elif isinstance(current, list):
            pending.extend(current)
    return found


def _pruned(schema: SchemaNode) -> SchemaNode:
    """``schema`` without the definitions nothing refers to (pydantic keeps some it needs only for
    serialization or JSON Schema, such as ``JsonValue`` under a ``SkipValidation``)."""
    if schema.get("type") != "definitions":
        return schema
    definitions = schema["definitions"]
    if not isinstance(definitions, list):  # pragma: no cover
        raise UnsupportedSchema("definitions is not a list")
    by_ref = {str(item["ref"]): item for item in definitions if isinstance(item, Mapping)}
    used = _refs(schema["schema"])
    pending = list(used)
    while pending:
        for ref in _refs(by_ref.get(pending.pop())):
            if ref not in used:
                used.add(ref)
                pending.append(ref)
    kept = [definition for ref, definition in by_ref.items() if ref in used]
    if not kept:
        inner = schema["schema"]
        return dict(inner) if isinstance(inner, Mapping) else schema
    return {"type": "definitions", "schema": schema["schema"], "definitions": kept}
