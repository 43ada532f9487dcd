"""The ASGI scope of a request, built from the :class:`~mangum._http.request.Request` every source
reduces its event to. One builder serves HTTP (spec version 2.3) and WebSocket (2.5) scopes.

Paths (see ``docs/paths.md``): ``root_path`` is the mount point and ``path`` includes it, as uvicorn
>= 0.26 does, so frameworks route on ``path`` minus ``root_path`` (exactly the path PyPI mangum
routes) and generate URLs that include the mount (the paths section below).

Other keys: ``query_string`` is the request's percent-encoded query; ``headers`` are its header
pairs lower-cased and latin-1 encoded (UTF-8 for values latin-1 cannot hold); ``scheme`` comes from
``X-Forwarded-Proto`` (https by default); ``client`` from the address the source reports;
``server`` from ``Host`` and ``X-Forwarded-Port``; ``aws.event`` is the raw event object as
received and ``aws.context`` the Lambda context. The event model is built on demand from
``aws.event`` by :func:`mangum.events.event_of`.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mangum._http.request import MultiValueItems, Request

# urllib.parse and ipaddress are imported by the functions that need them, when first needed: the
# two cost a cold start about 12M instructions (a third of mangum's import and first call), and most
# requests need neither (a path without "%" or characters to encode, an IPv4 source address).

if TYPE_CHECKING:
    from mangum.config import Config
    from mangum.types import (
        ASGIVersions,
        ConnectionScope,
        HTTPScope,
        LambdaContext,
        LambdaEvent,
        WebSocketScope,
    )


# --- the paths -----------------------------------------------------------------------------------
# ``root_path``, ``path`` and ``raw_path`` of an HTTP scope, computed the same way for every source.
#
# Every source reduces its request path to two percent-encoded parts (see the scope below):
# the *mount*, a prefix the service routed on before the function (the REST API stage), and the
# *route*, the path as the service passes it on. The configured ``api_gateway_base_path`` then moves
# from the start of the route into the mount, segment-wise (``/api`` matches ``/api`` and ``/api/x``,
# never ``/apix``). The scope's ``root_path`` is the decoded mount; ``path`` is the decoded mount plus
# the rest of the route (``/`` when nothing is left), so it includes ``root_path`` as the ASGI
# specification asks, and ``path`` minus ``root_path`` is exactly the path PyPI mangum routes.

SAFE_PATH_CHARS = "/%!$&'()*+,;=:@~-._"
"""Characters kept as they are in ``raw_path``: the path delimiters RFC 3986 allows unescaped, and
``%`` so that a path already percent-encoded is not encoded twice."""


ScopePath = tuple[str, str, bytes]
"""The three path keys of an ASGI HTTP scope: ``root_path``, ``path`` and ``raw_path``."""


def decode_path(path: str) -> str:
    """``path`` percent-decoded (invalid escapes kept as they are)."""
    # unquote() returns text without "%" unchanged; testing first skips the call on almost every path.
    if "%" not in path:
        return path
    from urllib.parse import unquote

    return unquote(path)


_ENCODED_PATH_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/%!$&'()*+,;=:@~._-"
"""The characters a path may hold as it is sent: unreserved, sub-delimiters, ``/:@`` and ``%``."""


def _as_sent(path: str) -> bytes | None:
    """``path``'s bytes when it can be sent as it is (only :data:`_ENCODED_PATH_BYTES`), else ``None``."""
    # Deleting the allowed bytes leaves nothing exactly when the path holds no other character: as
    # fast as a compiled pattern's fullmatch, without compiling one (0.3M instructions of a cold start).
    if not path.isascii():
        return None
    raw = path.encode()
    return None if raw.translate(None, _ENCODED_PATH_BYTES) else raw


def _already_encoded(path: str) -> bool:
    return _as_sent(path) is not None


def encode_path(path: str) -> str:
    """``path`` percent-encoded as on the wire; already-encoded escapes and delimiters are kept."""
    if _already_encoded(path):
        return path
    if " " in path:
        # A space is the character a path most often needs encoded, and quote() costs about 20K
        # instructions: when spaces are all there is to encode, replacing them gives its answer.
        spaced = path.replace(" ", "%20")
        if _already_encoded(spaced):
            return spaced
    from urllib.parse import quote

    return quote(path, safe=SAFE_PATH_CHARS, errors="replace")


