"""The JSON prelude of a streamed HTTP answer: the status and headers, shaped as the source reads them.

Pure. It is the buffered result of the same status and headers with an empty body, less the body
fields, so a streamed answer carries exactly the headers its buffered twin would (``exclude_headers``,
repeated names, ``Set-Cookie``), validated the same way:

- Function URL: ``statusCode``, ``headers`` (repeated names joined with ``", "``), ``cookies``;
- API Gateway REST API: ``statusCode``, ``headers`` and ``multiValueHeaders`` (repeated names,
  ``Set-Cookie`` among them), the payload 1.0 layout API Gateway's streaming format also takes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mangum._http.response import CollectedResponse, build_result

if TYPE_CHECKING:
    from mangum._sources.registry import HttpEvent
    from mangum.config import Config

_BODY_FIELDS = ("body", "isBase64Encoded")


def encode_prelude(
    http_event: HttpEvent, status: int, headers: list[tuple[bytes, bytes]], config: Config
) -> bytes:
    """The prelude for a response to ``http_event``, as compact JSON bytes.

    Raises :class:`~mangum.exceptions.InvalidResponse` for a status outside 100-599 or a header
    with CR or LF, as the buffered path does.
    """
    fields = build_result(http_event.response, http_event.limit, CollectedResponse(status, headers), config)
    for name in _BODY_FIELDS:
        fields.pop(name, None)
    return json.dumps(fields, separators=(",", ":")).encode()
