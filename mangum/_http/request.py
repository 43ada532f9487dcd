"""A request as every source reduces it, and the header, query and body handling sources share.

Each event source lays its request out its own way; its home (:mod:`mangum._sources`) reduces it to
a :class:`Request` with the primitives below, which every source shares: single- and multi-value
maps to pairs, payload 2.0 cookies, query strings, and bodies.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from itertools import product
from typing import TYPE_CHECKING

from mangum.exceptions import InvalidBody

if TYPE_CHECKING:
    # A type of the code only: nothing creates the class at run time.
    from typing import TypedDict, TypeVar

    from mangum._http.response import ResponseShape

    class ValueMaps(TypedDict):
        """The single- and multi-value header and query maps (with the body beside them) that REST,
        WebSocket and ALB events carry, as its generated validator outputs them (a sparse one leaves
        the absent ones out: read with ``.get()``)."""

        headers: dict[str, str] | None
        multi_value_headers: dict[str, list[str]] | None
        query_string_parameters: dict[str, str] | None
        multi_value_query_string_parameters: dict[str, list[str]] | None
        body: str | None
        is_base64_encoded: bool | None


HeaderPairs = list[tuple[str, str]]
"""Headers or query parameters as (name, value) pairs, repeated names kept as separate entries."""

HeaderItems = Collection[tuple[str, str]]
"""A request's headers as the scope builder reads them: pairs, or a header map's ``items()``."""


class Request:
    """One HTTP request, as the scope builder needs it from any source.

    ``mount`` is a percent-encoded prefix the service routed on before the function (a REST API's
    stage), ``route`` the percent-encoded path after it; ``caller`` the client address the source
    reports; ``query`` the percent-encoded query string without ``?``; ``body`` the body as the event
    carries it (base64 text when ``body_base64``; ``None``, as some events send it, means false).

    The small values of the hot path are plain classes with ``__slots__``: a named tuple costs half
    as much again to create, per invocation, and several times as much to define, at import.
    """

    __slots__ = ("body", "body_base64", "caller", "headers", "method", "mount", "protocol", "query", "route")

    def __init__(
        self,
        method: str,
        protocol: str | None,
        mount: str,
        route: str,
        caller: str | None,
        headers: HeaderItems,
        query: str,
        body: str | None,
        body_base64: bool | None,
    ) -> None:
        self.method = method
        self.protocol = protocol
        self.mount = mount
        self.route = route
        self.caller = caller
        self.headers = headers
        self.query = query
        self.body = body
        self.body_base64 = body_base64

    def __repr__(self) -> str:
        return f"Request({self.method!r}, {self.mount!r}, {self.route!r}, query={self.query!r})"


class HttpEvent(Request):
    """One validated HTTP event, as the source-independent code needs it: its request, how its
    result is laid out (``response``), and the largest result the source accepts (``limit``, bytes).

    The event is its own request, one object rather than a request inside an event: a home builds
    it with its request's fields (``Request.__init__``) and sets the two of its result after, which
    saves creating a second object through a Python ``__init__`` on every invocation (about 1.8K
    instructions).
    """

    __slots__ = ("limit", "response")

    response: ResponseShape
    limit: int

    @property
    def request(self) -> Request:
        """The request (the event itself), for code that reads it as a part of the event."""
        return self


if TYPE_CHECKING:
    # Annotations only (never evaluated): no TypeVar is made at import.
    RequestKind = TypeVar("RequestKind", bound=Request)
    """The class a home's reader builds: :class:`Request`, or :class:`HttpEvent` on the hot path."""


# --- headers -------------------------------------------------------------------------------------


