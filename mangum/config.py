"""The adapter's configuration, validated once at construction into a frozen object, and its form
as PyPI mangum's ``handler.config`` dict (:class:`mangum.types.LambdaConfig`), for code written
against it; and how the function answers Lambda, buffered or streamed (:data:`InvokeMode`); and
whether it runs with SnapStart (:func:`snapstart_on`)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Literal, NoReturn, overload

from mangum.exceptions import ConfigurationError

if TYPE_CHECKING:
    from typing import TypeAlias

    # Defined among the public types (PyPI mangum's places), and named here, where they are used.
    from mangum.types import LambdaConfig as LambdaConfig, LifespanMode as LifespanMode

    InvokeMode: TypeAlias = Literal["BUFFERED", "RESPONSE_STREAM"]
    """How a function answers Lambda: ``BUFFERED`` (one JSON result) or ``RESPONSE_STREAM`` (chunks
    sent as the application produces them), named as Lambda names a Function URL's ``InvokeMode``."""


if not TYPE_CHECKING:  # hidden from the type checker, so that a misspelt name is an error there

    def __getattr__(name: str) -> object:
        # The typing names, for code that asks this module for them at run time, made when first asked
        # for: a process's first Literal costs about 0.2M instructions, a TypedDict as much, and the
        # cold path names them only in annotations, which are never evaluated.
        if name == "InvokeMode":
            alias = globals()[name] = Literal[INVOKE_MODES]
            return alias
        if name in ("LambdaConfig", "LifespanMode"):
            import mangum.types

            return getattr(mangum.types, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MARGIN_VARIABLE = "MANGUM_DEADLINE_MARGIN_MS"
DEFAULT_MARGIN = 0.5
"""Seconds kept back from Lambda's remaining time: enough to cancel the work, log why and answer."""
MAX_MARGIN = 60.0


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


class Config(Mapping[str, object]):
    """Everything the pure conversion functions and the cycles need to know about the user's choices.

    ``api_gateway_base_path`` is normalised: ``""`` for none, otherwise ``/segment`` without a
    trailing slash. ``text_mime_types`` already includes the defaults; ``exclude_headers`` is
    lower-cased. ``deadline_margin`` is the seconds kept back from Lambda's remaining time
    (:mod:`mangum.deadline`). Immutable; compared by value.

    It is also a read-only mapping in PyPI mangum's form, for code written against its
    ``handler.config`` dict: ``config["api_gateway_base_path"]`` is ``"/"`` for none,
    ``config["text_mime_types"]`` lists ``"text/"`` and the defaults first, ``config["exclude_headers"]``
    is a list, read-only (:class:`ReadOnlyList`). Each value is built when asked for: the attributes are
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
        # Only code written against PyPI mangum asks, so the form is built then, not kept.
        value = pypi_form(self)[key]  # type: ignore[literal-required]  # any key: KeyError for the others
        return ReadOnlyList(value) if isinstance(value, list) else value

    def __iter__(self) -> Iterator[str]:
        return iter(LEGACY_KEYS)

    def __len__(self) -> int:
        return len(LEGACY_KEYS)


# --- PyPI mangum's form of the configuration -------------------------------------------------------
# ``Mangum.config`` is read as PyPI mangum's ``handler.config`` dict too (the mapping methods above),
# and custom handlers are given that dict. The rest of PyPI mangum's compatibility is in
# mangum.handlers; this part stays here because it is the configuration object's own face, and every
# function imports this module.


LEGACY_TEXT_MIME_TYPES: tuple[str, ...] = ("text/", *_DEFAULT_TEXT_TYPES)
"""The default text types as PyPI mangum lists them (``"text/"`` first, in its order)."""

LEGACY_KEYS: tuple[str, ...] = ("api_gateway_base_path", "text_mime_types", "exclude_headers")
"""The keys of PyPI mangum's ``handler.config`` dict."""


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
        deadline_margin=margin_seconds(deadline_margin),
        websocket_path=_websocket_path(websocket_path),
    )


# --- the invoke mode -------------------------------------------------------------------------------

INVOKE_MODE_VARIABLE = "MANGUM_INVOKE_MODE"
"""The environment variable read when ``Mangum(...)`` is given no ``invoke_mode``."""

INVOKE_MODES: tuple[InvokeMode, ...] = ("BUFFERED", "RESPONSE_STREAM")
"""The values of :data:`InvokeMode`."""


def resolve_invoke_mode(value: object) -> InvokeMode:
    """``value``, or ``$MANGUM_INVOKE_MODE`` when it is ``None``, checked; ``BUFFERED`` when neither is set.

    Raises :class:`~mangum.exceptions.ConfigurationError` naming the argument or the variable.
    """
    source = "invoke_mode"
    if value is None:
        value = os.environ.get(INVOKE_MODE_VARIABLE, "").strip() or "BUFFERED"
        source = INVOKE_MODE_VARIABLE
    if value == "BUFFERED" or value == "RESPONSE_STREAM":
        return value
    raise ConfigurationError(f"{source} must be 'BUFFERED' or 'RESPONSE_STREAM', not {value!r}")


# --- how Lambda initialized the environment ------------------------------------------------------
# Read by the adapter and by ``python -m mangum.runtime``, from the variable Lambda sets.

INITIALIZATION_TYPE_VARIABLE = "AWS_LAMBDA_INITIALIZATION_TYPE"
"""Set by Lambda: ``on-demand``, ``provisioned-concurrency``, or ``snap-start`` with SnapStart."""
SNAP_START = "snap-start"


def snapstart_on(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the function runs with Lambda SnapStart: init then ends with a snapshot, and the hooks
    of ``snapshot_restore_py`` run around it (:mod:`mangum._snapstart`, :mod:`mangum.runtime.snapstart`)."""
    return (os.environ if environ is None else environ).get(INITIALIZATION_TYPE_VARIABLE) == SNAP_START


# --- the deadline margin -------------------------------------------------------------------------


def margin_seconds(value: object = None, *, environ: Mapping[str, str] | None = None) -> float:
    """The safety margin in seconds: ``value`` (seconds) if given, else ``MANGUM_DEADLINE_MARGIN_MS``
    (milliseconds), else :data:`DEFAULT_MARGIN`.

    Raises :class:`~mangum.exceptions.ConfigurationError` for a value that is not a number from 0
    to :data:`MAX_MARGIN` seconds.
    """
    if value is None:
        text = (os.environ if environ is None else environ).get(MARGIN_VARIABLE, "").strip()
        if not text:
            return DEFAULT_MARGIN
        try:
            millis = float(text)
        except ValueError:
            raise ConfigurationError(f"{MARGIN_VARIABLE} must be a number of milliseconds") from None
        return _checked(millis / 1000, f"{MARGIN_VARIABLE} (milliseconds)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"deadline_margin must be a number of seconds, not {type(value).__name__}")
    return _checked(float(value), "deadline_margin (seconds)")


def _checked(seconds: float, name: str) -> float:
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_MARGIN:
        raise ConfigurationError(f"{name} must be from 0 to {MAX_MARGIN:g} seconds")
    return seconds
