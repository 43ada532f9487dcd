"""The Runtime API's HTTP/1.1 as it arrives: one runtime's connection as an asyncio protocol.

A runtime sends few kinds of request (``GET /next``, ``POST`` of an answer or an error with a
``Content-Length`` body, a streamed answer with a chunked one and its trailers), so the
connection parses them itself, from the bytes as they arrive: :class:`RuntimeConnection` cuts
each request's head off its buffer, hands it to the API (its ``route``), and reads the body the
API asks for with :meth:`RuntimeConnection.read_body`, chunk by chunk for a chunked one. Nothing
waits on a coroutine: a request is answered from ``data_received`` (or, for a ``/next`` that has
to wait, from whatever hands it an invocation), which is what keeps the Runtime API's part of an
invocation small on ``serve``'s event loop.

Requests on one connection are taken in order: while one is not answered (a ``/next`` waiting for
an invocation, a ``202`` held back a few loop turns) the connection is *paused*, and the requests
after it wait in the buffer. A connection that sends what is not HTTP as a runtime speaks it (a
head over 64 KB, a bad chunk, a bad ``Content-Length``) is closed; so is one whose runtime closed
its end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

from mangum._http.chunked import MAX_LINE, ChunkedBodyError, chunk_size, trailer_field

MAX_HEAD = 64 * 1024
"""Bytes of a request line and headers at most (asyncio streams' limit, which this replaces)."""


class Request:
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


def _line(buffer: bytearray) -> bytes | None:
    """A chunk-size or trailer line cut off ``buffer`` (without its CRLF), or ``None`` until whole."""
    end = buffer.find(b"\n")
    if end < 0:
        if len(buffer) > MAX_LINE:
            raise ChunkedBodyError("a chunked-body line is too long")
        return None
    if end >= MAX_LINE:
        raise ChunkedBodyError("a chunked-body line is too long")
    line = bytes(buffer[: end + 1])
    del buffer[: end + 1]
    return line.rstrip(b"\r\n")


class _Body:
    """One request's body, read out of the connection's buffer as its bytes arrive: a
    ``Content-Length`` one whole, a chunked one chunk by chunk (each handed to ``on_chunk`` as soon
    as its last byte is there), then its trailers. Raises ``ValueError`` (a
    :class:`~mangum._http.chunked.ChunkedBodyError`, or a bad ``Content-Length``) for what is not
    a body."""

    __slots__ = ("chunked", "on_chunk", "remaining", "size", "then", "trailers")

    def __init__(
        self,
        request: Request,
        on_chunk: Callable[[bytes], None],
        then: Callable[[dict[str, str]], None],
    ) -> None:
        self.chunked = "chunked" in request.headers.get("transfer-encoding", "").lower()
        self.remaining = 0 if self.chunked else int(request.headers.get("content-length") or 0)
        self.on_chunk = on_chunk
        self.then = then
        self.size: int | None = None
        """The size of the chunk being read; ``None`` while its size line is."""
        self.trailers: dict[str, str] | None = None
        """Set once the last chunk is read: the trailer fields so far."""

    def feed(self, buffer: bytearray) -> bool:
        """Take what it can of the body from ``buffer``; whether the body is whole."""
        if not self.chunked:
            if len(buffer) < self.remaining:
                return False
            if self.remaining:
                data = bytes(buffer[: self.remaining])
                del buffer[: self.remaining]
                self.on_chunk(data)
            return True
        while True:
            if self.size is not None:
                size = self.size
                if len(buffer) < size + 2:
                    return False
                if buffer[size : size + 2] != b"\r\n":
                    raise ChunkedBodyError("a chunk does not end with CRLF")
                data = bytes(buffer[:size])
                del buffer[: size + 2]
                self.size = None
                self.on_chunk(data)
                continue
            line = _line(buffer)
            if line is None:
                return False
            if self.trailers is not None:
                if not line:
                    return True
                name, value = trailer_field(line)
                self.trailers[name] = value
                continue
            size = chunk_size(line)
            if size == 0:
                self.trailers = {}
            else:
                self.size = size


class RuntimeConnection(asyncio.Protocol):
    """One runtime's connection (see the module docs). ``route`` answers a request whose head has
    arrived (it may read its body with :meth:`read_body`, answer with :meth:`write`, hold the
    requests after it with :meth:`pause`); ``lost`` is called once the connection has ended."""

    def __init__(
        self,
        route: Callable[[RuntimeConnection, Request], None],
        lost: Callable[[RuntimeConnection], None],
    ) -> None:
        self._route = route
        self._lost = lost
        self._buffer = bytearray()
        self._body: _Body | None = None
        self._on_broken: Callable[[BaseException], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.transport: asyncio.Transport | None = None
        self.paused = False
        """Whether the requests after the current one wait (it is not answered yet)."""
        self.held: bytes | None = None
        """An answer held back to go out with the next one (a pipelined runtime's ``202``)."""

    # --- asyncio's side ---------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A TCP transport (uvloop's is not a subclass of asyncio.Transport, but has its methods).
        self.transport = cast(asyncio.Transport, transport)
        self._loop = asyncio.get_running_loop()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._process()

    def eof_received(self) -> bool:
        return False  # the runtime closed its end (its process ended): the connection closes

    def connection_lost(self, exc: Exception | None) -> None:
        self.paused = True
        broken = self._on_broken
        self._body = self._on_broken = None
        if broken is not None:
            broken(exc or ConnectionError("the connection closed inside the body"))
        self._lost(self)

    # --- the API's side ---------------------------------------------------------------------------

    @property
    def closing(self) -> bool:
        """Whether the connection is closed or closing."""
        return self.transport is None or self.transport.is_closing()

    def read_body(
        self,
        request: Request,
        on_chunk: Callable[[bytes], None],
        then: Callable[[dict[str, str]], None],
        broken: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Read ``request``'s body: each piece to ``on_chunk`` as it arrives, then ``then(trailers)``
        (``{}`` without any); ``broken(error)`` if the body breaks off or is malformed, after which
        the connection is closed (without ``broken``, it is only closed)."""
        try:
            self._body = _Body(request, on_chunk, then)
        except ValueError as error:
            self._on_broken = broken
            self._break_off(error)
            return
        self._on_broken = broken

    def write(self, answer: bytes) -> None:
        """Send ``answer``, after the answer held for this connection if there is one."""
        held, self.held = self.held, None
        if self.transport is not None:
            self.transport.write(answer if held is None else held + answer)

    def pause(self) -> None:
        """Hold the requests after the current one until :meth:`resume`."""
        self.paused = True

    def resume(self) -> None:
        """Take the requests after the current one again (from the next loop turn on)."""
        self.paused = False
        if self._buffer and self._loop is not None:
            self._loop.call_soon(self._process)

    def close(self) -> None:
        """Close the connection (the answer held for it goes out first)."""
        if self.held is not None:
            self.write(b"")
        if self.transport is not None:
            self.transport.close()

    # --- requests as they arrive ------------------------------------------------------------------

    def _process(self) -> None:
        """Take the requests (and bodies) that have arrived whole, in order, until one must wait."""
        buffer = self._buffer
        try:
            while not self.paused and not self.closing:
                body = self._body
                if body is not None:
                    if not body.feed(buffer):
                        return
                    self._body = self._on_broken = None
                    body.then(body.trailers or {})
                    continue
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD:
                        self.close()
                    return
                if end > MAX_HEAD:
                    self.close()
                    return
                head = bytes(buffer[:end])
                del buffer[: end + 4]
                self._route(self, Request(head))
        except ValueError as error:
            self._break_off(error)

    def _break_off(self, error: BaseException) -> None:
        broken = self._on_broken
        self._body = self._on_broken = None
        if broken is not None:
            broken(error)
        self.close()
