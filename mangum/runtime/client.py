"""The Runtime API over one keep-alive HTTP/1.1 connection (:mod:`mangum.runtime.connection`).

Requests go one at a time, as Lambda runs one invocation at a time in an execution environment.
A streamed answer is one ``POST .../response`` with ``Transfer-Encoding: chunked`` and
``Lambda-Runtime-Function-Response-Mode: streaming``: each :meth:`StreamedResponse.write` sends one
chunk at once, and an error after the stream started is reported in its trailers.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from mangum.runtime.connection import Answer, Connection
from mangum.runtime.errors import ERROR_BODY_TRAILER, ERROR_TYPE_HEADER, error_trailers

API_VERSION = "2018-06-01"
_SEPARATE_WRITE = 64 * 1024
"""Chunks at least this large are sent without copying them behind their size line."""

logger = logging.getLogger("mangum.runtime")


class RuntimeApiError(Exception):
    """The Runtime API could not be reached, or answered in a way the runtime cannot go on from;
    ``status`` is the API's answer when it gave one (a 5xx: the environment is broken)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class StreamBroken(RuntimeApiError):
    """A streamed response's connection broke while it was written: that invocation's answer is
    lost, but the API may still be there for the next one."""


PIPELINING_VARIABLE = "MANGUM_RUNTIME_API_PIPELINING"
"""Set to ``1`` by an emulator whose Runtime API reads pipelined requests (``python -m mangum serve``):
the runtime then sends its next ``GET /next`` in the same write as each buffered answer (see
:meth:`RuntimeApiClient.post_response`). Lambda does not set it: there the runtime does not pipeline."""
PIPELINED_NEXT_HEADER = "Mangum-Pipelined-Next"
"""Sent with a buffered answer whose ``GET /next`` follows on the same connection: the emulator may
hold its ``202`` and send it with the next invocation (one wake-up of the runtime instead of two)."""

_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
"""A request id the runtime puts into a request line: Lambda's are UUIDs."""


@dataclass(frozen=True, slots=True)
class NextInvocation:
    """An invocation received from ``/invocation/next``: its id, raw event and the answer's headers
    (by lower-cased name)."""

    request_id: str
    event: bytes
    headers: dict[str, str]


def _summary(answer: Answer) -> str:
    return answer.body[:500].decode("utf-8", "replace")


class RuntimeApiClient:
    """A client of the Runtime API at ``address`` (``host:port``, as in ``AWS_LAMBDA_RUNTIME_API``)."""

    def __init__(self, address: str, *, pipelining: bool = False) -> None:
        host, colon, port = address.rpartition(":")
        if not colon or not port.isdigit():
            raise RuntimeApiError(f"AWS_LAMBDA_RUNTIME_API must be host:port, not {address!r}")
        # No timeout: /next waits for as long as the environment has no invocation (and may be frozen).
        self.connection = Connection(host, int(port))
        self.prefix = f"/{API_VERSION}/runtime"
        self._next_path = f"{self.prefix}/invocation/next"
        self.pipelining = pipelining
        """Whether buffered answers carry the next ``GET /next`` (:data:`PIPELINING_VARIABLE`)."""
        self._next_sent = False

    def _exchange(self, method: str, path: str, headers: str = "", body: bytes = b"") -> Answer:
        try:
            return self.connection.request(method, path, headers, body)
        except OSError as error:
            raise RuntimeApiError(f"{method} {path} failed: {error!r}") from error

    def next_invocation(self) -> NextInvocation:
        """Wait for the next invocation (asked for already when the last answer carried the request)."""
        if self._next_sent:
            self._next_sent = False
            try:
                answer = self.connection.answer()
            except OSError as error:
                raise RuntimeApiError(f"GET {self._next_path} failed: {error!r}") from error
        else:
            answer = self._exchange("GET", self._next_path)
        if answer.status != 200:
            raise RuntimeApiError(f"GET {self._next_path} answered {answer.status}: {_summary(answer)}")
        request_id = answer.headers.get("lambda-runtime-aws-request-id")
        # The body is the event: what it holds stays out of the log.
        if not request_id:
            raise RuntimeApiError(
                f"GET {self._next_path} answered an event ({len(answer.body)} bytes) without a "
                "Lambda-Runtime-Aws-Request-Id header: there is no invocation to answer"
            )
        if not _REQUEST_ID.fullmatch(request_id):
            raise RuntimeApiError(
                f"GET {self._next_path} answered the request id {request_id[:64]!r}, which is not one "
                "(letters, digits, '.', '_', ':', '-', at most 128) that can go into a request path"
            )
        return NextInvocation(request_id, answer.body, answer.headers)

    def _post(self, path: str, headers: str, body: bytes) -> int:
        return self._checked(path, self._exchange("POST", path, headers, body))

    def _checked(self, path: str, answer: Answer) -> int:
        """The status of the answer to a ``POST``: a 5xx raises, anything but 202 is logged."""
        if answer.status >= 500:
            raise RuntimeApiError(f"POST {path} answered {answer.status}: {_summary(answer)}", answer.status)
        if answer.status != 202:
            logger.error("POST %s answered %s: %s", path, answer.status, _summary(answer))
        return answer.status

    @property
    def next_requested(self) -> bool:
        """Whether the next ``GET /next`` went out with the last answer (:meth:`post_response`)."""
        return self._next_sent

    def post_response(
        self,
        request_id: str,
        body: bytes,
        content_type: str = "application/json",
        *,
        then_next: Callable[[], bool] | None = None,
    ) -> int:
        """Post a buffered result; returns the status (202, or 413 for a result too large).

        With :attr:`pipelining`, when ``then_next()`` says the runtime goes on, a result Lambda
        accepts goes out in one write with the next ``GET /next``, whose answer
        :meth:`next_invocation` then reads: the API has that request before the next invocation
        comes, and the runtime is not woken up in between. (A result over the limit is not
        pipelined: its 413 is followed by the invocation's error.)"""
        path = f"{self.prefix}/invocation/{request_id}/response"
        headers = f"Content-Type: {content_type}\r\n"
        if not self.pipelining or self._next_sent or then_next is None:
            return self._post(path, headers, body)
        from mangum._http.response import LAMBDA_RESPONSE_LIMIT  # here: Lambda never pipelines

        if len(body) > LAMBDA_RESPONSE_LIMIT or not then_next():
            return self._post(path, headers, body)
        connection = self.connection
        posted = connection.encode("POST", path, f"{headers}{PIPELINED_NEXT_HEADER}: 1\r\n", body)
        try:
            connection.send(posted + connection.encode("GET", self._next_path))
            answer = connection.answer()
        except OSError as error:
            raise RuntimeApiError(f"POST {path} failed: {error!r}") from error
        self._next_sent = connection.open
        return self._checked(path, answer)

    def post_error(self, request_id: str, payload: dict[str, object]) -> None:
        """Report that the invocation failed."""
        self._post_error(f"{self.prefix}/invocation/{request_id}/error", payload)

    def post_init_error(self, payload: dict[str, object], error_type: str | None = None) -> None:
        """Report that the function could not be initialised (``error_type``, when given, is the
        header's type in place of the payload's: ``Runtime.BeforeSnapshotError``)."""
        self._post_error(f"{self.prefix}/init/error", payload, error_type)

    def restore_next(self) -> None:
        """SnapStart: tell Lambda that init and the before-snapshot hooks are done. Lambda takes the
        snapshot while this waits; it answers in each environment restored from the snapshot."""
        path = f"{self.prefix}/restore/next"
        answer = self._exchange("GET", path)
        if answer.status != 200:
            raise RuntimeApiError(f"GET {path} answered {answer.status}: {_summary(answer)}")

    def post_restore_error(self, payload: dict[str, object]) -> None:
        """SnapStart: report that an after-restore hook failed (``Runtime.AfterRestoreError``)."""
        self._post_error(f"{self.prefix}/restore/error", payload, "Runtime.AfterRestoreError")

    def _post_error(self, path: str, payload: dict[str, object], error_type: str | None = None) -> None:
        error_type = str(error_type or payload.get("errorType", "")).replace("\r", " ").replace("\n", " ")
        headers = f"Content-Type: application/json\r\n{ERROR_TYPE_HEADER}: {error_type}\r\n"
        self._post(path, headers, json.dumps(payload).encode())

    def open_stream(self, request_id: str, content_type: str) -> StreamedResponse:
        """A streamed answer to ``request_id``, sent from its first :meth:`~StreamedResponse.write`."""
        return StreamedResponse(self, request_id, content_type)


