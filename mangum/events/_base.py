"""The pydantic base every event model shares, and the source-independent request helpers."""

from __future__ import annotations

import binascii
from abc import abstractmethod
from base64 import b64decode
from collections.abc import Mapping
from functools import cache, cached_property
from typing import TYPE_CHECKING, ClassVar, Literal, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue, SkipValidation, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

from mangum.exceptions import FieldError, InvalidBody

if TYPE_CHECKING:
    from typing_extensions import Self  # typing.Self is Python 3.11+

ModelT = TypeVar("ModelT", bound=BaseModel)

DecodedJson: TypeAlias = SkipValidation[JsonValue]
"""Free-form JSON inside an event (claims, authorizer context, origin settings), kept as decoded.

Typed as :data:`~pydantic.JsonValue` but not checked item by item: the event came from
``json.loads``, so it is JSON already, and walking it on every invocation costs more than the rest
of the block it sits in. Its JSON Schema is that of ``JsonValue``.
"""


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


def field_errors(error: ValidationError) -> tuple[FieldError, ...]:
    """Translate a pydantic error into field paths and messages, dropping every input value."""
    return tuple(
        FieldError(
            path=".".join(str(part) for part in detail["loc"]),
            message=detail["msg"],
            kind=detail["type"],
        )
        for detail in error.errors(include_url=False, include_input=False, include_context=False)
    )


def decode_body(body: str | None, is_base64_encoded: bool) -> bytes:
    """The raw request body: base64-decoded when the event says so, UTF-8 encoded otherwise."""
    if not body:
        return b""
    if not is_base64_encoded:
        try:
            return body.encode()
        except UnicodeEncodeError:
            # JSON can carry lone surrogates ("\ud800"), which have no UTF-8 form.
            raise InvalidBody("the event body is text that cannot be encoded as UTF-8") from None
    try:
        return b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidBody("the event body is flagged isBase64Encoded but is not valid base64") from None


EventSource: TypeAlias = Literal[
    "api_gateway_v1", "api_gateway_v2", "function_url", "alb", "cloudfront", "websocket"
]
"""The name of each event source, as a source model's :attr:`RequestEvent.SOURCE` gives it."""


class RequestEvent(AwsModel):
    """Behaviour shared by every event that carries a request (HTTP or WebSocket).

    Each source reduces its own header, query and body layout to the three primitives below;
    the lookups built on them are written once, here.
    """

    SOURCE: ClassVar[EventSource]
    """Which source the model is for: set on each of the six source models (a class constant, not a
    field), so that code can tell events apart without importing every source's module."""

    @abstractmethod
    def header_items(self) -> list[tuple[str, str]]:
        """Every request header as (name as sent, value), repeated names kept as separate entries."""

    @abstractmethod
    def query_items(self) -> list[tuple[str, str]]:
        """Every query parameter as (name, value), percent-decoded, repeated names kept in order."""

    @abstractmethod
    def encoded_query(self) -> str:
        """The query string as it appears in a URL (percent-encoded, no leading ``?``)."""

    @abstractmethod
    def body_bytes(self) -> bytes:
        """The request body as bytes, decoded from base64 when flagged; raises :class:`InvalidBody`."""

    @cached_property
    def _headers_by_name(self) -> dict[str, list[str]]:
        headers: dict[str, list[str]] = {}
        for name, value in self.header_items():
            headers.setdefault(name.lower(), []).append(value)
        return headers

    def model_copy(self, *, update: Mapping[str, object] | None = None, deep: bool = False) -> Self:
        """A copy, as :meth:`pydantic.BaseModel.model_copy`, whose header lookups see ``update``."""
        copied = super().model_copy(update=update, deep=deep)
        # The header index is cached in the instance dict, which pydantic copies with the fields.
        copied.__dict__.pop("_headers_by_name", None)
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
