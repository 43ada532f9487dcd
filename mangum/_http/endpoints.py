"""The ASGI ``client`` and ``server`` addresses, derived once for every HTTP source."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address

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


def _is_ip(text: str) -> bool:
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
