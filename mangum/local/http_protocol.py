"""The HTTP/1.1 server protocol of ``serve``'s gateway: uvicorn's httptools protocol, with a limit on
a request's header section.

httptools (llhttp, the parser uvicorn uses when it is installed) takes about half the time of h11
per request, which is most of what ``serve`` spends on a request besides the function, but it holds
a header section of any size: a client could grow one without end. h11 refuses one past 16 KB.
:class:`LimitedHttpToolsProtocol` keeps that limit (:data:`MAX_HEADER_SECTION`): a request line and
header fields past it are answered ``431 Request Header Fields Too Large`` and the connection is
closed, whether they arrive in one piece or a byte at a time. Everything else (keep-alive and its
timeout, pipelining, the WebSocket upgrade, the ``400`` to a request that is not HTTP) is uvicorn's.
Without httptools (:func:`http_protocol`), ``serve`` runs uvicorn's h11 protocol, with the same limit.
"""

from __future__ import annotations

import asyncio
import logging
from importlib.util import find_spec
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uvicorn.config import HTTPProtocolType

MAX_HEADER_SECTION = 16 * 1024
"""Bytes of a request line and header fields at most (h11's limit, which uvicorn keeps)."""

_TOO_LARGE = b"Request header fields too large."
_ANSWER_431 = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE), _TOO_LARGE)
)

logger = logging.getLogger("uvicorn.error")


def http_protocol() -> type[asyncio.Protocol] | HTTPProtocolType:
    """What ``serve`` gives uvicorn as its HTTP protocol: :class:`LimitedHttpToolsProtocol` when
    httptools is installed (the ``local`` extra installs it), uvicorn's h11 protocol otherwise."""
    if find_spec("httptools") is None:
        return "h11"
    return _limited_httptools_protocol()


def _limited_httptools_protocol() -> type[asyncio.Protocol]:
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class LimitedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol, refusing a header section past :data:`MAX_HEADER_SECTION`
        with a 431 (see the module docs)."""

        _in_head = True
        """Whether the bytes arriving belong to a request's header section (none is open yet, or
        one is not complete)."""
        _head_received = 0
        """Bytes received while a header section was open: a section that arrives a piece at a
        time is refused as soon as they pass the limit, not when it ends."""
        _head_parsed = 0
        """Bytes of the current request's target and header fields, once they are parsed."""

        def data_received(self, data: bytes) -> None:
            if not self._in_head:
                super().data_received(data)
                return
            self._head_received += len(data)
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                # uvicorn's own handling of the upgrade, which this bypasses.
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
                return
            except httptools.HttpParserError:
                # Past the limit: counted when the fields were complete, or (the section broke off
                # before they were) the bytes received since it began.
                if self._head_parsed > MAX_HEADER_SECTION or (
                    self._in_head and self._head_received > MAX_HEADER_SECTION
                ):
                    self._refuse_head()
                else:
                    logger.warning("Invalid HTTP request received.")
                    self.send_400_response("Invalid HTTP request received.")
                return
            if self._in_head and self._head_received > MAX_HEADER_SECTION:
                self._refuse_head()

        def _refuse_head(self) -> None:
            logger.warning("Request header section over %d bytes: refused (431).", MAX_HEADER_SECTION)
            self.transport.write(_ANSWER_431)
            self.transport.close()

        def on_message_begin(self) -> None:
            self._head_parsed = 0
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            # The request target and the header fields ("name: value" and CRLF) as uvicorn
            # collected them, counted once here rather than in a call per field.
            self._head_parsed = len(self.url) + sum(
                len(name) + len(value) + 4 for name, value in self.headers
            )
            if self._head_parsed > MAX_HEADER_SECTION:
                # Raised through the parser, which stops: data_received answers 431.
                raise ValueError("header section too large")
            self._in_head = False
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            self._head_received = 0
            super().on_message_complete()

    return LimitedHttpToolsProtocol