class MultiValueItems(Collection[tuple[str, str]]):
    """The (name, value) pairs of a multi-value header map, each value its own pair, in order.

    A view of the map rather than a list of pairs: the scope builder encodes the map's values in
    the same pass that walks it (:func:`mangum._http.scope.asgi_headers`), instead of pairing them
    first and walking the pairs again (about 1K instructions per header).
    """

    __slots__ = ("values_by_name",)

    def __init__(self, values_by_name: Mapping[str, list[str]]) -> None:
        self.values_by_name = values_by_name

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for name, values in self.values_by_name.items():
            for value in values:
                yield name, value

    def __len__(self) -> int:
        return sum(map(len, self.values_by_name.values()))

    def __contains__(self, item: object) -> bool:
        return any(pair == item for pair in self)

    def __repr__(self) -> str:
        return f"MultiValueItems({self.values_by_name!r})"


def value_map_pairs(single: Mapping[str, str] | None, multi: Mapping[str, list[str]] | None) -> HeaderPairs:
    """Pairs from a source that sends a single-value and a multi-value map (REST, WebSocket, ALB):
    the multi-value map, which holds every value, when it is not empty; the single-value one otherwise."""
    if multi:
        return [(name, value) for name, values in multi.items() for value in values]
    return list(single.items()) if single else []


def single_values_unread(event: Mapping[str, object]) -> bool:
    """Whether ``event``'s ``headers`` map can be left out of its validation because nothing reads
    it: ``multiValueHeaders`` is a non-empty map, which :func:`value_map_pairs` reads instead (API
    Gateway fills ``headers`` from it), and ``headers`` is a map. A ``headers`` of any other type
    is left to the validator, which refuses it as before; the names and values inside a map that
    is not read are not checked (validating them costs about 650 instructions per header, and
    checking their types in Python as much)."""
    return (
        type(event.get("headers")) is dict
        and type(multi := event.get("multiValueHeaders")) is dict
        and bool(multi)
    )


def header_items(data: ValueMaps) -> HeaderItems:
    """Headers from ``multiValueHeaders`` (every value) or, without it, ``headers`` (the choice of
    :func:`value_map_pairs`; the multi-value map as a view of it)."""
    multi = data.get("multi_value_headers")
    if multi:
        return MultiValueItems(multi)
    single = data.get("headers")
    return list(single.items()) if single else []


def query_pairs(data: ValueMaps) -> HeaderPairs:
    """Query pairs as the event carries them (each source says whether still percent-encoded)."""
    return value_map_pairs(
        data.get("query_string_parameters"), data.get("multi_value_query_string_parameters")
    )


def with_cookies(headers: Mapping[str, str] | None, cookies: Sequence[str] | None) -> HeaderItems:
    """Payload 2.0 headers (repeated ones arrive comma-joined) with ``cookies`` as one ``cookie``
    header joined with ``"; "``, as a browser would have sent it."""
    if not cookies:
        return headers.items() if headers else ()
    if not headers:
        items = []
    elif _COOKIE_SPELLINGS.isdisjoint(headers):  # nearly always: one C loop over the names
        items = list(headers.items())
    else:
        items = [(name, value) for name, value in headers.items() if name not in _COOKIE_SPELLINGS]
    items.append(("cookie", "; ".join(cookies)))
    return items


_COOKIE_SPELLINGS = frozenset(map("".join, product("cC", "oO", "oO", "kK\u212a", "iI", "eE")))
"""Every name whose ``lower()`` is ``"cookie"``: each letter in either case, and the Kelvin sign,
which lower-cases to ``k`` (no other character lower-cases to one of these letters)."""


def first_value(pairs: Iterable[tuple[str, str]], name: str) -> str | None:
    """The first value of ``name`` (lower-case) among header pairs, compared case-insensitively."""
    for key, value in pairs:
        if key.lower() == name:
            return value
    return None


# --- query strings -------------------------------------------------------------------------------


