"""The Runtime API over one keep-alive HTTP/1.1 connection (``http.client``).

Requests go one at a time, as Lambda runs one invocation at a time in an execution environment.
A streamed answer is one ``POST .../response`` with ``Transfer-Encoding: chunked`` and
``Lambda-Runtime-Function-Response-Mode: streaming``: each :meth:`StreamedResponse.write` sends one
chunk at once, and an error after the stream started is reported in its trailers.
"""

from __future__ import annotations

import http.client
import json
import logging
from dataclasses import dataclass
from email.message import Message as HeaderMap

from mangum.runtime.errors import ERROR_BODY_TRAILER, ERROR_TYPE_HEADER, error_trailers

API_VERSION = "2018-06-01"
_SEPARATE_WRITE = 64 * 1024
"""Chunks at least this large are sent without copying them behind their size line."""

logger = logging.getLogger("mangum.runtime")


class RuntimeApiError(Exception):
    """The Runtime API could not be reached, or answered in a way the runtime cannot go on from."""


@dataclass(frozen=True, slots=True)
class NextInvocation:
    """An invocation received from ``/invocation/next``: its id, raw event and response headers."""

    request_id: str
    event: bytes
    headers: HeaderMap


class RuntimeApiClient:
    """A client of the Runtime API at ``address`` (``host:port``, as in ``AWS_LAMBDA_RUNTIME_API``)."""

    def __init__(self, address: str) -> None:
        host, colon, port = address.rpartition(":")
        if not colon or not port.isdigit():
            raise RuntimeApiError(f"AWS_LAMBDA_RUNTIME_API must be host:port, not {address!r}")
        # No timeout: /next waits for as long as the environment has no invocation (and may be frozen).
        self.connection = http.client.HTTPConnection(host, int(port))
        self.prefix = f"/{API_VERSION}/runtime"

    def _exchange(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, HeaderMap, bytes]:
        try:
            self.connection.request(method, path, body, headers or {})
            response = self.connection.getresponse()
            return response.status, response.headers, response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            raise RuntimeApiError(f"{method} {path} failed: {error!r}") from error

    def next_invocation(self) -> NextInvocation:
        """Wait for the next invocation."""
        path = f"{self.prefix}/invocation/next"
        status, headers, body = self._exchange("GET", path)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        if status != 200 or not request_id:
            raise RuntimeApiError(f"GET {path} answered {status}: {body[:500]!r}")
        return NextInvocation(request_id, body, headers)

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        status, _, answer = self._exchange("POST", path, body, headers)
        if status >= 500:
            raise RuntimeApiError(f"POST {path} answered {status}: {answer[:500]!r}")
        if status != 202:
            logger.error("POST %s answered %s: %s", path, status, answer[:500].decode("utf-8", "replace"))
        return status

    def post_response(self, request_id: str, body: bytes, content_type: str = "application/json") -> int:
        """Post a buffered result; returns the status (202, or 413 for a result too large)."""
        path = f"{self.prefix}/invocation/{request_id}/response"
        return self._post(path, body, {"Content-Type": content_type})

    def post_error(self, request_id: str, payload: dict[str, object]) -> None:
        """Report that the invocation failed."""
        self._post_error(f"{self.prefix}/invocation/{request_id}/error", payload)

    def post_init_error(self, payload: dict[str, object]) -> None:
        """Report that the function could not be initialised."""
        self._post_error(f"{self.prefix}/init/error", payload)

    def _post_error(self, path: str, payload: dict[str, object]) -> None:
        headers = {"Content-Type": "application/json", ERROR_TYPE_HEADER: str(payload.get("errorType", ""))}
        self._post(path, json.dumps(payload).encode(), headers)

    def open_stream(self, request_id: str, content_type: str) -> StreamedResponse:
        """A streamed answer to ``request_id``, sent from its first :meth:`~StreamedResponse.write`."""
        return StreamedResponse(self, request_id, content_type)


class StreamedResponse:
    """A :class:`~mangum.streaming.ResponseSink` on the Runtime API: one chunked ``/response``.

    Nothing is sent until the first write. :meth:`finish` (or :meth:`fail`) sends the last chunk
    and reads the API's answer. A broken connection raises :class:`RuntimeApiError` from the write
    that met it; the stream is then over and later calls do nothing.
    """

    def __init__(self, client: RuntimeApiClient, request_id: str, content_type: str) -> None:
        self._client = client
        self._request_id = request_id
        self._content_type = content_type
        self.opened = False
        self.finished = False

    def _send(self, data: bytes) -> None:
        try:
            self._client.connection.send(data)
        except OSError as error:
            self._broken()
            raise RuntimeApiError(f"the response stream broke off: {error!r}") from error

    def _broken(self) -> None:
        self.finished = True
        self._client.connection.close()

    def _open(self) -> None:
        connection = self._client.connection
        path = f"{self._client.prefix}/invocation/{self._request_id}/response"
        try:
            connection.putrequest("POST", path, skip_accept_encoding=True)
            connection.putheader("Content-Type", self._content_type)
            connection.putheader("Transfer-Encoding", "chunked")
            connection.putheader("Lambda-Runtime-Function-Response-Mode", "streaming")
            connection.putheader("Trailer", f"{ERROR_TYPE_HEADER}, {ERROR_BODY_TRAILER}")
            connection.endheaders()
        except (OSError, http.client.HTTPException) as error:
            self._broken()
            raise RuntimeApiError(f"POST {path} failed: {error!r}") from error
        self.opened = True

    def write(self, data: bytes) -> None:
        """Send ``data`` as one chunk now (an empty write only opens the stream)."""
        if self.finished:
            return
        if not self.opened:
            self._open()
        if not data:
            return
        size_line = b"%X\r\n" % len(data)
        if len(data) >= _SEPARATE_WRITE:
            self._send(size_line)
            self._send(data)
            self._send(b"\r\n")
        else:
            self._send(size_line + data + b"\r\n")

    def fail(self, error: BaseException) -> None:
        """End the stream with the error trailers for ``error``."""
        if not self.finished:
            if not self.opened:
                self._open()
            self.finish(error_trailers(error, self._request_id))

    def finish(self, trailers: bytes = b"") -> None:
        """Send the last chunk (with ``trailers``) and read the API's answer."""
        if self.finished:
            return
        if not self.opened:
            self._open()
        self._send(b"0\r\n" + trailers + b"\r\n")
        self.finished = True
        try:
            response = self._client.connection.getresponse()
            status, answer = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            self._client.connection.close()
            raise RuntimeApiError(f"the streamed response was not acknowledged: {error!r}") from error
        if status >= 500:
            raise RuntimeApiError(f"the streamed response was answered {status}: {answer[:500]!r}")
        if status != 202:
            logger.error(
                "the streamed response was answered %s: %s", status, answer[:500].decode("utf-8", "replace")
            )
