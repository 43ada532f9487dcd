"""Credentials kept out of ``serve``'s log: the names the WebSocket connection store leaves out of
its records (:mod:`mangum.websocket.redaction`, ``MANGUM_WEBSOCKET_REDACT_HEADERS`` /
``MANGUM_WEBSOCKET_REDACT_QUERY``) are redacted from uvicorn's lines as well:

- query parameters (``token``, ``access_token``, ...) in the paths of the access lines, of the
  WebSocket lines, and of the handshake's request line at debug level;
- header values (``Authorization``, ``Cookie``, ``Sec-WebSocket-Protocol``, ...) of the handshake
  headers that the ``websockets`` protocol logs at debug level.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_plus

from mangum.websocket.redaction import Redaction

REDACTED = "[redacted]"
LOGGERS = ("uvicorn.access", "uvicorn.error")
"""uvicorn's loggers: the access lines, and the WebSocket lines and handshakes (``websockets``
logs through the logger uvicorn gives it)."""
_HEADER_LINES = frozenset({"< %s: %s", "> %s: %s"})


def redact_query(target: str, names: frozenset[str]) -> str:
    """``target`` (a path with its query) with the values of the parameters ``names`` lists
    (lower-case; matched in any case, percent-encoded or not) replaced by ``[redacted]``."""
    path, mark, query = target.partition("?")
    if not mark or not names:
        return target
    parts = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        parts.append(f"{name}={REDACTED}" if equals and unquote_plus(name).lower() in names else part)
    return f"{path}?{'&'.join(parts)}"


class SecretsFilter(logging.Filter):
    """Rewrites a record's arguments so that no listed query value or header value is shown."""

    def __init__(self, redaction: Redaction) -> None:
        super().__init__()
        self.redaction = redaction

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record's arguments in place; every record is kept."""
        arguments = record.args
        if not isinstance(arguments, tuple) or not arguments:
            return True
        if record.msg in _HEADER_LINES and len(arguments) == 2:
            if str(arguments[0]).lower() in self.redaction.headers:
                record.args = (arguments[0], REDACTED)
            return True
        record.args = tuple(
            redact_query(value, self.redaction.query)
            if isinstance(value, str) and value.startswith("/")
            else value
            for value in arguments
        )
        return True


def install(redaction: Redaction) -> None:
    """Filter uvicorn's loggers (after uvicorn configured its logging)."""
    secrets = SecretsFilter(redaction)
    for name in LOGGERS:
        logging.getLogger(name).addFilter(secrets)
