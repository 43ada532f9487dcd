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

A request is read by an asyncio stream, ``/next`` waits on a future that :meth:`LoopRuntimeApi.invoke`
resolves, and an answer finishes its :class:`~mangum.local.invocations.Invocation` on the loop: no
thread wakes up on the way. ``serve`` runs one per worker on its own loop (the answer wakes the
gateway's coroutine directly); :class:`~mangum.local.runtime_api.RuntimeApiServer` runs one on a
loop of its own thread, for code that is not async. :meth:`~LoopRuntimeApi.invoke` and
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

from mangum._http.chunked import MAX_LINE, ChunkedBodyError, chunk_size, trailer_field
from mangum._sources.builders import random_uuid
from mangum.local import limits
from mangum.local.invocations import Chunk, FunctionError, Invocation, StreamedBody, truncated
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
_BROKEN = (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ChunkedBodyError, ConnectionError)
"""What a runtime's broken or malformed request raises while it is read: its connection is dropped."""


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


class _Request:
    """One request of the runtime: its line and headers (names lower-cased)."""

    __slots__ = ("headers", "method", "path")

    def __init__(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        self.method, self.path, _ = ([*lines[0].split(" "), "", ""])[:3]
        self.headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                self.headers[name.strip().lower()] = value.strip()


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
        self._waiters: list[asyncio.Future[None]] = []
        self._closing = False
        self._streams: set[asyncio.StreamWriter] = set()
        self._waiting_on_next: set[asyncio.StreamWriter] = set()
        """Connections waiting on ``/next``: closing answers them 500 rather than cutting them."""
        self._held_answers: dict[asyncio.StreamWriter, bytes] = {}
        """A ``202`` held for a runtime that pipelined its next ``GET /next``: sent with that answer."""
        self._connections: set[asyncio.Task[None]] = set()
        # Listening now, accepting once the loop runs: the runtime's connection waits in the backlog.
        self._socket = socket.create_server((host, port))
        self._server = self._loop.create_task(asyncio.start_server(self._serve, sock=self._socket))

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
            self._loop.call_soon_threadsafe(self._enqueue, invocation)
        return invocation

    def _on_loop(self, action: Callable[[asyncio.StreamWriter], None], writer: asyncio.StreamWriter) -> None:
        """``action(writer)`` on the loop's thread: now when called there, else as soon as it can."""
        if threading.get_ident() == self._loop_thread:
            action(writer)
        else:
            self._loop.call_soon_threadsafe(action, writer)

    def _enqueue(self, invocation: Invocation) -> None:
        self._pending.append(invocation)
        self._wake()

    def wait_init_error(self, timeout: float | None = None) -> FunctionError | None:
        """The first init error posted, waiting up to ``timeout`` seconds; ``None`` if none came."""
        self._init_error.wait(timeout)
        return self.init_errors[0] if self.init_errors else None

    def _wake(self) -> None:
        """Every ``/next`` waiting looks again (few wait: one per runtime connection)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

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
        for writer in self._streams - self._waiting_on_next:
            writer.close()

    async def _drain_connections(self, timeout: float) -> None:
        """Wait (up to ``timeout`` seconds) for every connection to end, after :meth:`close`."""
        if self._connections:
            await asyncio.wait(self._connections, timeout=timeout)

    # --- one connection ---------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._loop_thread is None:
            self._loop_thread = threading.get_ident()
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        self._streams.add(writer)
        try:
            while not self._closing:
                head = await reader.readuntil(b"\r\n\r\n")
                if not await self._route(_Request(head[:-4]), reader, writer):
                    return
        except (*_BROKEN, ValueError, OSError):
            return  # a runtime that went away, or one that speaks no HTTP this server reads
        finally:
            self._streams.discard(writer)
            held = self._held_answers.pop(writer, None)
            if held is not None:
                writer.write(held)
            writer.close()
            if task is not None:
                self._connections.discard(task)

    def _claim(self, request_id: str) -> Invocation | None:
        """The invocation in flight with ``request_id``, if any."""
        return self._in_flight.get(request_id)

    async def _route(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; whether the connection stays open."""
        path = request.path
        if request.method == "GET":
            if path == _NEXT:
                return await self._next(reader, writer)
            if path == _RESTORE_NEXT:
                # Lambda takes the snapshot while this waits; here the environment is restored at once.
                if self.delivered:
                    return self._refuse(
                        writer,
                        403,
                        "InvalidStateTransition",
                        "/restore/next can be called only before the first invocation",
                    )
                self.restores += 1
                return self._answer(writer, 200, {})
            return self._refuse(writer, 404, "NotFound", f"no such resource: GET {path}")
        if request.method != "POST":
            return self._refuse(writer, 405, "MethodNotAllowed", f"{request.method} {path}")
        if path == _RESTORE_ERROR:
            error = await self._error(request, reader)
            self.restore_errors.append((request.headers.get("lambda-runtime-function-error-type"), error))
            return self._accepted(writer)
        if path == _INIT_ERROR:
            error = await self._error(request, reader)  # the process exits next: the pool reports it
            if self.delivered:
                return self._refuse(
                    writer,
                    403,
                    "InvalidStateTransition",
                    "init errors can be posted only before the first invocation",
                )
            self.init_errors.append(error)
            self._init_error.set()
            return self._accepted(writer)
        request_id, slash, action = path.removeprefix(_INVOCATION).partition("/")
        if not path.startswith(_INVOCATION) or not slash or action not in ("response", "error"):
            await _body(request, reader, _ignore)
            return self._refuse(writer, 404, "NotFound", f"no such resource: POST {path}")
        invocation = self._claim(request_id)
        if invocation is None:
            await _body(request, reader, _ignore)
            return self._refuse(
                writer, 400, "InvalidRequestID", f"no invocation {request_id!r} is waiting for an answer"
            )
        if action == "error":
            error = await self._error(request, reader)
            self._complete(invocation, streamed=False, content_type=None, body=b"", error=error)
            return self._accepted(writer)
        if request.headers.get("lambda-runtime-function-response-mode", "").lower() == STREAMING:
            return await self._streamed(request, invocation, reader, writer)
        parts: list[bytes] = []
        await _body(request, reader, parts.append)
        body = b"".join(parts)
        if len(body) > limits.BUFFERED_RESPONSE_LIMIT:
            # The invocation stays open: the runtime may still post an error for it.
            message = f"Exceeded maximum allowed payload size ({limits.BUFFERED_RESPONSE_LIMIT} bytes)."
            return self._refuse(writer, 413, "RequestEntityTooLarge", message)
        content_type = request.headers.get("content-type")
        self._complete(invocation, streamed=False, content_type=content_type, body=body, error=None)
        if request.headers.get(_PIPELINED_NEXT) == "1":
            # The runtime's GET /next came with this (mangum.runtime under serve): the 202 goes out
            # with its answer, in one write that wakes the runtime once. That GET is read after
            # one turn of the loop, in which the gateway answers its client.
            self._held_answers[writer] = _ACCEPTED
            await asyncio.sleep(0)
            return True
        # Let whoever waits for the result (serve's gateway) answer its client before this answer
        # wakes the runtime up: on a machine with few cores, the runtime's next request would
        # otherwise compete with that answer.
        for _ in range(_YIELDS_BEFORE_ACCEPTED):
            await asyncio.sleep(0)
        return self._accepted(writer)

    async def _next(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        if self.first_next_at is None:
            self.first_next_at = time.monotonic()
        if not self._pending or self._full():
            self.waiting += 1
            self._waiting_on_next.add(writer)
            try:
                while not self._pending or self._full():
                    if self._closing:
                        return self._refuse(
                            writer, 500, "Runtime.ServerClosed", "the Runtime API server is shutting down"
                        )
                    waiter = self._loop.create_future()
                    self._waiters.append(waiter)
                    await waiter
            finally:
                self.waiting -= 1
                self._waiting_on_next.discard(writer)
            if reader.at_eof():
                # The runtime closed its end while it waited (its process ended): hand it nothing.
                return False
        invocation = self._pending.popleft()
        deadline = int((time.time() + self.function.timeout_s) * 1000)
        invocation.headers["Lambda-Runtime-Deadline-Ms"] = str(deadline)
        self._in_flight[invocation.request_id] = invocation
        self.peak_in_flight = max(self.peak_in_flight, len(self._in_flight))
        self.delivered += 1
        invocation.delivered_at = time.monotonic()
        invocation.delivered.set()
        headers = "".join(f"{name}: {value}\r\n" for name, value in invocation.headers.items())
        self._write(
            writer,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(invocation.event)}\r\n{headers}\r\n".encode("latin-1")
            + invocation.event,
        )
        return True

    async def _streamed(
        self,
        request: _Request,
        invocation: Invocation,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        body = StreamedBody(invocation)
        content_type = request.headers.get("content-type")
        invocation.on_abandon(lambda: self._on_loop(_cut, writer))
        try:
            trailers = await _body(request, reader, body)
        except _BROKEN as broken:
            invocation.on_abandon(None)
            cut = truncated(invocation, broken)
            self._complete(invocation, streamed=True, content_type=content_type, body=None, error=cut)
            return False
        invocation.on_abandon(None)  # read whole: the connection is the runtime's again
        error = body.error(trailers)
        self._complete(invocation, streamed=True, content_type=content_type, body=None, error=error)
        if body.oversized:
            return self._refuse(
                writer, 413, "Function.ResponseSizeTooLarge", error.error_message if error else ""
            )
        return self._accepted(writer)

    async def _error(self, request: _Request, reader: asyncio.StreamReader) -> FunctionError:
        parts: list[bytes] = []
        await _body(request, reader, parts.append)
        return FunctionError.from_body(
            b"".join(parts), request.headers.get("lambda-runtime-function-error-type")
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

    def _write(self, writer: asyncio.StreamWriter, answer: bytes) -> None:
        """Send ``answer``, after the ``202`` held for this connection if there is one."""
        held = self._held_answers.pop(writer, None)
        writer.write(answer if held is None else held + answer)

    def _accepted(self, writer: asyncio.StreamWriter) -> bool:
        self._write(writer, _ACCEPTED)
        return True

    def _answer(self, writer: asyncio.StreamWriter, status: int, payload: Mapping[str, object]) -> bool:
        body = json.dumps(payload).encode()
        self._write(
            writer,
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body,
        )
        return True

    def _refuse(self, writer: asyncio.StreamWriter, status: int, error_type: str, message: str) -> bool:
        """Answer an error; the connection stays open unless it is a 500 (the server is closing)."""
        self._answer(writer, status, {"errorType": error_type, "errorMessage": message})
        return status != 500


def _ignore(data: bytes) -> None:
    """A body nobody reads."""


async def _body(
    request: _Request, reader: asyncio.StreamReader, on_chunk: Callable[[bytes], None]
) -> dict[str, str]:
    """Read a request's body, chunk by chunk as it arrives; returns the trailers (chunked bodies)."""
    if "chunked" in request.headers.get("transfer-encoding", "").lower():
        while True:
            size = chunk_size(await _line(reader))
            if size == 0:
                break
            data = await reader.readexactly(size)
            if await reader.readexactly(2) != b"\r\n":
                raise ChunkedBodyError("a chunk does not end with CRLF")
            on_chunk(data)
        trailers: dict[str, str] = {}
        while line := await _line(reader):
            name, value = trailer_field(line)
            trailers[name] = value
        return trailers
    length = int(request.headers.get("content-length") or 0)
    if length:
        on_chunk(await reader.readexactly(length))
    return {}


def _cut(writer: asyncio.StreamWriter) -> None:
    """Cut the runtime's connection (its response stream is abandoned: the client went away): the
    read in progress ends, and the reset makes the runtime's next write fail."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _line(reader: asyncio.StreamReader) -> bytes:
    line = await reader.readuntil(b"\n")
    if len(line) > MAX_LINE:
        raise ChunkedBodyError("a chunked-body line is too long")
    return line.rstrip(b"\r\n")
