"""``root_path``, ``path`` and ``raw_path`` of an HTTP scope, computed the same way for every source.

Every source reduces its request path to two percent-encoded parts (see :mod:`mangum._http.scope`):
the *mount*, a prefix the service routed on before the function (the REST API stage), and the
*route*, the path as the service passes it on. The configured ``api_gateway_base_path`` then moves
from the start of the route into the mount, segment-wise (``/api`` matches ``/api`` and ``/api/x``,
never ``/apix``). The scope's ``root_path`` is the decoded mount; ``path`` is the decoded mount plus
the rest of the route (``/`` when nothing is left), so it includes ``root_path`` as the ASGI
specification asks, and ``path`` minus ``root_path`` is exactly the path PyPI mangum routes.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

SAFE_PATH_CHARS = "/%!$&'()*+,;=:@~-._"
"""Characters kept as they are in ``raw_path``: the path delimiters RFC 3986 allows unescaped, and
``%`` so that a path already percent-encoded is not encoded twice."""


ScopePath = tuple[str, str, bytes]
"""The three path keys of an ASGI HTTP scope: ``root_path``, ``path`` and ``raw_path``."""


def decode_path(path: str) -> str:
    """``path`` percent-decoded (invalid escapes kept as they are)."""
    # unquote() returns text without "%" unchanged; testing first skips the call on almost every path.
    return unquote(path) if "%" in path else path


_ALREADY_ENCODED = re.compile(r"[A-Za-z0-9/%!$&'()*+,;=:@~._-]*").fullmatch


def encode_path(path: str) -> str:
    """``path`` percent-encoded as on the wire; already-encoded escapes and delimiters are kept."""
    if _ALREADY_ENCODED(path):
        return path
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
    if not requested_path:
        return ""
    requested = decode_path(requested_path)
    routed = decode_path(routed_path if routed_path[:1] == "/" else "/" + routed_path)
    if len(requested) > len(routed) and requested.endswith(routed):
        return encode_path(requested[: len(requested) - len(routed)])
    if routed == "/" and requested.startswith("/") and not requested.endswith("/"):
        return encode_path(requested)
    return ""


def scope_path(mount: str, route: str, base_path: str) -> ScopePath:
    """The scope's paths from a percent-encoded mount prefix and route (see the module docs); a
    route without its leading ``/`` (``""``, or ``foo`` from a hand-written event) is given one."""
    if route[:1] != "/":
        route = "/" + route
    if not mount and not base_path and "%" not in route and _ALREADY_ENCODED(route):
        # Most requests: nothing to move into root_path, nothing to decode or encode.
        return "", route, route.encode("ascii")
    base, rest = split_base_path(route, base_path)
    root = mount + base
    full = root + (rest or "/")
    return decode_path(root), decode_path(full), encode_path(full).encode("ascii")
