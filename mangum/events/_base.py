"""The pydantic base every event model shares, and the source-independent request helpers."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable, Mapping
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue, SkipValidation, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from mangum._http.request import HeaderPairs, Request, request_body
from mangum._validation.validators import field_errors
from mangum.exceptions import InvalidBody

if TYPE_CHECKING:
    from typing import TypedDict

    from pydantic._internal._namespace_utils import MappingNamespace
    from pydantic.config import ExtraValues
    from typing_extensions import Self, Unpack  # typing.Self and Unpack are Python 3.11+

    from mangum._sources.registry import SourceName

ModelT = TypeVar("ModelT", bound=BaseModel)

DecodedJson: TypeAlias = SkipValidation[JsonValue]
"""Free-form JSON inside an event (claims, authorizer context, origin settings), kept as decoded.

Typed as :data:`~pydantic.JsonValue` but not checked item by item: the event came from
``json.loads``, so it is JSON already, and walking it on every invocation costs more than the rest
of the block it sits in. Its JSON Schema is that of ``JsonValue``.
"""


if TYPE_CHECKING:

    class ValidateOptions(TypedDict, total=False):
        """The keyword arguments of :meth:`pydantic.BaseModel.model_validate`."""

        strict: bool | None
        extra: ExtraValues | None
        from_attributes: bool | None
        context: Any | None  # pydantic's own type: whatever the caller's validators read
        by_alias: bool | None
        by_name: bool | None


_VALIDATE_PYTHON: dict[type[BaseModel], Callable[[object], Any]] = {}
"""Per model class that :meth:`AwsModel.model_validate` has validated with, its compiled
validator's ``validate_python`` (pydantic's ``Any``: an instance of that class). Dropped by
:meth:`AwsModel.model_rebuild`; cleared whenever it reaches :data:`_REMEMBERED_VALIDATORS`, so that
classes made on the fly (parametrized generics) cannot accumulate."""

_REMEMBERED_VALIDATORS = 1024


def _remember_validator(model: type[BaseModel]) -> Callable[[object], Any]:
    """``model``'s ``validate_python``, built first if the model's build was deferred, remembered."""
    if len(_VALIDATE_PYTHON) >= _REMEMBERED_VALIDATORS:
        _VALIDATE_PYTHON.clear()
    validator = model.__pydantic_validator__
    validate: Callable[[object], Any] = validator.validate_python
    _VALIDATE_PYTHON[model] = validate
    if model.__pydantic_validator__ is not validator:
        # Rebuilt by another thread since it was read: its model_rebuild may have dropped the
        # class's entry before this stored the old one, so drop it here (the rebuild sets the new
        # validator before it drops the entry, so one of the two always sees the other).
        _VALIDATE_PYTHON.pop(model, None)
    return validate


@cache
def _json_adapter() -> TypeAdapter[JsonValue]:
    """The JSON validator, built on the first :meth:`RequestEvent.json_body` call rather than at import."""
    return TypeAdapter(JsonValue)


class AwsModel(BaseModel):
    """Base of every event model: snake_case attributes, AWS's camelCase names as aliases.

    Fields AWS sends that are not modelled are kept (``extra="allow"``), so that
    ``model_dump(by_alias=True, exclude_unset=True)`` gives back the event as received.
    """

    model_config = ConfigDict(
        extra="allow",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        revalidate_instances="never",
        defer_build=True,
        # Errors name the field, never its value: headers and bodies can hold credentials.
        hide_input_in_errors=True,
    )

    @classmethod
    def model_validate(cls, obj: Any, **options: Unpack[ValidateOptions]) -> Self:
        """Validate ``obj`` into the model, as :meth:`pydantic.BaseModel.model_validate` does.

        Without options it calls the compiled validator directly: pydantic's method hands its six
        keyword arguments through, which costs more than validating a small event's few fields
        (about 1.6K instructions per call on an ALB event, measured with callgrind). The validator
        is taken from :data:`_VALIDATE_PYTHON` rather than read as ``cls.__pydantic_validator__``:
        pydantic's metaclass defines ``__getattr__``, which sends every attribute read on a model
        class through a slow path (about 0.9K instructions on CPython 3.11)."""
        if options:
            return super().model_validate(obj, **options)
        try:  # a subscript costs less than .get() and a None check (measured)
            validate = _VALIDATE_PYTHON[cls]
        except KeyError:
            validate = _remember_validator(cls)
        validated: Self = validate(obj)
        return validated

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: MappingNamespace | None = None,
    ) -> bool | None:
        """Rebuild the model as :meth:`pydantic.BaseModel.model_rebuild` does, and forget the
        validator :meth:`model_validate` remembered for it (``force=True`` replaces it)."""
        try:
            return super().model_rebuild(
                force=force,
                raise_errors=raise_errors,
                # The namespace is read that many frames up from pydantic's method: this one is one more.
                _parent_namespace_depth=_parent_namespace_depth + 1 if _parent_namespace_depth > 0 else 0,
                _types_namespace=_types_namespace,
            )
        finally:
            _VALIDATE_PYTHON.pop(cls, None)


class RequestEvent(AwsModel):
    """Behaviour shared by every event that carries a request (HTTP or WebSocket).

    How a source lays out its headers, query and body is read by its home in
    :mod:`mangum._sources`, the same code the adapter runs: each model only hands its fields over
    (:meth:`_request`, :meth:`query_items`). The lookups built on them are written once, here.
    """

    SOURCE: ClassVar[SourceName]
    """Which source the model is for (a class constant, not a field)."""

    @abstractmethod
    def _read_request(self) -> Request:
        """The request, read from :attr:`_fields` by the source's home as from a validated event."""

    @abstractmethod
    def query_items(self) -> HeaderPairs:
        """Every query parameter as (name, value), percent-decoded, repeated names kept in order."""

    @cached_property
    def _fields(self) -> dict[str, Any]:
        # The fields by attribute name, nested models as dicts: the layout the generated validator
        # outputs (plus unmodelled fields, which the homes do not read), so the homes can read it.
        fields = self.model_dump(by_alias=False)
        body = fields.get("body")
        if body is not None and not isinstance(body, str):
            # A subclass parsed the body (``body: Json[Order]``): the homes read its JSON text,
            # which pydantic does not keep, so it is serialized again (by alias, compact).
            text = self.model_dump(include={"body"}, by_alias=True, round_trip=True, mode="json")["body"]
            fields["body"] = text if isinstance(text, str) else json.dumps(text, separators=(",", ":"))
            fields["is_base64_encoded"] = False
        return fields

    @cached_property
    def _request(self) -> Request:
        return self._read_request()

    def header_items(self) -> HeaderPairs:
        """Every request header as (name as sent, value), repeated names kept as separate entries."""
        return list(self._request.headers)

    def encoded_query(self) -> str:
        """The query string as it appears in a URL (percent-encoded, no leading ``?``)."""
        return self._request.query

    def body_bytes(self) -> bytes:
        """The request body as bytes, decoded from base64 when flagged; raises :class:`InvalidBody`.

        In a subclass whose ``body`` is parsed (``body: Json[Order]``), the parsed body serialized
        again as compact JSON by alias: equal as JSON to what was received, not byte for byte."""
        return request_body(self._request)

    @cached_property
    def _headers_by_name(self) -> dict[str, list[str]]:
        headers: dict[str, list[str]] = {}
        for name, value in self.header_items():
            headers.setdefault(name.lower(), []).append(value)
        return headers

    def model_copy(self, *, update: Mapping[str, object] | None = None, deep: bool = False) -> Self:
        """A copy, as :meth:`pydantic.BaseModel.model_copy`, whose lookups see ``update``."""
        copied = super().model_copy(update=update, deep=deep)
        # The lookups are cached in the instance dict, which pydantic copies with the fields.
        for cached in ("_fields", "_request", "_headers_by_name"):
            copied.__dict__.pop(cached, None)
        return copied

    def get_header(self, name: str) -> str | None:
        """The first value of a header, looked up case-insensitively; ``None`` when absent."""
        values = self._headers_by_name.get(name.lower())
        return values[0] if values else None

    def get_header_values(self, name: str) -> list[str]:
        """Every value of a header, looked up case-insensitively, in the order received."""
        return list(self._headers_by_name.get(name.lower(), ()))

    def get_query_values(self, name: str) -> list[str]:
        """Every value of a query parameter, in the order received."""
        return [value for key, value in self.query_items() if key == name]

    def get_query(self, name: str) -> str | None:
        """The first value of a query parameter; ``None`` when absent."""
        values = self.get_query_values(name)
        return values[0] if values else None

    def json_body(self) -> JsonValue:
        """The body parsed as JSON; raises :class:`InvalidBody` when it is not JSON."""
        try:
            return _json_adapter().validate_json(self.body_bytes())
        except ValidationError as error:
            raise InvalidBody("the event body is not valid JSON", field_errors(error)) from None

    def parse_body(self, model: type[ModelT]) -> ModelT:
        """The JSON body validated into ``model``; raises :class:`InvalidBody` naming the failing fields."""
        try:
            return model.model_validate_json(self.body_bytes())
        except ValidationError as error:
            raise InvalidBody(
                f"the event body does not match {model.__name__}", field_errors(error)
            ) from None
