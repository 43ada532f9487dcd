"""A Lambda Runtime API server on loopback, as the AWS custom-runtime documentation describes it.

A runtime connects to :attr:`RuntimeApiServer.address` (its ``AWS_LAMBDA_RUNTIME_API``) and speaks
the 2018-06-01 API over real HTTP/1.1 with keep-alive:

- ``GET /2018-06-01/runtime/invocation/next`` waits for an invocation and answers with its event
  and the ``Lambda-Runtime-Aws-Request-Id``, ``-Deadline-Ms``, ``-Invoked-Function-Arn``,
  ``-Trace-Id`` (and, when given, ``-Client-Context`` / ``-Cognito-Identity``) headers;
- ``POST .../invocation/{id}/response``: the result, buffered (at most 6,291,556 bytes, else 413)
  or, with ``Lambda-Runtime-Function-Response-Mode: streaming``, a chunked body whose chunks are
  recorded as they arrive and whose ``Lambda-Runtime-Function-Error-Type`` /
  ``Lambda-Runtime-Function-Error-Body`` trailers report an error after the stream started
  (at most 200 MiB);
- ``POST .../invocation/{id}/error`` and ``POST /2018-06-01/runtime/init/error``: errors in the
  managed runtimes' ``{errorType, errorMessage, stackTrace}`` shape.

Every runtime connected to one server takes invocations from the same queue, one at a time each,
as several execution environments of one function would. Answers about an unknown request id are
400 ``InvalidRequestID``; an init error after an invocation was delivered is 403.

Usage::

    with RuntimeApiServer() as server:
        start_runtime(env=server.environment("app.handler"))   # e.g. python -m mangum.runtime
        result = server.invoke({"hello": "world"}).result(timeout=10)
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from mangum.local.chunked import ChunkedBodyError, read_chunked
from mangum.local.invocations import Chunk, FunctionError, Invocation

API_PREFIX = "/2018-06-01/runtime"
BUFFERED_RESPONSE_LIMIT = 6_291_556
"""Bytes Lambda accepts as a buffered result."""
STREAMED_RESPONSE_LIMIT = 200 * 1024 * 1024
"""Bytes Lambda accepts as a streamed response."""
STREAMING = "streaming"
_POLL_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class FunctionSettings:
    """The function the server pretends to run: what Lambda puts in the runtime's environment."""

    name: str = "local-function"
    version: str = "$LATEST"
    memory_mb: int = 128
    timeout_s: float = 30.0
    region: str = "us-east-1"
    account: str = "123456789012"

    @property
    def arn(self) -> str:
        """The function's ARN."""
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"


