"""The adapter's configuration, validated once at construction into a frozen object."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

from mangum.deadline import DEFAULT_MARGIN, deadline_margin as deadline_margin_of
from mangum.exceptions import ConfigurationError

if TYPE_CHECKING:
    from mangum.types import LambdaConfig

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

LEGACY_KEYS: tuple[str, ...] = ("api_gateway_base_path", "text_mime_types", "exclude_headers")
"""The keys of PyPI mangum's ``handler.config`` dict."""


class Config(Mapping[str, object]):
    """Everything the pure conversion functions and the cycles need to know about the user's choices.

    ``api_gateway_base_path`` is normalised: ``""`` for none, otherwise ``/segment`` without a
    trailing slash. ``text_mime_types`` already includes the defaults; ``exclude_headers`` is
    lower-cased. ``deadline_margin`` is the seconds kept back from Lambda's remaining time
    (:mod:`mangum.deadline`). Immutable; compared by value.

    It is also a read-only mapping in PyPI mangum's form, for code written against its
    ``handler.config`` dict: ``config["api_gateway_base_path"]`` is ``"/"`` for none,
    ``config["text_mime_types"]`` lists ``"text/"`` and the defaults first, ``config["exclude_headers"]``
    is a list (:mod:`mangum._legacy_config`). Each value is built when asked for: the attributes are
    what the conversion reads.

    (A plain class rather than a dataclass: it is defined on the adapter's import path, where
    creating a dataclass, and importing ``dataclasses``, is a measurable part of a cold start.)
    """

    __slots__ = (
        "api_gateway_base_path",
        "deadline_margin",
        "exclude_headers",
        "lifespan",
        "text_mime_types",
        "websocket_path",
    )

    lifespan: LifespanMode
    api_gateway_base_path: str
    text_mime_types: frozenset[str]
    exclude_headers: frozenset[str]
    deadline_margin: float
    websocket_path: str

    def __init__(
        self,
        lifespan: LifespanMode = "auto",
        api_gateway_base_path: str = "",
        text_mime_types: frozenset[str] = DEFAULT_TEXT_MIME_TYPES,
        exclude_headers: frozenset[str] = frozenset(),
        deadline_margin: float = DEFAULT_MARGIN,
        websocket_path: str = "/",
    ) -> None:
        setter = object.__setattr__
        setter(self, "lifespan", lifespan)
        setter(self, "api_gateway_base_path", api_gateway_base_path)
        setter(self, "text_mime_types", text_mime_types)
        setter(self, "exclude_headers", exclude_headers)
        setter(self, "deadline_margin", deadline_margin)
        setter(self, "websocket_path", websocket_path)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Config is immutable: cannot set {name!r}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return self._values() == other._values() if isinstance(other, Config) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in sorted(self.__slots__))
        return f"Config({fields})"

    @overload
    def __getitem__(self, key: Literal["api_gateway_base_path"]) -> str: ...
    @overload
    def __getitem__(self, key: Literal["text_mime_types", "exclude_headers"]) -> list[str]: ...
    @overload
    def __getitem__(self, key: str) -> object: ...
    def __getitem__(self, key: str) -> object:
        # Only code written against PyPI mangum asks: its module is imported then, not at cold start.
        from mangum._legacy_config import legacy_value

        return legacy_value(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(LEGACY_KEYS)

    def __len__(self) -> int:
        return len(LEGACY_KEYS)


def pypi_form(config: Config) -> LambdaConfig:
    """``config`` as PyPI mangum's ``LambdaConfig`` dict, new plain lists: ``"/"`` for no base path,
    ``"text/"`` and the default text types first (in its order) then those added, the excluded
    headers lower-cased and sorted."""
    added = sorted(config.text_mime_types - DEFAULT_TEXT_MIME_TYPES)
    return {
        "api_gateway_base_path": config.api_gateway_base_path or "/",
        "text_mime_types": [*LEGACY_TEXT_MIME_TYPES, *added],
        "exclude_headers": sorted(config.exclude_headers),
    }


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


def _websocket_path(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"websocket_path must be a string, not {type(value).__name__}")
    if any(char in value for char in "?#") or any(char.isspace() for char in value):
        raise ConfigurationError("websocket_path must be a URL path without query, fragment or spaces")
    return value if value.startswith("/") else f"/{value}"


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
    websocket_path: object = "/",
) -> Config:
    """Validate the constructor's arguments; raises :class:`ConfigurationError` naming the argument.

    ``enable_lifespan`` (the seed API) maps ``True`` / ``False`` onto ``"auto"`` / ``"off"``; when
    both it and ``lifespan`` are given they must agree. ``deadline_margin`` (seconds) falls back to
    ``MANGUM_DEADLINE_MARGIN_MS``. ``websocket_path`` is given a leading ``/`` when it has none.
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
        websocket_path=_websocket_path(websocket_path),
    )
