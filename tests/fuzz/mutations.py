"""Mutations of real Lambda events, for the fuzz run (:mod:`tests.fuzz.events`).

Each mutation changes one event in place and says what it did, in a line that names the place and
the value (long values shortened). Generic mutations pick a place anywhere in the tree (delete a
key, null a value, change its JSON type, put an odd string there, add a field, nest deeply); the
others aim at the fields sources read: paths, methods, headers, query strings, cookies, bodies and
their base64 flag, ``version``, ``requestContext`` and the WebSocket route fields. A place the
event lacks is created, so that a mutation always does something.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import TypeAlias

from pydantic import JsonValue

from tests.fuzz.tree import (
    CF_REQUEST,
    Path,
    Subject,
    any_place,
    assign,
    chosen,
    get,
    is_cloudfront,
    pick,
    place_name,
    put,
    remove,
    shown,
)

Mutation: TypeAlias = Callable[[Subject, random.Random], str]

HUGE = "x" * 100_000
ODD_STRINGS: tuple[str, ...] = (
    "\ud800", "a\udfffb", "\x00", "a\x00b", HUGE, "%", "%zz", "%%", "%2", "%00", "%ff%fe",
    "&=;,+", "a=b&c=d;e,f+g", "é☃𝄞", "\u2028", "\r\n", "a\rb", " ", "", "null", "0", "..",
)  # fmt: skip
ODD_PATHS: tuple[str, ...] = (
    "no-slash", "/../../etc/passwd", "//double//slash", "", "/", "/a/%2e%2e/b", "/%zz", "/\ud800",
    "?q=1", "/a#frag", "\\win\\path", "/a b", "/é", "/a%2Fb", "/" + "a/" * 2000, "//", "/.",
)  # fmt: skip
ODD_METHODS: tuple[str, ...] = (
    "", "get", "PURGE", "G E T", "\x00", "CONNECT", "TRACE", "OPTIONS", "HEAD", "G\r\nET", "é", "\ud800",
)  # fmt: skip
ODD_HEADERS: tuple[tuple[str, str], ...] = (
    ("X Space", "v"), ("a:b", "v"), ("UPPER-CASE", "V"), ("", "empty name"), ("ä", "ü"),
    ("x\x00y", "v"), ("\ud800", "v"), ("x-lone", "\udc80"), ("Content-Length", "-1"),
    ("content-length", "abc"), ("Content-Length", "99999999999999999999"), ("Host", ""),
    ("host", "a b"), ("Host", "\ud800"), ("Host", "[::1]:x"), ("Cookie", "a=1"), ("cookie", "=;;b"),
    ("Content-Type", "multipart/form-data; boundary="), ("content-type", "text/plain; charset=nope"),
    ("Transfer-Encoding", "chunked"), ("X-Forwarded-Proto", "gopher"),
    ("X-Forwarded-For", "not-an-ip, , ::1"), ("X-Forwarded-Port", "99999"),
    ("x-forwarded-port", "abc"), ("Sec-WebSocket-Protocol", "a, , b\r\nc"),
    ("sec-websocket-protocol", "\ud800, chat"), ("x-crlf", "a\r\nSet-Cookie: evil=1"),
)  # fmt: skip
ODD_COOKIES: tuple[JsonValue, ...] = (
    "",
    "=",
    "a",
    "a=b; c",
    "\ud800=1",
    ";;;",
    "a=%zz",
    "é=ü",
    "a=\x00",
    1,
    None,
)
BAD_BASE64: tuple[str, ...] = (
    "not base64!",
    "abc",
    "=",
    "====",
    "YQ",
    "YQ=",
    "\ud800",
    "ÿÿ",
    "a b c",
    "Zm9v\n",
)
EXTRA_KEYS: tuple[str, ...] = ("unknownField", "x-extra", "", "\ud800", "requestContext2", "__proto__")
WEBSOCKET_VALUES: dict[str, tuple[JsonValue, ...]] = {
    "eventType": ("CONNECT", "MESSAGE", "DISCONNECT", "connect", "PING", "", None, 1),
    "routeKey": ("$connect", "$disconnect", "$default", "", "\ud800", "chat", None),
    "connectionId": ("", "x", "\ud800", "a/b", "../..", "=" * 200, "a b", None),
    "stage": ("", "a/b", "\ud800", "..", None),
    "messageDirection": ("OUT", "", None),
}
PATH_PLACES: tuple[Path, ...] = (
    ("path",), ("rawPath",), ("requestContext", "path"), ("requestContext", "http", "path"),
    ("Records", 0, "cf", "request", "uri"), ("requestContext", "resourcePath"), ("resource",),
)  # fmt: skip
METHOD_PLACES: tuple[Path, ...] = (
    ("httpMethod",), ("requestContext", "httpMethod"), ("requestContext", "http", "method"),
    ("Records", 0, "cf", "request", "method"),
)  # fmt: skip
MAP_PLACES: tuple[Path, ...] = (
    ("headers",), ("multiValueHeaders",), (*CF_REQUEST, "headers"), ("queryStringParameters",),
    ("multiValueQueryStringParameters",), ("rawQueryString",), (*CF_REQUEST, "querystring"), ("cookies",),
)  # fmt: skip
HEADER_PLACES: tuple[Path, ...] = MAP_PLACES[:3]
VALUES_BY_TYPE: dict[type, tuple[JsonValue, ...]] = {
    int: (0, -1, 1, 404, 2**63, 10**30),
    float: (0.5, -1e308, 1e-300, 3.0),
    bool: (True, False),
    str: ("", "0", "true", "null", "x"),
    list: ([], [1], ["a", "b"], [None]),
    dict: ({}, {"a": 1}, {"": None}),
}
"""Values of each JSON type, for replacing a value with one of another type."""


def fresh(value: JsonValue) -> JsonValue:
    """A copy of a constant, so that a later mutation of the event leaves the constant alone."""
    return copy.deepcopy(value)


def keyed(path: Path, value: JsonValue) -> bool:
    """Whether the place is a key of an object."""
    return isinstance(path[-1], str)


def delete_key(subject: Subject, rng: random.Random) -> str:
    """Delete a key anywhere."""
    path = pick(subject, rng, keyed)
    if path is None:
        return "delete nothing (no keys)"
    remove(subject, path)
    return f"delete {place_name(path)}"


def set_null(subject: Subject, rng: random.Random) -> str:
    """Set a value anywhere to null."""
    return assign(subject, any_place(subject, rng), None)


def retype(subject: Subject, rng: random.Random) -> str:
    """Replace a value anywhere with one of another JSON type."""
    path = any_place(subject, rng)
    current = type(get(subject.event, path))
    kind = rng.choice([kind for kind in VALUES_BY_TYPE if kind is not current])
    return assign(subject, path, fresh(rng.choice(VALUES_BY_TYPE[kind])))


def odd_string(subject: Subject, rng: random.Random) -> str:
    """Put an odd string (lone surrogate, NUL, 100 KB, percent signs, separators, non-ASCII) in place
    of a string value anywhere, or of a key."""
    text = rng.choice(ODD_STRINGS)
    renamed = pick(subject, rng, keyed) if rng.random() < 0.2 else None
    if renamed is not None:
        value = get(subject.event, renamed)
        remove(subject, renamed)
        put(subject, (*renamed[:-1], text), value)
        return f"rename {place_name(renamed)} to {shown(text)}"
    path = pick(subject, rng, lambda _, value: isinstance(value, str))
    return assign(subject, any_place(subject, rng) if path is None else path, text)


def extra_field(subject: Subject, rng: random.Random) -> str:
    """Add an unknown field to an object anywhere."""
    found = pick(subject, rng, lambda _, value: isinstance(value, dict))
    parent = () if found is None or rng.random() < 0.2 else found
    kind = rng.choice(list(VALUES_BY_TYPE))
    value = fresh(rng.choice(VALUES_BY_TYPE[kind]))
    return assign(subject, (*parent, rng.choice(EXTRA_KEYS)), value)


def bad_base64(subject: Subject, rng: random.Random) -> str:
    """A body that is not valid base64, flagged as base64."""
    data = rng.choice(BAD_BASE64)
    if is_cloudfront(subject):
        body: JsonValue = {"inputTruncated": False, "action": "read-only", "encoding": "base64", "data": data}
        return assign(subject, (*CF_REQUEST, "body"), body)
    put(subject, ("isBase64Encoded",), True)
    return "set isBase64Encoded to True and " + assign(subject, ("body",), data)


def flip_version(subject: Subject, rng: random.Random) -> str:
    """``version`` "1.0" made "2.0" and the other way round, else an odd version."""
    current = get(subject.event, ("version",))
    flipped = {"1.0": "2.0", "2.0": "1.0"}.get(current) if isinstance(current, str) else None
    return assign(subject, ("version",), flipped or rng.choice(("1.0", "2.0", "3.0", "", 2.0, None)))


def swap_request_context(subject: Subject, rng: random.Random) -> str:
    """The ``requestContext`` of another sample (another source's, mostly) in place of the event's."""
    own = get(subject.event, ("requestContext",))
    origin, context = rng.choice([(name, context) for name, context in subject.contexts if context != own])
    put(subject, ("requestContext",), fresh(context))
    return f"swap requestContext for that of {origin}"


def deep_nesting(subject: Subject, rng: random.Random) -> str:
    """Objects and lists nested hundreds of levels deep, anywhere or in a new field."""
    depth = rng.choice((100, 500, 900))
    value: JsonValue = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"n": value}
    path = any_place(subject, rng) if rng.random() < 0.5 else ("nested",)
    put(subject, path, value)
    return f"nest {depth} levels at {place_name(path)}"


def many_entries(subject: Subject, rng: random.Random) -> str:
    """Hundreds or thousands of headers, query parameters or cookies."""
    path = chosen(subject, rng, MAP_PLACES)
    count = rng.choice((100, 1000, 5000))
    names = [f"x-fuzz-{number}" for number in range(count)]
    key, existing = path[-1], get(subject.event, path)
    added: JsonValue
    if key in ("rawQueryString", "querystring"):
        query = "&".join(f"{name}={number}" for number, name in enumerate(names))
        added = f"{existing}&{query}" if isinstance(existing, str) and existing else query
    elif key == "cookies":
        added = [*(existing if isinstance(existing, list) else []), *(f"{name}=1" for name in names)]
    else:
        entries: dict[str, JsonValue] = {
            name: header_value(path, name, str(number)) for number, name in enumerate(names)
        }
        added = {**existing, **entries} if isinstance(existing, dict) else entries
    put(subject, path, added)
    return f"add {count} entries to {place_name(path)}"


def header_value(headers: Path, name: str, value: str) -> JsonValue:
    """A header's value as the header map at ``headers`` holds it (CloudFront's, multi-value, plain)."""
    if headers[:-1] == CF_REQUEST:
        return [{"key": name, "value": value}]
    if isinstance(headers[-1], str) and headers[-1].startswith("multiValue"):
        return [value]
    return value


def set_header(subject: Subject, rng: random.Random, name: str, value: str) -> str:
    """Put a header in one of the event's header maps, under the key that map uses."""
    path = chosen(subject, rng, HEADER_PLACES)
    key = name.lower() if path[:-1] == CF_REQUEST else name
    return assign(subject, (*path, key), header_value(path, name, value))


