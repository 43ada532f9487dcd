"""HTTP/1.1 chunked transfer coding (RFC 9112, section 7.1), read from a body as it arrives.

Each chunk is handed over as soon as its last byte is read, so a caller sees the chunks with their
real arrival times; the trailer fields after the last chunk are returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...
    def readline(self, size: int, /) -> bytes: ...


MAX_LINE = 64 * 1024
"""Longest chunk-size line or trailer line accepted."""


class ChunkedBodyError(ValueError):
    """The body does not follow the chunked coding (or the connection ended inside it)."""


def _line(stream: _Readable) -> bytes:
    line = stream.readline(MAX_LINE + 1)
    if not line:
        raise ChunkedBodyError("the connection closed inside a chunked body")
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise ChunkedBodyError("a chunked-body line is too long")
    return line.rstrip(b"\r\n")


def chunk_size(line: bytes) -> int:
    """The size in a chunk-size line (without its CRLF); raises :class:`ChunkedBodyError`."""
    # Chunk extensions (";name=value") carry nothing Lambda uses.
    text = line.split(b";", 1)[0].strip()
    if not text or any(byte not in b"0123456789abcdefABCDEF" for byte in text):
        raise ChunkedBodyError(f"bad chunk size {text[:32]!r}")
    return int(text, 16)


def read_chunked(stream: _Readable, on_chunk: Callable[[bytes], None]) -> dict[str, str]:
    """Read one chunked body from ``stream``, calling ``on_chunk`` with each chunk's data as it
    completes; returns the trailer fields by lower-cased name (the last value of a repeated one)."""
    while True:
        size = chunk_size(_line(stream))
        if size == 0:
            break
        data = stream.read(size)
        if len(data) != size:
            raise ChunkedBodyError("the connection closed inside a chunk")
        if stream.read(2) != b"\r\n":
            raise ChunkedBodyError("a chunk does not end with CRLF")
        on_chunk(data)
    trailers: dict[str, str] = {}
    while True:
        line = _line(stream)
        if not line:
            return trailers
        name, value = trailer_field(line)
        trailers[name] = value


def trailer_field(line: bytes) -> tuple[str, str]:
    """A trailer line (without its CRLF) as ``(lower-cased name, value)``."""
    name, colon, value = line.partition(b":")
    if not colon or not name.strip():
        raise ChunkedBodyError("a trailer line has no field name")
    return name.strip().decode("latin-1").lower(), value.strip().decode("latin-1")
