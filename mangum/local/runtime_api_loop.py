"""The Lambda Runtime API of this emulator: one implementation, on an asyncio event loop.

A runtime connects to :attr:`LoopRuntimeApi.address` (its ``AWS_LAMBDA_RUNTIME_API``) and speaks the
2018-06-01 API over real HTTP/1.1 with keep-alive:

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

Every runtime connected takes invocations from the same queue, one at a time each, as several
execution environments of one function would. Answers about an unknown request id are 400
``InvalidRequestID``; an init error after an invocation was delivered is 403. With
``max_concurrency`` it is one Lambda Managed Instances execution environment: the runtime gets
``AWS_LAMBDA_MAX_CONCURRENCY``, may wait on ``/next`` on several connections at once, and no more than
that many invocations are handed out and not yet answered at any time (a ``/next`` beyond that
waits, as Lambda holds it).

A runtime may pipeline its requests. ``python -m mangum.runtime`` does under ``serve``
(:data:`~mangum.runtime.client.PIPELINING_VARIABLE`): it sends each buffered answer with the header
:data:`~mangum.runtime.client.PIPELINED_NEXT_HEADER` and its next ``GET /next`` in one write, and
the ``202`` is held until that ``/next`` is answered, so that the runtime has asked for the next
invocation before it comes and is woken up once per invocation.

Each connection is an asyncio protocol that parses the runtime's requests as their bytes arrive
(:mod:`mangum.local.runtime_api_wire`) and answers them from there: a ``/next`` with nothing
pending is parked, and :meth:`LoopRuntimeApi.invoke` writes the invocation to a parked ``/next``
at once; an answer finishes its :class:`~mangum.local.invocations.Invocation` on the loop. No
thread, and no coroutine, wakes up on the way. ``serve`` runs one per worker on its own loop (the
answer wakes the gateway's coroutine directly); :class:`~mangum.local.runtime_api.RuntimeApiServer`
runs one on a loop of its own thread, for code that is not async. :meth:`~LoopRuntimeApi.invoke` and
:meth:`~LoopRuntimeApi.close` may be called from any thread.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from http import HTTPStatus

from mangum._sources.builders import random_uuid
from mangum.local import limits
from mangum.local.invocations import Chunk, FunctionError, Invocation, StreamedBody, truncated
from mangum.local.runtime_api_wire import Request, RuntimeConnection
from mangum.runtime.client import PIPELINED_NEXT_HEADER

API_PREFIX = "/2018-06-01/runtime"
STREAMING = "streaming"
_NEXT = f"{API_PREFIX}/invocation/next"
_INVOCATION = f"{API_PREFIX}/invocation/"
_INIT_ERROR = f"{API_PREFIX}/init/error"
_RESTORE_NEXT = f"{API_PREFIX}/restore/next"
_RESTORE_ERROR = f"{API_PREFIX}/restore/error"
_PIPELINED_NEXT = PIPELINED_NEXT_HEADER.lower()
_YIELDS_BEFORE_ACCEPTED = 3
"""Loop turns between recording a result and accepting it: the waiting invocation's callbacks."""
_ACCEPTED = (
    b'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"status": "OK"}'
)


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


