"""One keep-alive HTTP/1.1 connection to the Runtime API, on a plain socket.

``http.client`` spends more time parsing its answers (the ``email`` package's header parser, run on
two answers per invocation) than the Runtime API takes to give them; this connection reads only
what the API sends: a status line, ``name: value`` headers, and a ``Content-Length`` or chunked
body. Each request goes out in one write, headers and body together. The connection is opened on
first use and after anything broke it.
"""

from __future__ import annotations

import re
import socket
from io import BufferedReader

from mangum._http.chunked import ChunkedBodyError, read_chunked

_MAX_HEAD = 256 * 1024
"""The longest status line and header section read."""
_HEAD_END = re.compile(rb"\n\r?\n")


class ConnectionBroken(OSError):
    """The connection closed, or the answer on it was not HTTP/1.1 as the Runtime API speaks it."""


class Answer:
    """An answer: its status, its headers by lower-cased name, its body."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


class Connection:
    """The connection to ``host:port``; not thread-safe (a runtime makes one request at a time)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.authority = f"{host}:{port}".encode()
        self._socket: socket.socket | None = None
        self._reader: BufferedReader | None = None

    def _open(self) -> tuple[socket.socket, BufferedReader]:
        if self._socket is None or self._reader is None:
            opened = socket.create_connection((self.host, self.port))
            # Small requests must not wait for the API's delayed ACK of the previous one.
            opened.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._socket, self._reader = opened, opened.makefile("rb")
        return self._socket, self._reader

    def close(self) -> None:
        """Close the socket; the next request opens a new one."""
        if self._reader is not None:
            self._reader.close()
        if self._socket is not None:
            self._socket.close()
        self._socket = self._reader = None

    def send(self, data: bytes) -> None:
        """Write ``data`` as it is (a request's start, or a chunk of its body)."""
        sock, _ = self._open()
        try:
            sock.sendall(data)
        except OSError:
            self.close()
            raise

    @property
    def open(self) -> bool:
        """Whether the socket is open (a request sent now goes on the same connection)."""
        return self._socket is not None

    def encode(self, method: str, path: str, headers: str = "", body: bytes = b"") -> bytes:
        """A request with a ``Content-Length`` body, as it goes on the wire. ``headers`` is
        ``"Name: value\\r\\n"`` lines."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{headers}"
        if body or method == "POST":
            head += f"Content-Length: {len(body)}\r\n"
        return head.encode("latin-1") + b"\r\n" + body

    def request(self, method: str, path: str, headers: str = "", body: bytes = b"") -> Answer:
        """Send a request (see :meth:`encode`) and read its answer."""
        self.send(self.encode(method, path, headers, body))
        return self.answer()

    def answer(self) -> Answer:
        """Read the answer to the request just sent."""
        _, reader = self._open()
        try:
            answer = self._read(reader)
        except (OSError, ValueError) as error:
            self.close()
            raise ConnectionBroken(f"reading the answer failed: {error}") from error
        if answer.headers.get("connection", "").lower() == "close":
            self.close()
        return answer

    @staticmethod
    def _read(reader: BufferedReader) -> Answer:
        lines = _head(reader).decode("latin-1").split("\n")
        parts = lines[0].split(None, 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ConnectionBroken(f"not an HTTP/1.1 status line: {lines[0][:80].encode('latin-1')!r}")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                raise ConnectionBroken(f"not a header line: {line[:80].encode('latin-1')!r}")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts_read: list[bytes] = []
            try:
                read_chunked(reader, parts_read.append)
            except ChunkedBodyError as error:
                raise ConnectionBroken(str(error)) from error
            body = b"".join(parts_read)
        else:
            length = int(headers.get("content-length") or 0)
            body = reader.read(length) if length else b""
            if len(body) != length:
                raise ConnectionBroken("the connection closed inside the body")
        return Answer(int(parts[1]), headers, body)


def _head(reader: BufferedReader) -> bytes:
    """The status line and header fields of the next answer, up to the empty line that ends them
    (consumed, left out); lines end in CRLF or LF. Read as the buffer holds them (one search for
    the end, not one read per line: an invocation reads two answers)."""
    head = b""
    while True:
        buffered = reader.peek(1)  # what the buffer holds: one read of the socket when empty
        if not buffered:
            if not head:
                raise ConnectionBroken("the Runtime API closed the connection")
            raise ConnectionBroken("the connection closed inside the headers")
        data = head + buffered if head else buffered
        end = _HEAD_END.search(data, max(0, len(head) - 2))
        if end is not None:
            reader.read(end.end() - len(head))
            return data[: end.start()]
        if len(data) > _MAX_HEAD:
            raise ConnectionBroken(f"the header section passed {_MAX_HEAD} bytes")
        reader.read(len(buffered))
        head = data
