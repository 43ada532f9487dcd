"""The HTTP side of :class:`~mangum.local.runtime_api.RuntimeApiServer`: one handler per runtime
connection, routing the 2018-06-01 paths, reading bodies (chunked ones as they arrive) and
answering as Lambda's Runtime API answers."""

from __future__ import annotations

import json
import select
import socket
import struct
import sys
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from mangum._http.chunked import ChunkedBodyError, read_chunked
from mangum.local import limits
from mangum.local.invocations import FunctionError, Invocation, StreamedBody, truncated


class RuntimeApiState(Protocol):
    """What the HTTP side asks of the server whose state it serves
    (:class:`~mangum.local.runtime_api.RuntimeApiServer`). Declared here, not imported, so that the
    server's module imports this one and not the other way round."""

    def _next(self, gone: Callable[[], bool]) -> Invocation | None: ...
    def _claim(self, request_id: str) -> Invocation | None: ...
    def _complete(
        self,
        invocation: Invocation,
        *,
        streamed: bool,
        content_type: str | None,
        body: bytes | None,
        error: FunctionError | None,
    ) -> None: ...
    def _record_init_error(self, error: FunctionError) -> bool: ...
    def _record_restore(self) -> bool: ...
    def _record_restore_error(self, error: FunctionError, error_type: str | None) -> None: ...


API_PREFIX = "/2018-06-01/runtime"
STREAMING = "streaming"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A runtime that went away (ended, killed) is not an error of the server."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]  # typeshed: socket | tuple


def http_server(server: RuntimeApiState, host: str, port: int) -> ThreadingHTTPServer:
    """The threaded HTTP server answering for ``server`` on ``host:port``."""

    class Handler(_RuntimeApiHandler):
        api = server

    return _QuietServer((host, port), Handler)


class _RuntimeApiHandler(BaseHTTPRequestHandler):
    """One runtime connection; requests are handled in order, with keep-alive."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes: with Nagle's algorithm on, the second waits for
    # the runtime's delayed ACK (tens of milliseconds per request).
    disable_nagle_algorithm = True
    api: RuntimeApiState

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: every invocation is two requests."""

    def _answer(self, status: int, payload: Mapping[str, object], headers: Mapping[str, str] = {}) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _refuse(self, status: int, error_type: str, message: str) -> None:
        self._answer(status, {"errorType": error_type, "errorMessage": message})

    def _runtime_gone(self) -> bool:
        """Whether the runtime closed its end while waiting (its process ended, say)."""
        connection: socket.socket = self.connection
        if not select.select([connection], [], [], 0)[0]:
            return False
        try:
            return connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def do_GET(self) -> None:
        """``/invocation/next``, and SnapStart's ``/restore/next``."""
        if self.path == f"{API_PREFIX}/restore/next":
            self._restore_next()
            return
        if self.path != f"{API_PREFIX}/invocation/next":
            self._refuse(404, "NotFound", f"no such resource: GET {self.path}")
            return
        invocation = self.api._next(self._runtime_gone)
        if invocation is None:
            self.close_connection = True
            self._refuse(500, "Runtime.ServerClosed", "the Runtime API server is shutting down")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(invocation.event)))
        for name, value in invocation.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(invocation.event)

    def do_POST(self) -> None:
        """``/invocation/{id}/response``, ``/invocation/{id}/error``, ``/init/error`` and SnapStart's
        ``/restore/error``."""
        path = self.path
        if path == f"{API_PREFIX}/init/error":
            self._init_error()
            return
        if path == f"{API_PREFIX}/restore/error":
            self.api._record_restore_error(
                self._error(), self.headers.get("Lambda-Runtime-Function-Error-Type")
            )
            self._answer(202, {"status": "OK"})
            return
        prefix = f"{API_PREFIX}/invocation/"
        request_id, slash, action = path.removeprefix(prefix).partition("/")
        if not path.startswith(prefix) or not slash or action not in ("response", "error"):
            self._read_body(lambda data: None)
            self._refuse(404, "NotFound", f"no such resource: POST {path}")
            return
        invocation = self.api._claim(request_id)
        if invocation is None:
            self._read_body(lambda data: None)
            self._refuse(400, "InvalidRequestID", f"no invocation {request_id!r} is waiting for an answer")
            return
        if action == "error":
            self._invocation_error(invocation)
        elif self.headers.get("Lambda-Runtime-Function-Response-Mode", "").lower() == STREAMING:
            self._streamed_response(invocation)
        else:
            self._buffered_response(invocation)

    def _read_body(self, on_chunk: Callable[[bytes], None]) -> dict[str, str]:
        """Read the request body, chunk by chunk as it arrives; returns the trailers."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile, on_chunk)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            data = self.rfile.read(length)
            if len(data) != length:
                raise ChunkedBodyError("the connection closed inside the body")
            on_chunk(data)
        return {}

    def _whole_body(self) -> bytes:
        parts: list[bytes] = []
        self._read_body(parts.append)
        return b"".join(parts)

    def _error(self) -> FunctionError:
        return FunctionError.from_body(
            self._whole_body(), self.headers.get("Lambda-Runtime-Function-Error-Type")
        )

    def _restore_next(self) -> None:
        # Lambda takes the snapshot while this waits, and answers it in each restored environment;
        # here there is one environment, restored at once.
        if self.api._record_restore():
            self._answer(200, {})
        else:
            self._refuse(
                403, "InvalidStateTransition", "/restore/next can be called only before the first invocation"
            )

    def _init_error(self) -> None:
        if self.api._record_init_error(self._error()):
            self._answer(202, {"status": "OK"})
        else:
            self._refuse(
                403, "InvalidStateTransition", "init errors can be posted only before the first invocation"
            )

    def _invocation_error(self, invocation: Invocation) -> None:
        error = self._error()
        self.api._complete(invocation, streamed=False, content_type=None, body=b"", error=error)
        self._answer(202, {"status": "OK"})

    def _buffered_response(self, invocation: Invocation) -> None:
        body = self._whole_body()
        if len(body) > limits.BUFFERED_RESPONSE_LIMIT:
            # The invocation stays open: the runtime may still post an error for it.
            message = f"Exceeded maximum allowed payload size ({limits.BUFFERED_RESPONSE_LIMIT} bytes)."
            self._refuse(413, "RequestEntityTooLarge", message)
            return
        content_type = self.headers.get("Content-Type")
        self.api._complete(invocation, streamed=False, content_type=content_type, body=body, error=None)
        self._answer(202, {"status": "OK"})

    def _cut(self) -> None:
        """Cut the runtime's connection (its response stream is abandoned): the read in progress
        ends, and closing it resets the connection, so that the runtime's next write fails."""
        connection: socket.socket = self.connection
        try:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed

    def _streamed_response(self, invocation: Invocation) -> None:
        body = StreamedBody(invocation)
        content_type = self.headers.get("Content-Type")
        invocation.on_abandon(self._cut)
        try:
            trailers = self._read_body(body)
        except (ChunkedBodyError, OSError) as broken:
            invocation.on_abandon(None)
            self.api._complete(
                invocation,
                streamed=True,
                content_type=content_type,
                body=None,
                error=truncated(invocation, broken),
            )
            self.close_connection = True
            return
        invocation.on_abandon(None)  # read whole: the connection is the runtime's again
        error = body.error(trailers)
        self.api._complete(invocation, streamed=True, content_type=content_type, body=None, error=error)
        if body.oversized:
            self._refuse(413, "Function.ResponseSizeTooLarge", error.error_message if error else "")
        else:
            self._answer(202, {"status": "OK"})