def odd_header(subject: Subject, rng: random.Random) -> str:
    """A header whose name has spaces, colons, capitals, NUL, a lone surrogate, or whose value is odd."""
    return set_header(subject, rng, *rng.choice(ODD_HEADERS))


def odd_cookies(subject: Subject, rng: random.Random) -> str:
    """Odd cookies: payload 2.0's ``cookies`` list (with values that are not text), or a Cookie header."""
    values = rng.sample(ODD_COOKIES, rng.randint(1, 4))
    if get(subject.event, ("version",)) == "2.0" or rng.random() < 0.3:
        return assign(subject, ("cookies",), fresh(list(values)))
    return set_header(subject, rng, "Cookie", "; ".join(str(value) for value in values))


def odd_path(subject: Subject, rng: random.Random) -> str:
    """A path without its leading slash, with ``..``, ``//``, percent signs, empty, very long."""
    return assign(subject, chosen(subject, rng, PATH_PLACES), rng.choice(ODD_PATHS))


def odd_method(subject: Subject, rng: random.Random) -> str:
    """An odd HTTP method: empty, lower case, unknown, with spaces, CR LF or NUL."""
    return assign(subject, chosen(subject, rng, METHOD_PLACES), rng.choice(ODD_METHODS))


def odd_websocket(subject: Subject, rng: random.Random) -> str:
    """An odd WebSocket ``eventType``, ``routeKey``, ``connectionId``, ``stage`` or direction."""
    field = rng.choice(sorted(WEBSOCKET_VALUES))
    return assign(subject, ("requestContext", field), fresh(rng.choice(WEBSOCKET_VALUES[field])))


MUTATIONS: tuple[Mutation, ...] = (
    delete_key, set_null, retype, odd_string, extra_field, bad_base64, flip_version,
    swap_request_context, deep_nesting, many_entries, odd_header, odd_cookies, odd_path, odd_method,
    odd_websocket,
)  # fmt: skip
"""Every mutation, chosen among with equal odds."""


def mutate(subject: Subject, rng: random.Random) -> list[str]:
    """One to four mutations of the subject's event, in place; what each did."""
    return [rng.choice(MUTATIONS)(subject, rng) for _ in range(rng.randint(1, 4))]
