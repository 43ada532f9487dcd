"""The streamed HTTP answer of one invocation: the prelude once, then each body chunk, to a sink."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._http.response import plain_text
from mangum.exceptions import ResponseTooLarge
from mangum.streaming import PRELUDE_DELIMITER, STREAM_LIMIT, ResponseSink
from mangum.streaming.prelude import encode_prelude

if TYPE_CHECKING:
    from mangum._sources.registry import HttpEvent
    from mangum.config import Config

_SEPARATE_FIRST_CHUNK = 64 * 1024
"""A first chunk at least this large is written on its own rather than copied behind the prelude."""


class HttpStream:
    """A :class:`~mangum._asgi.streaming_cycle.StreamTarget` writing Lambda's HTTP integration
    response to ``sink``, refusing to go past ``limit`` bytes in all (Lambda's 200 MiB by default)."""

    def __init__(
        self,
        http_event: HttpEvent,
        config: Config,
        sink: ResponseSink,
        limit: int | None = None,
    ) -> None:
        self._event = http_event
        self._config = config
        self._sink = sink
        self._limit = STREAM_LIMIT if limit is None else limit
        self._sent = 0
        self._started = False
        self.status: int | None = None
        """The status written, once the response began."""

    @property
    def started(self) -> bool:
        """Whether anything was written."""
        return self._started

    def begin(self, status: int, headers: list[tuple[bytes, bytes]], first: bytes) -> None:
        """Write the prelude, the delimiter and the first body bytes."""
        head = encode_prelude(self._event, status, headers, self._config) + PRELUDE_DELIMITER
        self._reserve(len(head) + len(first))
        self._started = True
        self.status = status
        if len(first) >= _SEPARATE_FIRST_CHUNK:
            self._sink.write(head)
            self._sink.write(first)
        else:
            self._sink.write(head + first)

    def write(self, data: bytes) -> None:
        """Write the next body bytes."""
        self._reserve(len(data))
        self._sink.write(data)

    def abort(self, error: BaseException) -> None:
        """End the stream with the error trailers for ``error``."""
        self._sink.fail(error)

    def respond(self, status: int, message: str) -> None:
        """A whole plain-text answer of the adapter's own (a 400 for a bad body, a 500)."""
        answer = plain_text(status, message)
        self.begin(answer.status, answer.headers, answer.body)

    def _reserve(self, size: int) -> None:
        if self._sent + size > self._limit:
            raise ResponseTooLarge(f"the streamed response would exceed Lambda's {self._limit:,}-byte limit")
        self._sent += size