def split_base_path(route: str, base_path: str) -> tuple[str, str]:
    """(base part, rest) of a percent-encoded route, or ``("", route)`` when it is not under
    ``base_path`` (a normalised, decoded ``/segment[/segment…]`` or ``""``).

    The route's leading segments are compared decoded, so ``/caf%C3%A9`` is under ``/café``.
    """
    if not base_path:
        return "", route
    segments = base_path.count("/")
    parts = route.split("/", segments + 1)
    head = "/".join(parts[: segments + 1])
    if len(parts) <= segments or decode_path(head) != base_path:
        return "", route
    return head, route[len(head) :]


def stage_prefix(requested_path: str | None, routed_path: str) -> str:
    """What a REST API routed on before the function: the path the client requested minus the
    trailing path the event carries (``/prod`` for ``/prod/items`` and ``/items``), else ``""``.

    Both are compared decoded since API Gateway does not encode the two fields alike. A request for
    the bare stage (``/prod`` with event path ``/``) has the whole requested path as its prefix.
    """
    if not requested_path or requested_path == routed_path:
        # Nothing requested, or nothing before the route (a custom domain without a base path).
        return ""
    requested = decode_path(requested_path)
    routed = decode_path(routed_path if routed_path[:1] == "/" else "/" + routed_path)
    if len(requested) > len(routed) and requested.endswith(routed):
        return encode_path(requested[: len(requested) - len(routed)])
    if routed == "/" and requested.startswith("/") and not requested.endswith("/"):
        return encode_path(requested)
    return ""


_PATHS: dict[tuple[str, str, str], ScopePath] = {}
""":func:`scope_path` of the (mount, route, base path) already seen: an API's few routes repeat from
one invocation to the next, and a lookup costs about a tenth of computing them (3.7K instructions
for a plain ``/my/path``). The values are tuples of strings and bytes, which nothing can change."""
_PATHS_LIMIT = 512  # paths beyond this many (ids in the path) are computed every time


def remember_scope_path(mount: str, route: str, base_path: str) -> ScopePath:
    """:func:`scope_path`, computed and remembered (see :data:`_PATHS`; the scope looks it up
    there first, as :func:`name_bytes` is looked up)."""
    paths = scope_path(mount, route, base_path)
    if len(_PATHS) < _PATHS_LIMIT:
        _PATHS[(mount, route, base_path)] = paths
    return paths


def scope_path(mount: str, route: str, base_path: str) -> ScopePath:
    """The scope's paths from a percent-encoded mount prefix and route (see the module docs); a
    route without its leading ``/`` (``""``, or ``foo`` from a hand-written event) is given one."""
    if route[:1] != "/":
        route = "/" + route
    if not mount and not base_path and "%" not in route:
        # Most requests: nothing to move into root_path, nothing to decode and, nearly always,
        # nothing to encode (only ASCII passes, whose UTF-8 is the ASCII).
        raw = _as_sent(route)
        return "", route, encode_path(route).encode() if raw is None else raw
    base, rest = split_base_path(route, base_path)
    root = mount + base
    full = root + (rest or "/")
    return decode_path(root), decode_path(full), encode_path(full).encode("ascii")


# --- the client and server addresses -------------------------------------------------------------
# The ASGI ``client`` and ``server`` addresses, derived once for every HTTP source.

ASGIAddress = tuple[str, int]

UNKNOWN_PORT = 0
DEFAULT_PORTS: dict[str, int] = {"https": 443, "http": 80}


def _port(text: str) -> int | None:
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    port = int(text)
    return port if port <= 65535 else None


def split_host_port(text: str) -> tuple[str, int | None] | None:
    """``"host"``, ``"host:port"``, ``"[v6]"`` or ``"[v6]:port"`` as (host, port or ``None``).

    A bare IPv6 address (several colons, no brackets) is a host without a port. ``None`` when the
    port part is not a port number.
    """
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket:
            return None
        if not rest:
            return host, None
        if not rest.startswith(":"):
            return None
        port = _port(rest[1:])
        return (host, port) if port is not None else None
    if text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = _port(port_text)
        return (host, port) if port is not None else None
    return text, None


def _is_ipv4(text: str) -> bool:
    """Whether ``text`` is an IPv4 address as :func:`ipaddress.ip_address` reads one: four decimal
    octets of at most 255, without leading zeros."""
    octets = text.split(".")
    return len(octets) == 4 and all(
        octet == "0"
        or (octet.isascii() and octet.isdigit() and len(octet) <= 3 and octet[0] != "0" and int(octet) <= 255)
        for octet in octets
    )


def _is_ip(text: str) -> bool:
    if ":" not in text:  # the common case, an IPv4 address: answered without importing ipaddress
        return _is_ipv4(text)
    from ipaddress import ip_address

    try:
        ip_address(text)
    except ValueError:
        return False
    return True


