"""Reading a streamed HTTP integration response: the JSON prelude, then the body as it arrives."""

from __future__ import annotations

import json
from typing import Any

from mangum.streaming import PRELUDE_DELIMITER


class PreludeError(ValueError):
    """The stream does not start with a JSON object followed by eight NUL bytes."""


class IntegrationResponseReader:
    """Fed the chunks of a streamed response in order, it finds the prelude and hands back the body.

    :attr:`prelude` is ``None`` until the delimiter has arrived; :meth:`feed` returns the body
    bytes each chunk carries (none before the delimiter).
    """

    def __init__(self) -> None:
        self.prelude: dict[str, Any] | None = None
        self._head = b""

    def feed(self, data: bytes) -> bytes:
        """The body bytes in ``data``; raises :class:`PreludeError` for a prelude that is not JSON."""
        if self.prelude is not None:
            return data
        self._head += data
        found = self._head.find(PRELUDE_DELIMITER)
        if found < 0:
            return b""
        try:
            prelude = json.loads(self._head[:found])
        except ValueError as error:
            raise PreludeError(f"the prelude is not JSON: {error}") from None
        if not isinstance(prelude, dict):
            raise PreludeError("the prelude is not a JSON object")
        self.prelude = prelude
        body = self._head[found + len(PRELUDE_DELIMITER) :]
        self._head = b""
        return body


def split_integration_response(stream: bytes) -> tuple[dict[str, Any], bytes]:
    """A whole streamed response as (prelude, body); raises :class:`PreludeError` without a prelude."""
    reader = IntegrationResponseReader()
    body = reader.feed(stream)
    if reader.prelude is None:
        raise PreludeError("the stream has no prelude delimiter")
    return reader.prelude, body
