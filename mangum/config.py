"""The adapter's configuration, validated once at construction into a frozen object."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, NoReturn, TypeAlias, overload

from mangum.deadline import DEFAULT_MARGIN, deadline_margin as deadline_margin_of
from mangum.exceptions import ConfigurationError

LifespanMode: TypeAlias = Literal["auto", "on", "off"]

_DEFAULT_TEXT_TYPES = (
    "application/json",
    "application/javascript",
    "application/xml",
    "application/vnd.api+json",
    # PyPI mangum sends OpenAPI documents as text; kept so switching changes nothing.
    "application/vnd.oai.openapi",
)

DEFAULT_TEXT_MIME_TYPES: frozenset[str] = frozenset(_DEFAULT_TEXT_TYPES)
"""Content types sent as text besides ``text/*`` and ``+json`` / ``+xml`` suffixed types."""

LEGACY_TEXT_MIME_TYPES: tuple[str, ...] = ("text/", *_DEFAULT_TEXT_TYPES)
"""The default text types as PyPI mangum lists them (``"text/"`` first, in its order)."""

LegacyKey: TypeAlias = Literal["api_gateway_base_path", "text_mime_types", "exclude_headers"]
_LEGACY_KEYS: tuple[LegacyKey, ...] = ("api_gateway_base_path", "text_mime_types", "exclude_headers")


class ReadOnlyList(list[str]):
    """A list that refuses to change: what ``handler.config[...]`` gives for a list setting.

    PyPI mangum's ``config`` was a plain dict its handlers read on every call, so code could append
    to ``handler.config["text_mime_types"]``; here the configuration is validated once and frozen,
    and such a change would be silently lost, so it raises instead.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(
            "handler.config is read-only: pass text_mime_types=[...] or exclude_headers=[...] to Mangum(...)"
        )

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


@dataclass(frozen=True, slots=True)
class Config(Mapping[str, object]):
    """Everything the pure conversion functions and the cycles need to know about the user's choices.

    ``api_gateway_base_path`` is normalised: ``""`` for none, otherwise ``/segment`` without a
    trailing slash. ``text_mime_types`` already includes the defaults; ``exclude_headers`` is
    lower-cased. ``deadline_margin`` is the seconds kept back from Lambda's remaining time
    (:mod:`mangum.deadline`).

    It is also a read-only mapping in PyPI mangum's form, for code written against its
    ``handler.config`` dict: ``config["api_gateway_base_path"]`` is ``"/"`` for none,
    ``config["text_mime_types"]`` lists ``"text/"`` and the defaults first, ``config["exclude_headers"]``
    is a list. Each value is built when asked for: the attributes are what the conversion reads.
    """

    lifespan: LifespanMode = "auto"
    api_gateway_base_path: str = ""
    text_mime_types: frozenset[str] = DEFAULT_TEXT_MIME_TYPES
    exclude_headers: frozenset[str] = frozenset()
    deadline_margin: float = DEFAULT_MARGIN

    @overload
    def __getitem__(self, key: Literal["api_gateway_base_path"]) -> str: ...
    @overload
    def __getitem__(self, key: Literal["text_mime_types", "exclude_headers"]) -> list[str]: ...
    @overload
    def __getitem__(self, key: str) -> object: ...
    def __getitem__(self, key: str) -> object:
        if key == "api_gateway_base_path":
            return self.api_gateway_base_path or "/"
        if key == "text_mime_types":
            extra = sorted(self.text_mime_types - DEFAULT_TEXT_MIME_TYPES)
            return ReadOnlyList([*LEGACY_TEXT_MIME_TYPES, *extra])
        if key == "exclude_headers":
            return ReadOnlyList(sorted(self.exclude_headers))
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(_LEGACY_KEYS)

    def __len__(self) -> int:
        return len(_LEGACY_KEYS)


def _normalise_base_path(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConfigurationError(
            f"api_gateway_base_path must be a string or None, not {type(value).__name__}"
        )
    stripped = value.strip("/")
    if any(char in value for char in "?#") or any(char.isspace() for char in value):
        raise ConfigurationError("api_gateway_base_path must be a URL path without query, fragment or spaces")
    return f"/{stripped}" if stripped else ""


def _string_set(name: str, values: object, *, lower: bool) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ConfigurationError(f"{name} must be a list of strings")
    result: set[str] = set()
    for item in values:
        if not isinstance(item, str) or not item:
            raise ConfigurationError(f"{name} must contain only non-empty strings")
        result.add(item.lower() if lower else item.strip())
    return frozenset(result)


def build_config(
    *,
    lifespan: object = "auto",
    enable_lifespan: object = None,
    api_gateway_base_path: object = None,
    text_mime_types: object = None,
    exclude_headers: object = None,
    deadline_margin: object = None,
) -> Config:
    """Validate the constructor's arguments; raises :class:`ConfigurationError` naming the argument.

    ``enable_lifespan`` (the seed API) maps ``True`` / ``False`` onto ``"auto"`` / ``"off"``; when
    both it and ``lifespan`` are given they must agree. ``deadline_margin`` (seconds) falls back to
    ``MANGUM_DEADLINE_MARGIN_MS``.
    """
    if lifespan != "auto" and lifespan != "on" and lifespan != "off":
        # PyPI mangum's words, which code and tests written against it look for.
        raise ConfigurationError("Invalid argument supplied for `lifespan`. Choices are: auto|on|off")
    mode: LifespanMode = lifespan
    if enable_lifespan is not None:
        if not isinstance(enable_lifespan, bool):
            raise ConfigurationError("enable_lifespan must be True or False")
        if not enable_lifespan:
            if mode == "on":
                raise ConfigurationError("enable_lifespan=False contradicts lifespan='on'")
            mode = "off"
    return Config(
        lifespan=mode,
        api_gateway_base_path=_normalise_base_path(api_gateway_base_path),
        text_mime_types=DEFAULT_TEXT_MIME_TYPES | _string_set("text_mime_types", text_mime_types, lower=True),
        exclude_headers=_string_set("exclude_headers", exclude_headers, lower=True),
        deadline_margin=deadline_margin_of(deadline_margin),
    )