def _fullmatcher(pattern: str) -> Callable[[str], bool]:
    """A test of whether a text matches ``pattern`` whole, compiled when first used: only payload
    1.0 sources re-encode a query, and compiling at import would cost every cold start."""
    compiled: Callable[[str], re.Match[str] | None] | None = None

    def matches(text: str) -> bool:
        nonlocal compiled
        if compiled is None:
            compiled = re.compile(pattern).fullmatch
        return compiled(text) is not None

    return matches


_NEEDS_NO_QUOTING = _fullmatcher(r"[A-Za-z0-9_.~-]*")
_PLAIN_PAIRS = _fullmatcher(r"[A-Za-z0-9_.~-]*=[A-Za-z0-9_.~-]*(?:&[A-Za-z0-9_.~-]*=[A-Za-z0-9_.~-]*)*")


def _quote_component(text: str) -> str:
    if _NEEDS_NO_QUOTING(text):
        return text
    from urllib.parse import quote  # when first needed: see mangum._http.scope

    # A lone surrogate (possible in JSON, impossible in UTF-8) becomes "?", as in every other
    # source's query and in header bytes, rather than failing the request.
    return quote(text, safe="", errors="replace")


def _plain_query(parts: list[str]) -> str | None:
    """``parts`` (``name=value`` texts of decoded pairs) joined with ``&`` when no component needs
    quoting, else ``None``. Nearly every query is plain, and one check over the joined text settles
    it: every ``&``-separated segment is ``name=value`` of unreserved characters, and there are as
    many ``=`` as parts (a component holding an ``=`` or an ``&`` of its own would add one)."""
    query = "&".join(parts)
    return query if _PLAIN_PAIRS(query) and query.count("=") == len(parts) else None


def encode_query(items: Sequence[tuple[str, str]]) -> str:
    """Percent-encode decoded (name, value) pairs into a query string (``%20`` for spaces)."""
    if not items:  # most requests: no query at all
        return ""
    plain = _plain_query([f"{name}={value}" for name, value in items])
    if plain is not None:
        return plain
    return "&".join(f"{_quote_component(name)}={_quote_component(value)}" for name, value in items)


def value_map_parts(single: Mapping[str, str] | None, multi: Mapping[str, list[str]] | None) -> list[str]:
    """``name=value`` for each of :func:`value_map_pairs`, built straight from the map (the pairs
    list cost about 6K instructions on a two-parameter query), neither encoded nor decoded."""
    if multi:
        return [f"{name}={value}" for name, values in multi.items() for value in values]
    return [f"{name}={value}" for name, value in single.items()] if single else []


def encode_value_maps(single: Mapping[str, str] | None, multi: Mapping[str, list[str]] | None) -> str:
    """:func:`encode_query` of :func:`value_map_pairs`, the plain case joined from
    :func:`value_map_parts`."""
    parts = value_map_parts(single, multi)
    if not parts:  # most requests: no query at all
        return ""
    plain = _plain_query(parts)
    return encode_query(value_map_pairs(single, multi)) if plain is None else plain


def decode_query(query: str) -> HeaderPairs:
    """Split a percent-encoded query string into decoded (name, value) pairs, blanks kept."""
    from urllib.parse import parse_qsl  # when first needed: see mangum._http.scope

    return parse_qsl(query, keep_blank_values=True)


def decode_pairs(items: Iterable[tuple[str, str]]) -> HeaderPairs:
    """Decode pairs that are still percent-encoded as received (ALB)."""
    from urllib.parse import unquote_plus  # when first needed: see mangum._http.scope

    return [(unquote_plus(name), unquote_plus(value)) for name, value in items]


# --- bodies --------------------------------------------------------------------------------------


def decode_body(body: str | None, is_base64_encoded: bool | None) -> bytes:
    """The raw request body: base64-decoded when the event says so, UTF-8 encoded otherwise;
    raises :class:`~mangum.exceptions.InvalidBody` when it is neither."""
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


def request_body(request: Request) -> bytes:
    """The body of ``request`` as bytes (see :func:`decode_body`)."""
    return decode_body(request.body, request.body_base64)