class LoopRuntimeApi:
    """The Runtime API on an event loop (see the module docs): the running one, or ``loop`` (which
    then runs it later, on its own thread)."""

    def __init__(
        self,
        function: FunctionSettings | None = None,
        max_concurrency: int | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.function = function or FunctionSettings()
        self.max_concurrency = max_concurrency
        """Invocations in flight at most (``None``: no limit, each runtime takes one at a time)."""
        self.peak_in_flight = 0
        """The most invocations that were handed out and not yet answered at one time."""
        self.init_errors: list[FunctionError] = []
        """Every error posted to ``/runtime/init/error`` (before the first invocation), in order."""
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
        self._init_error = threading.Event()
        self._loop = loop or asyncio.get_running_loop()
        self._loop_thread: int | None = threading.get_ident() if loop is None else None
        self._pending: deque[Invocation] = deque()
        self._in_flight: dict[str, Invocation] = {}
        self._waiting: deque[RuntimeConnection] = deque()
        """Connections whose ``/next`` waits for an invocation, first come first served: closing
        answers them 500 rather than cutting them."""
        self._closing = False
        self._connections: set[RuntimeConnection] = set()
        self._drained: asyncio.Event | None = None
        """Set when the last connection has ended, while :meth:`_drain_connections` waits for it."""
        # Listening now, accepting once the loop runs: the runtime's connection waits in the backlog.
        self._socket = socket.create_server((host, port))
        self._server = self._loop.create_task(self._loop.create_server(self._connected, sock=self._socket))

    def _connected(self) -> RuntimeConnection:
        if self._loop_thread is None:
            self._loop_thread = threading.get_ident()
        connection = RuntimeConnection(self._route, self._lost)
        self._connections.add(connection)
        return connection

    def _lost(self, connection: RuntimeConnection) -> None:
        self._connections.discard(connection)
        if not self._connections and self._drained is not None:
            self._drained.set()
        if connection in self._waiting:
            # The runtime closed its end while it waited (its process ended): hand it nothing.
            self._waiting.remove(connection)
            self.waiting -= 1

    @property
    def address(self) -> str:
        """``host:port``: ``AWS_LAMBDA_RUNTIME_API`` for a runtime of this API."""
        host, port = self._socket.getsockname()[:2]
        return f"{host}:{port}"

    def environment(self, handler: str) -> dict[str, str]:
        """The variables Lambda sets for a runtime of this API (see :func:`runtime_environment`)."""
        return runtime_environment(self.address, self.function, handler, self.max_concurrency)

    def invoke(
        self,
        event: object,
        *,
        request_id: str | None = None,
        client_context: Mapping[str, object] | None = None,
        cognito_identity: Mapping[str, object] | None = None,
        listener: Callable[[Chunk], None] | None = None,
        on_finish: Callable[[], None] | None = None,
    ) -> Invocation:
        """Queue an invocation: ``event`` as bytes already encoded, or any JSON value. ``listener``
        gets each streamed chunk as it arrives, ``on_finish`` is called once the outcome is recorded
        (both on the loop's thread: an asyncio caller on another loop hands them on with
        ``call_soon_threadsafe``)."""
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        request_id = request_id or random_uuid()
        headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Invoked-Function-Arn": self.function.arn,
            "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()};Sampled=0",
        }
        if client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = json.dumps(client_context)
        if cognito_identity is not None:
            headers["Lambda-Runtime-Cognito-Identity"] = json.dumps(cognito_identity)
        invocation = Invocation(request_id, body, headers, listener, on_finish)
        if threading.get_ident() == self._loop_thread:
            self._enqueue(invocation)
        else:
            # Enqueued one loop turn after the loop wakes up: what its sockets had to say by then
            # (a runtime that closed its end while waiting) is heard first, and that one is
            # handed nothing.
            self._loop.call_soon_threadsafe(self._loop.call_soon, self._enqueue, invocation)
        return invocation

    def _on_loop(self, action: Callable[[RuntimeConnection], None], connection: RuntimeConnection) -> None:
        """``action(connection)`` on the loop's thread: now when called there, else as soon as it can."""
        if threading.get_ident() == self._loop_thread:
            action(connection)
        else:
            self._loop.call_soon_threadsafe(action, connection)

    def _enqueue(self, invocation: Invocation) -> None:
        self._pending.append(invocation)
        self._wake()

    def wait_init_error(self, timeout: float | None = None) -> FunctionError | None:
        """The first init error posted, waiting up to ``timeout`` seconds; ``None`` if none came."""
        self._init_error.wait(timeout)
        return self.init_errors[0] if self.init_errors else None

    def _wake(self) -> None:
        """Hand the invocations pending to the runtimes waiting on ``/next``, first come first
        served, as far as the limit allows (each is written at once: nothing else wakes up on the
        way); when closing, answer them 500."""
        waiting = self._waiting
        while waiting and (self._closing or (self._pending and not self._full())):
            connection = waiting.popleft()
            self.waiting -= 1
            if connection.closing:
                continue  # its runtime closed its end while it waited: hand it nothing
            if self._closing:
                self._closed(connection)
            else:
                self._deliver(connection)
                connection.resume()

    def _full(self) -> bool:
        return self.max_concurrency is not None and len(self._in_flight) >= self.max_concurrency

    def close(self) -> None:
        """Stop serving (from any thread): runtimes waiting on ``/next`` get a 500, the other
        connections close."""
        if threading.get_ident() == self._loop_thread:
            self._close_now()
        elif not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._close_now)
            except RuntimeError:  # the loop closed meanwhile
                self._socket.close()

    def _close_now(self) -> None:
        self._closing = True
        self._wake()
        if self._server.done() and not self._server.cancelled() and self._server.exception() is None:
            self._server.result().close()
        else:
            self._server.cancel()
        self._socket.close()
        for connection in list(self._connections):
            connection.close()

    async def _drain_connections(self, timeout: float) -> None:
        """Wait (up to ``timeout`` seconds) for every connection to end, after :meth:`close`."""
        if self._connections:
            self._drained = asyncio.Event()
            drained = asyncio.ensure_future(self._drained.wait())
            await asyncio.wait({drained}, timeout=timeout)
            drained.cancel()

    # --- one request -------------------------------------------------------------------------------

    def _claim(self, request_id: str) -> Invocation | None:
        """The invocation in flight with ``request_id``, if any."""
        return self._in_flight.get(request_id)

    def _route(self, connection: RuntimeConnection, request: Request) -> None:
        """Answer one request whose head has arrived (reading its body first, if it has one)."""
        path = request.path
        if request.method == "GET":
            if path == _NEXT:
                self._next(connection)
            elif path == _RESTORE_NEXT:
                # Lambda takes the snapshot while this waits; here the environment is restored at once.
                if self.delivered:
                    self._refuse(
                        connection,
                        403,
                        "InvalidStateTransition",
                        "/restore/next can be called only before the first invocation",
                    )
                else:
                    self.restores += 1
                    self._answer(connection, 200, {})
            else:
                self._refuse(connection, 404, "NotFound", f"no such resource: GET {path}")
            return
        if request.method != "POST":
            self._refuse(connection, 405, "MethodNotAllowed", f"{request.method} {path}")
            return
        if path == _RESTORE_ERROR:

            def restore_error(error: FunctionError) -> None:
                self.restore_errors.append((request.headers.get("lambda-runtime-function-error-type"), error))
                self._accepted(connection)

            self._error(connection, request, restore_error)
            return
        if path == _INIT_ERROR:
            self._error(connection, request, lambda error: self._init_failed(connection, error))
            return
        request_id, slash, action = path.removeprefix(_INVOCATION).partition("/")
        if not path.startswith(_INVOCATION) or not slash or action not in ("response", "error"):
            missing = f"no such resource: POST {path}"
            connection.read_body(
                request, _ignore, lambda _: self._refuse(connection, 404, "NotFound", missing)
            )
            return
        invocation = self._claim(request_id)
        if invocation is None:
            message = f"no invocation {request_id!r} is waiting for an answer"
            connection.read_body(
                request, _ignore, lambda _: self._refuse(connection, 400, "InvalidRequestID", message)
            )
            return
        if action == "error":

            def failed(error: FunctionError) -> None:
                self._complete(invocation, streamed=False, content_type=None, body=b"", error=error)
                self._accepted(connection)

            self._error(connection, request, failed)
        elif request.headers.get("lambda-runtime-function-response-mode", "").lower() == STREAMING:
            self._streamed(connection, request, invocation)
        else:
            self._buffered(connection, request, invocation)

    def _init_failed(self, connection: RuntimeConnection, error: FunctionError) -> None:
        # The process exits next: the pool reports it.
        if self.delivered:
            self._refuse(
                connection,
                403,
                "InvalidStateTransition",
                "init errors can be posted only before the first invocation",
            )
            return
        self.init_errors.append(error)
        self._init_error.set()
        self._accepted(connection)

    def _buffered(self, connection: RuntimeConnection, request: Request, invocation: Invocation) -> None:
        parts: list[bytes] = []

        def answered(trailers: dict[str, str]) -> None:
            body = b"".join(parts)
            if len(body) > limits.BUFFERED_RESPONSE_LIMIT:
                # The invocation stays open: the runtime may still post an error for it.
                message = f"Exceeded maximum allowed payload size ({limits.BUFFERED_RESPONSE_LIMIT} bytes)."
                self._refuse(connection, 413, "RequestEntityTooLarge", message)
                return
            content_type = request.headers.get("content-type")
            self._complete(invocation, streamed=False, content_type=content_type, body=body, error=None)
            connection.pause()
            if request.headers.get(_PIPELINED_NEXT) == "1":
                # The runtime's GET /next came with this (mangum.runtime under serve): the 202 goes
                # out with its answer, in one write that wakes the runtime once. That GET is read
                # after one turn of the loop, in which the gateway answers its client.
                connection.held = _ACCEPTED
                self._loop.call_soon(connection.resume)
                return
            # Let whoever waits for the result (serve's gateway) answer its client before this
            # answer wakes the runtime up: on a machine with few cores, the runtime's next request
            # would otherwise compete with that answer.
            self._after_turns(_YIELDS_BEFORE_ACCEPTED, lambda: self._accept_and_resume(connection))

        connection.read_body(request, parts.append, answered)

    def _accept_and_resume(self, connection: RuntimeConnection) -> None:
        self._accepted(connection)
        connection.resume()

    def _after_turns(self, turns: int, action: Callable[[], None]) -> None:
        """``action()`` after ``turns`` turns of the loop."""
        if turns:
            self._loop.call_soon(self._after_turns, turns - 1, action)
        else:
            action()

    def _next(self, connection: RuntimeConnection) -> None:
        if self.first_next_at is None:
            self.first_next_at = time.monotonic()
        if self._pending and not self._full():
            self._deliver(connection)
        elif self._closing:
            self._closed(connection)
        else:
            # The requests after it wait with it; an invocation enqueued is written to it at once.
            connection.pause()
            self.waiting += 1
            self._waiting.append(connection)

    def _deliver(self, connection: RuntimeConnection) -> None:
        """Answer the ``/next`` of ``connection`` with the first invocation pending."""
        invocation = self._pending.popleft()
        deadline = int((time.time() + self.function.timeout_s) * 1000)
        invocation.headers["Lambda-Runtime-Deadline-Ms"] = str(deadline)
        self._in_flight[invocation.request_id] = invocation
        self.peak_in_flight = max(self.peak_in_flight, len(self._in_flight))
        self.delivered += 1
        invocation.deliver()
        headers = "".join(f"{name}: {value}\r\n" for name, value in invocation.headers.items())
        connection.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(invocation.event)}\r\n{headers}\r\n".encode("latin-1")
            + invocation.event
        )

    def _streamed(self, connection: RuntimeConnection, request: Request, invocation: Invocation) -> None:
        body = StreamedBody(invocation)
        content_type = request.headers.get("content-type")
        invocation.on_abandon(lambda: self._on_loop(_cut, connection))

        def ended(trailers: dict[str, str]) -> None:
            invocation.on_abandon(None)  # read whole: the connection is the runtime's again
            error = body.error(trailers)
            self._complete(invocation, streamed=True, content_type=content_type, body=None, error=error)
            if body.oversized:
                message = error.error_message if error else ""
                self._refuse(connection, 413, "Function.ResponseSizeTooLarge", message)
            else:
                self._accepted(connection)

        def broken(error: BaseException) -> None:
            invocation.on_abandon(None)
            cut = truncated(invocation, error)
            self._complete(invocation, streamed=True, content_type=content_type, body=None, error=cut)

        connection.read_body(request, body, ended, broken)

    def _error(
        self, connection: RuntimeConnection, request: Request, then: Callable[[FunctionError], None]
    ) -> None:
        """Read a posted error, then ``then(error)``."""
        parts: list[bytes] = []
        error_type = request.headers.get("lambda-runtime-function-error-type")
        connection.read_body(
            request, parts.append, lambda _: then(FunctionError.from_body(b"".join(parts), error_type))
        )

    def _complete(
        self,
        invocation: Invocation,
        *,
        streamed: bool,
        content_type: str | None,
        body: bytes | None,
        error: FunctionError | None,
    ) -> None:
        self._in_flight.pop(invocation.request_id, None)
        if self.max_concurrency is not None:
            self._wake()  # a /next held back by the limit may go on
        invocation.finish(streamed=streamed, content_type=content_type, body=body, error=error)

    # --- answers ---------------------------------------------------------------------------------

    def _accepted(self, connection: RuntimeConnection) -> None:
        connection.write(_ACCEPTED)

    def _answer(self, connection: RuntimeConnection, status: int, payload: Mapping[str, object]) -> None:
        body = json.dumps(payload).encode()
        connection.write(
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    def _closed(self, connection: RuntimeConnection) -> None:
        self._refuse(connection, 500, "Runtime.ServerClosed", "the Runtime API server is shutting down")

    def _refuse(self, connection: RuntimeConnection, status: int, error_type: str, message: str) -> None:
        """Answer an error; the connection stays open unless it is a 500 (the server is closing)."""
        self._answer(connection, status, {"errorType": error_type, "errorMessage": message})
        if status == 500:
            connection.close()


def _ignore(data: bytes) -> None:
    """A body nobody reads."""


def _cut(connection: RuntimeConnection) -> None:
    """Cut the runtime's connection (its response stream is abandoned: the client went away): the
    read in progress ends, and the reset makes the runtime's next write fail."""
    transport = connection.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