class RuntimeApiServer:
    """The Runtime API server (see the module docs). Start it with ``with`` or :meth:`start`."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, function: FunctionSettings | None = None
    ) -> None:
        self.function = function or FunctionSettings()
        self._pending: deque[Invocation] = deque()
        self._in_flight: dict[str, Invocation] = {}
        self._lock = threading.Lock()
        self._arrival = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._init_error = threading.Event()
        self.init_errors: list[FunctionError] = []
        """Every error posted to ``/runtime/init/error``, in order."""
        self.delivered = 0
        """How many invocations runtimes have received."""
        self.waiting = 0
        """How many runtimes are waiting on ``/next`` now (idle execution environments)."""
        self._http = _QuietServer((host, port), _handler_class(self))
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        """``host:port``: the value of ``AWS_LAMBDA_RUNTIME_API`` for a runtime of this server."""
        host, port = self._http.server_address[:2]
        return f"{host!s}:{port}"

    def environment(self, handler: str) -> dict[str, str]:
        """The variables Lambda sets for a runtime: the API address, ``_HANDLER`` and the function's
        name, version, memory, region and log names. Merge them into the runtime's environment."""
        function = self.function
        return {
            "AWS_LAMBDA_RUNTIME_API": self.address,
            "_HANDLER": handler,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": function.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d")
            + f"/[{function.version}]{uuid.uuid4().hex}",
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
        }

    def start(self) -> RuntimeApiServer:
        """Serve on a background thread; returns the server."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._http.serve_forever, name="runtime-api", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; runtimes waiting on ``/next`` get a 500 and their connections close."""
        self._closing.set()
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join()
        self._http.server_close()

    def __enter__(self) -> RuntimeApiServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def invoke(
        self,
        event: object,
        *,
        request_id: str | None = None,
        client_context: Mapping[str, object] | None = None,
        cognito_identity: Mapping[str, object] | None = None,
        listener: Callable[[Chunk], None] | None = None,
    ) -> Invocation:
        """Enqueue an invocation: ``event`` as bytes already encoded, or any JSON value.

        ``listener`` is called on a server thread with each streamed chunk as it arrives (an
        asyncio caller can hand it on with ``loop.call_soon_threadsafe``).
        """
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        request_id = request_id or str(uuid.uuid4())
        headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Invoked-Function-Arn": self.function.arn,
            "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
        }
        if client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = json.dumps(client_context)
        if cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = json.dumps(cognito_identity)
        invocation = Invocation(request_id, body, headers, listener)
        with self._arrival:
            self._pending.append(invocation)
            self._arrival.notify()
        return invocation

    def wait_init_error(self, timeout: float | None = None) -> FunctionError | None:
        """The first init error posted, waiting up to ``timeout`` seconds; ``None`` if none came."""
        self._init_error.wait(timeout)
        return self.init_errors[0] if self.init_errors else None

    # --- called by the request handler --------------------------------------------------------

    def _next(self, gone: Callable[[], bool]) -> Invocation | None:
        """The next invocation for a runtime, or ``None`` when the server closes or the runtime has
        gone (checked before each hand-out, so that a dead runtime's wait takes nothing)."""
        with self._arrival:
            self.waiting += 1
            try:
                while not self._closing.is_set() and not gone():
                    if self._pending:
                        return self._deliver(self._pending.popleft())
                    self._arrival.wait(_POLL_SECONDS)
                return None
            finally:
                self.waiting -= 1

    def _deliver(self, invocation: Invocation) -> Invocation:
        deadline = int((time.time() + self.function.timeout_s) * 1000)
        invocation.headers["Lambda-Runtime-Deadline-Ms"] = str(deadline)
        self._in_flight[invocation.request_id] = invocation
        self.delivered += 1
        invocation.delivered.set()
        return invocation

    def _claim(self, request_id: str) -> Invocation | None:
        with self._lock:
            return self._in_flight.get(request_id)

    def _complete(
        self,
        invocation: Invocation,
        *,
        streamed: bool,
        content_type: str | None,
        body: bytes | None,
        error: FunctionError | None,
    ) -> None:
        with self._lock:
            self._in_flight.pop(invocation.request_id, None)
        invocation.finish(streamed=streamed, content_type=content_type, body=body, error=error)

    def _record_init_error(self, error: FunctionError) -> bool:
        with self._lock:
            if self.delivered:
                return False
            self.init_errors.append(error)
        self._init_error.set()
        return True


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A runtime that went away (ended, killed) is not an error of the server."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]  # typeshed: socket | tuple


def _handler_class(server: RuntimeApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_RuntimeApiHandler):
        api = server

    return Handler


class _RuntimeApiHandler(BaseHTTPRequestHandler):
    """One runtime connection; requests are handled in order, with keep-alive."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes: with Nagle's algorithm on, the second waits for
    # the runtime's delayed ACK (tens of milliseconds per request).
    disable_nagle_algorithm = True
    api: RuntimeApiServer

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
        """``/invocation/next``."""
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
        """``/invocation/{id}/response``, ``/invocation/{id}/error`` and ``/init/error``."""
        path = self.path
        if path == f"{API_PREFIX}/init/error":
            self._init_error()
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
        if len(body) > BUFFERED_RESPONSE_LIMIT:
            # The invocation stays open: the runtime may still post an error for it.
            message = f"Exceeded maximum allowed payload size ({BUFFERED_RESPONSE_LIMIT} bytes)."
            self._refuse(413, "RequestEntityTooLarge", message)
            return
        content_type = self.headers.get("Content-Type")
        self.api._complete(invocation, streamed=False, content_type=content_type, body=body, error=None)
        self._answer(202, {"status": "OK"})

    def _streamed_response(self, invocation: Invocation) -> None:
        received = 0
        oversized = False

        def on_chunk(data: bytes) -> None:
            nonlocal received, oversized
            received += len(data)
            if received > STREAMED_RESPONSE_LIMIT:
                oversized = True
            elif data:
                invocation.add_chunk(data)

        content_type = self.headers.get("Content-Type")
        try:
            trailers = self._read_body(on_chunk)
        except (ChunkedBodyError, OSError) as broken:
            truncated = FunctionError("Runtime.TruncatedResponse", f"the response stream broke off: {broken}")
            self.api._complete(
                invocation, streamed=True, content_type=content_type, body=None, error=truncated
            )
            self.close_connection = True
            return
        error = FunctionError.from_trailers(trailers)
        if oversized:
            message = f"Response payload size exceeded the {STREAMED_RESPONSE_LIMIT}-byte limit."
            error = FunctionError("Function.ResponseSizeTooLarge", message)
        self.api._complete(invocation, streamed=True, content_type=content_type, body=None, error=error)
        if oversized:
            self._refuse(413, "Function.ResponseSizeTooLarge", error.error_message if error else "")
        else:
            self._answer(202, {"status": "OK"})
