"""The shared secret of ``serve``'s Management API, on by default when it listens beyond loopback.

On loopback only this machine reaches the server. With ``--host 0.0.0.0`` every machine that can
reach it could post into, read and close any connection whose id it learns (ids are in the log), so
the Management API then asks for a key: ``--management-key KEY`` (or ``MANGUM_SERVE_MANAGEMENT_KEY``),
else a random one printed at startup; ``none`` turns it off. A request is let through when it
carries the key

- in the ``X-Mangum-Management-Key`` header (curl, scripts), or
- as the access key id of its SigV4 ``Authorization`` header, as AWS requires every Management API
  request to be signed: ``serve`` gives its workers the key as ``AWS_ACCESS_KEY_ID`` when the
  environment has no credentials of its own, so that the function's boto3 calls pass unchanged
  (with credentials in the environment, their ``AWS_ACCESS_KEY_ID`` is accepted as well).

Anything else is answered as API Gateway answers an unsigned request: 403 ``Missing Authentication
Token``.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable, Mapping

KEY_HEADER = b"x-mangum-management-key"
KEY_VARIABLE = "MANGUM_SERVE_MANAGEMENT_KEY"
_SIGV4 = "AWS4-HMAC-SHA256"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (``--host``) is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def management_key(option: str | None, host: str, environ: Mapping[str, str]) -> str | None:
    """The key in force: the option's, else the variable's (``none``: no key), else a new random one
    when ``host`` is beyond loopback, else none."""
    given = option or environ.get(KEY_VARIABLE)
    if given:
        return None if given.lower() == "none" else given
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def _signing_key_id(authorization: str) -> str | None:
    """The access key id of a SigV4 ``Authorization`` value (``Credential=ID/date/...``)."""
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme != _SIGV4:
        return None
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        if name == "Credential":
            return value.partition("/")[0]
    return None


class ManagementGuard:
    """Lets through Management API requests that carry ``key`` (see the module docs); with no key,
    every request. ``signing_ids`` are other access key ids accepted in a SigV4 signature."""

    def __init__(self, key: str | None, signing_ids: Iterable[str] = ()) -> None:
        self.key = key
        self._ids = tuple(found for found in (key, *signing_ids) if found)

    def allows(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        """Whether a request with these (ASGI) headers may use the Management API."""
        if self.key is None:
            return True
        for name, value in headers:
            name = name.lower()
            if name == KEY_HEADER and hmac.compare_digest(value, self.key.encode()):
                return True
            if name == b"authorization":
                found = _signing_key_id(value.decode("latin-1"))
                if found is not None and any(
                    hmac.compare_digest(found.encode("latin-1"), known.encode()) for known in self._ids
                ):
                    return True
        return False