class StreamedResponse:
    """A :class:`~mangum.streaming.ResponseSink` on the Runtime API: one chunked ``/response``.

    Nothing is sent until the first write. :meth:`finish` (or :meth:`fail`) sends the last chunk
    and reads the API's answer. A broken connection raises :class:`StreamBroken` from the write
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
            self.finished = True
            raise StreamBroken(f"the response stream broke off: {error!r}") from error

    def _open(self, first: bytes = b"") -> None:
        path = f"{self._client.prefix}/invocation/{self._request_id}/response"
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self._client.connection.host}\r\n"
            f"Content-Type: {self._content_type}\r\nTransfer-Encoding: chunked\r\n"
            "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
            f"Trailer: {ERROR_TYPE_HEADER}, {ERROR_BODY_TRAILER}\r\n\r\n"
        )
        self.opened = True
        self._send(head.encode("latin-1") + first)

    def write(self, data: bytes) -> None:
        """Send ``data`` as one chunk now (an empty write only opens the stream)."""
        if self.finished:
            return
        frame = b"%X\r\n" % len(data) if data else b""
        if len(data) >= _SEPARATE_WRITE:
            if not self.opened:
                self._open()
            self._send(frame)
            self._send(data)
            self._send(b"\r\n")
            return
        if data:
            frame += data + b"\r\n"
        if self.opened:
            self._send(frame)
        else:
            # The request's head and its first chunk in one write.
            self._open(frame)

    def fail(self, error: BaseException) -> None:
        """End the stream with the error trailers for ``error``."""
        self.finish(error_trailers(error, self._request_id))

    def finish(self, trailers: bytes = b"") -> None:
        """Send the last chunk (with ``trailers``) and read the API's answer."""
        if self.finished:
            return
        last = b"0\r\n" + trailers + b"\r\n"
        if self.opened:
            self._send(last)
        else:
            self._open(last)
        self.finished = True
        try:
            answer = self._client.connection.answer()
        except OSError as error:
            raise StreamBroken(f"the streamed response was not acknowledged: {error!r}") from error
        if answer.status >= 500:
            message = f"the streamed response was answered {answer.status}: {_summary(answer)}"
            raise RuntimeApiError(message, answer.status)
        if answer.status != 202:
            logger.error("the streamed response was answered %s: %s", answer.status, _summary(answer))
