"""The Runtime API of one ``serve`` worker, served on the gateway's own event loop.

It speaks the same 2018-06-01 API as :class:`~mangum.local.runtime_api.RuntimeApiServer` (see that
module for the routes, limits and answers) and records invocations in the same
:class:`~mangum.local.invocations.Invocation` objects, but with no thread of its own: a request of
the runtime is read by an asyncio stream on the gateway's loop, ``/next`` waits on a future that
:meth:`LoopRuntimeApi.invoke` resolves, and the answer wakes the gateway's coroutine directly.
This is what keeps ``serve``'s cost per request close to one extra loopback hop: the threaded
server costs two thread wake-ups and two ``email``-package header parses per invocation.

Made for one runtime process (a worker): invocations queue until it asks for the next one. With
``max_concurrency`` it is a Lambda Managed Instances environment, as the threaded server is: the
runtime gets ``AWS_LAMBDA_MAX_CONCURRENCY``, may wait on ``/next`` on several connections, and no
more than that many invocations are handed out and not yet answered. SnapStart's
``/restore/next`` and ``/restore/error`` are answered as the threaded server answers them.
:meth:`invoke` must be called on the loop's thread; :meth:`close` from any thread.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from http import HTTPStatus

from mangum._http.chunked import MAX_LINE, ChunkedBodyError, chunk_size, trailer_field
from mangum.local import limits
from mangum.local.invocations import Chunk, FunctionError, Invocation, StreamedBody, truncated
from mangum.local.runtime_api import FunctionSettings, runtime_environment
from mangum.local.runtime_api_http import API_PREFIX, STREAMING

_NEXT = f"{API_PREFIX}/invocation/next"
_INVOCATION = f"{API_PREFIX}/invocation/"
_INIT_ERROR = f"{API_PREFIX}/init/error"
_RESTORE_NEXT = f"{API_PREFIX}/restore/next"
_RESTORE_ERROR = f"{API_PREFIX}/restore/error"
_YIELDS_BEFORE_ACCEPTED = 3
"""Loop turns between recording a result and accepting it: the waiting invocation's callbacks."""


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
    """A Runtime API for one runtime, on the running event loop (see the module docs)."""

    def __init__(self, function: FunctionSettings | None = None, max_concurrency: int | None = None) -> None:
        self.function = function or FunctionSettings()
        self.max_concurrency = max_concurrency
        """Invocations in flight at most (``None``: one at a time)."""
        self.peak_in_flight = 0
        """The most invocations that were handed out and not yet answered at one time."""
        self.restores = 0
        """How many times the runtime called SnapStart's ``/runtime/restore/next``."""
        self.restore_errors: list[tuple[str | None, FunctionError]] = []
        """Every error posted to ``/runtime/restore/error``, with its error type header."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._pending: deque[Invocation] = deque()
        self._in_flight: dict[str, Invocation] = {}
        self._waiters: list[asyncio.Future[None]] = []
        self._closing = False
        self._streams: set[asyncio.StreamWriter] = set()
        self.first_next_at: float | None = None
        """When the runtime first asked for an invocation (``time.monotonic()``): the end of its init."""
        self.delivered = 0
        """How many invocations the runtime has received."""
        # Listening now, accepting once the loop runs: the runtime's connection waits in the backlog.
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._server = self._loop.create_task(asyncio.start_server(self._serve, sock=self._socket))

    @property
    def address(self) -> str:
        """``host:port``: ``AWS_LAMBDA_RUNTIME_API`` for the runtime."""
        host, port = self._socket.getsockname()[:2]
        return f"{host}:{port}"

    def environment(self, handler: str) -> dict[str, str]:
        """The variables Lambda sets for the runtime (see :func:`runtime_environment`)."""
        return runtime_environment(self.address, self.function, handler, self.max_concurrency)

    def invoke(
        self,
        event: bytes,
        *,
        listener: Callable[[Chunk], None] | None = None,
        on_finish: Callable[[], None] | None = None,
    ) -> Invocation:
        """Queue an invocation of ``event`` (JSON bytes); ``listener`` gets each streamed chunk,
        ``on_finish`` is called once the outcome is recorded (both on the loop's thread)."""
        request_id = str(uuid.uuid4())
        headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Invoked-Function-Arn": self.function.arn,
            "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
        }
        invocation = Invocation(request_id, event, headers, listener, on_finish)
        self._pending.append(invocation)
        self._wake()
        return invocation

    def _wake(self) -> None:
        """Every ``/next`` waiting looks again (few wait: one per runtime connection)."""
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _full(self) -> bool:
        return self.max_concurrency is not None and len(self._in_flight) >= self.max_concurrency

    def close(self) -> None:
        """Stop serving and drop the runtime's connection (from any thread)."""
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
        for writer in list(self._streams):
            writer.close()

    # --- one connection ---------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._streams.add(writer)
        try:
            while not self._closing:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                request = _Request(head[:-4])
                if not await self._route(request, reader, writer):
                    return
        finally:
            self._streams.discard(writer)
            writer.close()

    async def _route(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; whether the connection stays open."""
        path = request.path
        if request.method == "GET":
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
            if path != _NEXT:
                return self._refuse(writer, 404, "NotFound", f"no such resource: GET {path}")
            return await self._next(reader, writer)
        if request.method != "POST":
            return self._refuse(writer, 405, "MethodNotAllowed", f"{request.method} {path}")
        if path == _RESTORE_ERROR:
            error = await self._error(request, reader)
            self.restore_errors.append((request.headers.get("lambda-runtime-function-error-type"), error))
            return self._answer(writer, 202, {"status": "OK"})
        if path == _INIT_ERROR:
            await self._error(request, reader)  # the process exits next: the pool reports it
            if self.delivered:
                return self._refuse(
                    writer,
                    403,
                    "InvalidStateTransition",
                    "init errors can be posted only before the first invocation",
                )
            return self._answer(writer, 202, {"status": "OK"})
        request_id, slash, action = path.removeprefix(_INVOCATION).partition("/")
        if not path.startswith(_INVOCATION) or not slash or action not in ("response", "error"):
            await _body(request, reader, lambda data: None)
            return self._refuse(writer, 404, "NotFound", f"no such resource: POST {path}")
        invocation = self._in_flight.get(request_id)
        if invocation is None:
            await _body(request, reader, lambda data: None)
            return self._refuse(
                writer, 400, "InvalidRequestID", f"no invocation {request_id!r} is waiting for an answer"
            )
        if action == "error":
            error = await self._error(request, reader)
            self._complete(invocation, streamed=False, content_type=None, body=b"", error=error)
            return self._answer(writer, 202, {"status": "OK"})
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
        # Let the gateway answer its client before this answer wakes the runtime up: on a machine
        # with few cores, the runtime's next request would otherwise compete with that answer.
        for _ in range(_YIELDS_BEFORE_ACCEPTED):
            await asyncio.sleep(0)
        return self._answer(writer, 202, {"status": "OK"})

    async def _next(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        if self.first_next_at is None:
            self.first_next_at = time.monotonic()
        while not self._pending or self._full():
            if self._closing:
                return self._refuse(
                    writer, 500, "Runtime.ServerClosed", "the Runtime API server is shutting down"
                )
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            await waiter
        if reader.at_eof():
            return False  # the runtime closed its end while it waited (its process ended): hand it nothing
        invocation = self._pending.popleft()
        deadline = int((time.time() + self.function.timeout_s) * 1000)
        invocation.headers["Lambda-Runtime-Deadline-Ms"] = str(deadline)
        self._in_flight[invocation.request_id] = invocation
        self.peak_in_flight = max(self.peak_in_flight, len(self._in_flight))
        self.delivered += 1
        invocation.delivered_at = time.monotonic()
        invocation.delivered.set()
        headers = "".join(f"{name}: {value}\r\n" for name, value in invocation.headers.items())
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(invocation.event)}\r\n{headers}\r\n".encode("latin-1")
            + invocation.event
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
        invocation.on_abandon(lambda: _cut(writer))
        try:
            trailers = await _body(request, reader, body)
        except (
            ChunkedBodyError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
        ) as broken:
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
        return self._answer(writer, 202, {"status": "OK"})

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

    def _answer(self, writer: asyncio.StreamWriter, status: int, payload: Mapping[str, object]) -> bool:
        body = json.dumps(payload).encode()
        writer.write(
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        return True

    def _refuse(self, writer: asyncio.StreamWriter, status: int, error_type: str, message: str) -> bool:
        self._answer(writer, status, {"errorType": error_type, "errorMessage": message})
        return status != 500


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