# Pure functions of a few strings that repeat from one invocation to the next (the API's own host,
# returning clients): remembered rather than parsed again.
@lru_cache(maxsize=512)
def client_address(source_ip: str | None) -> ASGIAddress | None:
    """ASGI ``client`` from the caller address a source reports; ``None`` when it reports none.

    API Gateway sometimes reports ``"1.2.3.4/32"`` or ``"1.2.3.4:443"``: the CIDR suffix is dropped
    and a port is kept as the client port (0 when there is none). Anything that is not an IP address
    once reduced so (the console's ``"test-invoke-source-ip"``) is passed on exactly as received.
    """
    if not source_ip:
        return None
    if "/" not in source_ip and ":" not in source_ip:
        # Nothing to strip: an IPv4 address or a name, passed on either way without parsing it.
        return source_ip, UNKNOWN_PORT
    split = split_host_port(source_ip.partition("/")[0])
    if split is not None:
        host, port = split
        if _is_ip(host):
            return host, UNKNOWN_PORT if port is None else port
    return source_ip, UNKNOWN_PORT


def forwarded_client_ip(forwarded_for: str | None) -> str | None:
    """The left-most address of ``X-Forwarded-For``: the client as the first proxy saw it."""
    if not forwarded_for:
        return None
    first = forwarded_for.split(",", 1)[0].strip()
    return first or None


@lru_cache(maxsize=128)
def server_address(host: str | None, forwarded_port: str | None, scheme: str) -> ASGIAddress | None:
    """ASGI ``server`` from the ``Host`` header; ``None`` when the request names no host.

    The port is the one in ``Host`` when present, else ``X-Forwarded-Port`` (its first entry), else
    the scheme's default (443 for https, 80 for http).
    """
    if not host or not host.strip():
        return None
    text = host.strip()
    name, port = split_host_port(text) or (text, None)
    if port is None and forwarded_port:
        port = _port(forwarded_port.split(",", 1)[0])
    if port is None:
        port = DEFAULT_PORTS.get(scheme, DEFAULT_PORTS["https"])
    return name, port


# --- the scope -----------------------------------------------------------------------------------

HTTP_ASGI: ASGIVersions = {"version": "3.0", "spec_version": "2.3"}
WEBSOCKET_ASGI: ASGIVersions = {"version": "3.0", "spec_version": "2.5"}
DEFAULT_HTTP_VERSION = "1.1"

_HTTP_VERSIONS: dict[str | None, str] = {
    "HTTP/1.0": "1.0",
    "HTTP/1.1": "1.1",
    "HTTP/2": "2",
    "HTTP/2.0": "2",
    "HTTP/3": "3",
    "HTTP/3.0": "3",
}


def http_version(protocol: str | None) -> str:
    """ASGI ``http_version`` for a request-line protocol such as ``"HTTP/2.0"`` (``"2"``).

    Sources without a protocol field (ALB, CloudFront) and unknown values give ``"1.1"``.
    """
    if not protocol:
        return DEFAULT_HTTP_VERSION
    return _HTTP_VERSIONS.get(protocol) or _HTTP_VERSIONS.get(protocol.strip().upper(), DEFAULT_HTTP_VERSION)


_SCHEMES: dict[bytes, str] = {b"https": "https", b"http": "http"}


def request_scheme(forwarded_proto: bytes | None) -> str:
    """``"http"`` or ``"https"`` from ``X-Forwarded-Proto`` (its first entry); ``"https"`` otherwise.

    Every Lambda HTTP source terminates TLS in front of the function, so https is the default; a
    value other than http/https is ignored because an HTTP scope allows only those two.
    """
    if forwarded_proto:
        scheme = forwarded_proto.split(b",", 1)[0].strip().lower()
        if scheme == b"http":
            return "http"
    return "https"


def header_bytes(text: str) -> bytes:
    """``text`` as latin-1, the encoding of HTTP header bytes.

    Lambda hands headers over as decoded JSON strings, so a value may hold characters latin-1
    cannot represent (a client sent raw UTF-8 and the service decoded it). Those are encoded as
    UTF-8 instead, which gives the app back the bytes that were most likely on the wire, rather
    than failing the request; characters UTF-8 cannot encode either (lone surrogates) become ``?``.
    """
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace")


_NAME_BYTES: dict[str, bytes] = {}
"""Header names as received, each with its lower-cased latin-1 bytes: the same few dozen names
arrive with every request, and a lookup costs about a third of lowering and encoding one."""
_NAME_BYTES_LIMIT = 512  # names beyond this many (a client inventing names) are not remembered


