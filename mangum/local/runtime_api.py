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
  managed runtimes' ``{errorType, errorMessage, stackTrace}`` shape;
- SnapStart's ``GET /2018-06-01/runtime/restore/next`` (a runtime calls it after its before-snapshot
  hooks; answered at once, as by an environment restored from the snapshot) and
  ``POST .../restore/error`` (an after-restore hook failed).

Every runtime connected to one server takes invocations from the same queue, one at a time each,
as several execution environments of one function would. Answers about an unknown request id are
400 ``InvalidRequestID``; an init error after an invocation was delivered is 403.

With ``max_concurrency`` the server is one Lambda Managed Instances execution environment: its
:meth:`~RuntimeApiServer.environment` sets ``AWS_LAMBDA_MAX_CONCURRENCY``, the runtime may wait on
``/next`` on several connections at once, and no more than ``max_concurrency`` invocations are
handed out and not yet answered at any time (a ``/next`` beyond that waits, as Lambda holds it).
:attr:`~RuntimeApiServer.peak_in_flight` tells how many were in flight at most.

Usage::

    with RuntimeApiServer() as server:
        start_runtime(env=server.environment("app.handler"))   # e.g. python -m mangum.runtime
        result = server.invoke({"hello": "world"}).result(timeout=10)
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType

from mangum.local.invocations import Chunk, FunctionError, Invocation
from mangum.local.limits import BUFFERED_RESPONSE_LIMIT, STREAMED_RESPONSE_LIMIT
from mangum.local.runtime_api_http import http_server

__all__ = [
    "BUFFERED_RESPONSE_LIMIT",
    "STREAMED_RESPONSE_LIMIT",
    "Chunk",
    "FunctionError",
    "FunctionSettings",
    "Invocation",
    "RuntimeApiServer",
]

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


def runtime_environment(
    address: str, function: FunctionSettings, handler: str, max_concurrency: int | None = None
) -> dict[str, str]:
    """The variables Lambda sets for a runtime: the API ``address``, ``_HANDLER`` and the function's
    name, version, memory, region and log names, and ``AWS_LAMBDA_MAX_CONCURRENCY`` for a Lambda
    Managed Instances environment. Merge them into the runtime's environment."""
    return {
        "AWS_LAMBDA_RUNTIME_API": address,
        "_HANDLER": handler,
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_VERSION": function.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": time.strftime("%Y/%m/%d") + f"/[{function.version}]{uuid.uuid4().hex}",
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
    } | ({} if max_concurrency is None else {"AWS_LAMBDA_MAX_CONCURRENCY": str(max_concurrency)})


class RuntimeApiServer:
    """The Runtime API server (see the module docs). Start it with ``with`` or :meth:`start`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        function: FunctionSettings | None = None,
        max_concurrency: int | None = None,
    ) -> None:
        self.function = function or FunctionSettings()
        self.max_concurrency = max_concurrency
        """Invocations in flight at most (``None``: no limit, each runtime takes one at a time)."""
        self.peak_in_flight = 0
        """The most invocations that were handed out and not yet answered at one time."""
        self._pending: deque[Invocation] = deque()
        self._in_flight: dict[str, Invocation] = {}
        self._lock = threading.Lock()
        self._arrival = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._init_error = threading.Event()
        self.init_errors: list[FunctionError] = []
        """Every error posted to ``/runtime/init/error``, in order."""
        self.restores = 0
        """How many times runtimes called SnapStart's ``/runtime/restore/next``."""
        self.restore_errors: list[tuple[str | None, FunctionError]] = []
        """Every error posted to ``/runtime/restore/error``, with its error type header."""
        self.delivered = 0
        """How many invocations runtimes have received."""
        self.waiting = 0
        """How many runtimes are waiting on ``/next`` now (idle execution environments)."""
        self.first_next_at: float | None = None
        """When a runtime first asked for an invocation (``time.monotonic()``): the end of its init."""
        self._http = http_server(self, host, port)
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        """``host:port``: the value of ``AWS_LAMBDA_RUNTIME_API`` for a runtime of this server."""
        host, port = self._http.server_address[:2]
        return f"{host!s}:{port}"

    def environment(self, handler: str) -> dict[str, str]:
        """The variables Lambda sets for a runtime of this server (see :func:`runtime_environment`)."""
        return runtime_environment(self.address, self.function, handler, self.max_concurrency)

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
            if self.first_next_at is None:
                self.first_next_at = time.monotonic()
            try:
                while not self._closing.is_set() and not gone():
                    if self._pending and not self._full():
                        return self._deliver(self._pending.popleft())
                    self._arrival.wait(_POLL_SECONDS)
                return None
            finally:
                self.waiting -= 1

    def _full(self) -> bool:
        return self.max_concurrency is not None and len(self._in_flight) >= self.max_concurrency

    def _deliver(self, invocation: Invocation) -> Invocation:
        deadline = int((time.time() + self.function.timeout_s) * 1000)
        invocation.headers["Lambda-Runtime-Deadline-Ms"] = str(deadline)
        self._in_flight[invocation.request_id] = invocation
        self.peak_in_flight = max(self.peak_in_flight, len(self._in_flight))
        self.delivered += 1
        invocation.delivered_at = time.monotonic()
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
        with self._arrival:
            self._in_flight.pop(invocation.request_id, None)
            if self.max_concurrency is not None:
                self._arrival.notify()  # a /next held back by the limit may go on
        invocation.finish(streamed=streamed, content_type=content_type, body=body, error=error)

    def _record_init_error(self, error: FunctionError) -> bool:
        with self._lock:
            if self.delivered:
                return False
            self.init_errors.append(error)
        self._init_error.set()
        return True

    def _record_restore(self) -> bool:
        with self._lock:
            if self.delivered:
                return False
            self.restores += 1
        return True

    def _record_restore_error(self, error: FunctionError, error_type: str | None) -> None:
        with self._lock:
            self.restore_errors.append((error_type, error))
