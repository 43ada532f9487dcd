"""What an HTTP/1.1 header field can carry (RFC 9110, section 5), as one rule for the response models
(:mod:`mangum.responses`) and for ``serve``'s gateway (:mod:`mangum.local.results`).

A field name is a *token*: letters, digits and ``!#$%&'*+-.^_`|~``, nothing else (no space, colon,
control character). A field value (a cookie, a status description) is any text without control
characters: horizontal tab is the only one allowed, so CR, LF and NUL are not. What breaks either
rule cannot be sent: an HTTP server refuses it (h11 raises ``LocalProtocolError`` and drops the
connection) and API Gateway answers the result with a 502.
"""

from __future__ import annotations

import re

TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
"""One or more token characters (RFC 9110, section 5.6.2)."""
FIELD_VALUE = r"[^\x00-\x08\x0a-\x1f\x7f]*"
"""Text without control characters other than horizontal tab."""

NAME_PATTERN = f"^{TOKEN}$"
"""A whole field name (the pattern the response models' schemas carry)."""
VALUE_PATTERN = f"^{FIELD_VALUE}$"
"""A whole field value."""

NAME_ERROR = (
    "header names must not contain CR or LF, spaces, colons or other characters outside RFC 9110 tokens"
)
VALUE_ERROR = "header values must not contain CR or LF or other control characters"

_NAME = re.compile(TOKEN)
_VALUE = re.compile(FIELD_VALUE)


def is_field_name(text: str) -> bool:
    """Whether ``text`` can be sent as a header name."""
    return _NAME.fullmatch(text) is not None


def is_field_value(text: str) -> bool:
    """Whether ``text`` can be sent as a header value."""
    return _VALUE.fullmatch(text) is not None