def name_bytes(name: str) -> bytes:
    """A header name lower-cased and latin-1 encoded, remembered (see :data:`_NAME_BYTES`)."""
    encoded = name.lower().encode("latin-1")
    if len(_NAME_BYTES) < _NAME_BYTES_LIMIT:
        _NAME_BYTES[name] = encoded
    return encoded


def asgi_headers(items: Collection[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """ASGI ``headers``: names lower-cased, every value kept as its own entry, in order."""
    remembered = _NAME_BYTES.get
    try:
        # Nearly every request is plain latin-1: encode it without a call per header.
        if type(items) is MultiValueItems:
            # A multi-value map, encoded as it is walked (see MultiValueItems).
            return [
                (remembered(name) or name_bytes(name), value.encode("latin-1"))
                for name, values in items.values_by_name.items()
                for value in values
            ]
        return [(remembered(name) or name_bytes(name), value.encode("latin-1")) for name, value in items]
    except UnicodeEncodeError:
        return [(header_bytes(name.lower()), header_bytes(value)) for name, value in items]


@lru_cache(maxsize=128)
def _server(host: bytes | None, forwarded_port: bytes | None, scheme: str) -> ASGIAddress | None:
    # The header bytes as the cache key: the API's host repeats from one invocation to the next.
    return server_address(
        None if host is None else host.decode("latin-1"),
        None if forwarded_port is None else forwarded_port.decode("latin-1"),
        scheme,
    )


_ADDRESS_HEADERS = frozenset((b"host", b"x-forwarded-proto", b"x-forwarded-port"))
"""The headers the scope's ``scheme`` and ``server`` are read from."""


def connection_scope(
    request: Request, base_path: str, raw_event: LambdaEvent, context: LambdaContext | None
) -> ConnectionScope:
    """The keys HTTP and WebSocket scopes share, from ``request`` (``base_path``: the configured
    ``api_gateway_base_path``, normalised as :class:`~mangum.config.Config` keeps it)."""
    headers = asgi_headers(request.headers)
    # The first value of each header the scope reads, as get_header() would return it: a loop
    # that keeps only these costs about 1K instructions less than a dict of every header reversed.
    first: dict[bytes, bytes] = {}
    for name, value in headers:
        if name in _ADDRESS_HEADERS and name not in first:
            first[name] = value
    # The remembered paths looked up here, computed only when new: a call per lookup costs 0.4K.
    paths = _PATHS.get((request.mount, request.route, base_path))
    if paths is None:
        paths = remember_scope_path(request.mount, request.route, base_path)
    root_path, path, raw_path = paths
    forwarded_proto = first.get(b"x-forwarded-proto")
    # The two usual values from a table: request_scheme's call costs about 1.5K instructions.
    scheme = (
        "https"
        if forwarded_proto is None
        else _SCHEMES.get(forwarded_proto) or request_scheme(forwarded_proto)
    )
    protocol = request.protocol
    query = request.query
    return {
        # The table first: a call of http_version for the usual protocols costs 1K instructions.
        "http_version": _HTTP_VERSIONS.get(protocol) or http_version(protocol),
        "scheme": scheme,
        "path": path,
        "raw_path": raw_path,
        "root_path": root_path,
        "query_string": query.encode() if query.isascii() else query.encode("utf-8", errors="replace"),
        "headers": headers,
        "client": client_address(request.caller),
        "server": _server(first.get(b"host"), first.get(b"x-forwarded-port"), scheme),
        "aws.event": raw_event,
        "aws.context": context,
    }


def http_scope(
    request: Request, raw_event: LambdaEvent, context: LambdaContext | None, config: Config
) -> HTTPScope:
    """The ASGI HTTP scope of one request (see the module docs for each key's source)."""
    # The shared keys' dict, completed in place rather than copied into a new one (and typed so
    # without a call of cast(), about 0.4K instructions).
    scope: HTTPScope = connection_scope(request, config.api_gateway_base_path, raw_event, context)  # type: ignore[assignment]
    scope["type"] = "http"
    scope["asgi"] = {"version": "3.0", "spec_version": "2.3"}  # HTTP_ASGI, built: cheaper than a copy
    scope["method"] = request.method.upper()
    return scope


def with_state(scope: HTTPScope | WebSocketScope, state: dict[str, Any] | None) -> None:
    """Give ``scope`` the lifespan ``state`` of this invocation (a copy the application may change),
    when the application's lifespan started."""
    if state is not None:
        scope["state"] = state
