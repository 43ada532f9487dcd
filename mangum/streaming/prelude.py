"""The JSON prelude of a streamed HTTP answer: the status and headers, shaped as the source reads them.

Pure, and written with the buffered responses' own header handling (``exclude_headers``, repeated
names, ``Set-Cookie``), so a streamed answer carries exactly the headers its buffered twin would:

- Function URL: ``statusCode``, ``headers`` (repeated names joined with ``", "``), ``cookies``;
- API Gateway REST API: ``statusCode``, ``headers`` and ``multiValueHeaders`` (repeated names,
  ``Set-Cookie`` among them), the payload 1.0 layout API Gateway's streaming format also takes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import ValidationError

from mangum.config import Config
from mangum.events.source_checks import is_api_gateway_v1
from mangum.http import response_shapes
from mangum.http.body_encoding import EMPTY_BODY

# The buffered path's translation of a refused value into InvalidResponse, reused as is.
from mangum.http.response import _invalid_response
from mangum.http.response_headers import decode_headers
from mangum.responses import FunctionUrlResponse, LambdaResponse

if TYPE_CHECKING:
    from mangum.events.api_gateway_v1 import ApiGatewayV1Event
    from mangum.events.api_gateway_v2 import FunctionUrlEvent

_BODY_FIELDS = ("body", "isBase64Encoded")


def encode_prelude(
    event: FunctionUrlEvent | ApiGatewayV1Event,
    status: int,
    headers: list[tuple[bytes, bytes]],
    config: Config,
) -> bytes:
    """The prelude for a response to ``event``, as compact JSON bytes.

    Raises :class:`~mangum.exceptions.InvalidResponse` for a status outside 100-599 or a header
    with CR or LF, as the buffered path does.
    """
    decoded = decode_headers(headers, config.exclude_headers).headers
    model: LambdaResponse
    try:
        if is_api_gateway_v1(event):
            model = response_shapes.api_gateway_v1(status, decoded, EMPTY_BODY)
        else:
            model = response_shapes.api_gateway_v2(FunctionUrlResponse, status, decoded, EMPTY_BODY)
    except ValidationError as error:
        raise _invalid_response(error) from None
    fields = model.to_lambda()
    for name in _BODY_FIELDS:
        fields.pop(name, None)
    return json.dumps(fields, separators=(",", ":")).encode()
