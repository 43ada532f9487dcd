"""Response streaming: an HTTP answer sent to Lambda piece by piece as the application produces it.

A streamed HTTP answer is Lambda's *HTTP integration response*: a JSON prelude (``statusCode``,
``headers``, ``cookies`` or ``multiValueHeaders``), eight NUL bytes, then the body as it comes.
Function URLs with ``InvokeMode: RESPONSE_STREAM`` and API Gateway REST APIs whose integration uses
``ResponseTransferMode: STREAM`` read it; :meth:`mangum.Mangum.stream` writes it through the
exchange's streamed target (:class:`mangum.streaming.response.HttpStream`). Only the constants and
the sink protocol live here, so that the Runtime API server and client can name them without
importing the adapter.
"""

from typing import Protocol

HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response"
"""The content type of a streamed HTTP integration response."""

PRELUDE_DELIMITER = b"\0" * 8
"""What separates the JSON prelude from the body."""

STREAM_LIMIT = 200 * 1024 * 1024
"""Bytes Lambda accepts in one streamed response (prelude included)."""


class ResponseSink(Protocol):
    """Where :meth:`mangum.Mangum.stream` writes a streamed answer: for :mod:`mangum.runtime`, the
    chunked body of the ``/response`` request to Lambda's Runtime API."""

    def write(self, data: bytes) -> None:
        """Send ``data`` now as the next piece of the stream (the first write opens the stream)."""
        ...

    def fail(self, error: BaseException) -> None:
        """End the stream with Lambda's error trailers for ``error``; nothing is written after it."""
        ...
