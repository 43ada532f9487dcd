"""One invocation as the Runtime API server sees it: what was sent to the runtime, and what came back.

An :class:`Invocation` is created by :meth:`LoopRuntimeApi.invoke
<mangum.local.runtime_api_loop.LoopRuntimeApi.invoke>` and completed on the Runtime API's event loop
(``serve``'s own, or the thread of a :class:`~mangum.local.runtime_api.RuntimeApiServer`); the code
that enqueued it reads it from any thread: :meth:`Invocation.chunks` yields the response
chunks as they arrive, :meth:`Invocation.result` waits for the whole outcome.
"""

from __future__ import annotations

import base64
import binascii
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mangum.local import limits


@dataclass(frozen=True, slots=True)
class Chunk:
    """One piece of a response body, and when it arrived (``time.monotonic()``, in seconds)."""

    data: bytes
    arrived: float


@dataclass(frozen=True, slots=True)
class FunctionError:
    """An error a runtime reported: an invocation error, an init error, or a streamed response's
    error trailers. ``payload`` is the decoded JSON body (``{}`` when it was not a JSON object)."""

    error_type: str
    error_message: str
    stack_trace: tuple[str, ...] = ()
    payload: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_body(cls, body: bytes, header_type: str | None = None) -> FunctionError:
        """The error in a posted body (the managed runtimes' ``{errorType, errorMessage, stackTrace}``
        JSON); ``header_type`` is the ``Lambda-Runtime-Function-Error-Type`` header, used when the
        body names no type."""
        try:
            decoded = json.loads(body) if body else {}
        except ValueError:
            decoded = {}
        payload: dict[str, Any] = decoded if isinstance(decoded, dict) else {}
        # The managed Python runtime says stackTrace; the Node.js runtime client says trace.
        trace = payload.get("stackTrace", payload.get("trace"))
        return cls(
            error_type=str(payload.get("errorType") or header_type or "Unknown"),
            error_message=str(payload.get("errorMessage") or ""),
            stack_trace=tuple(str(line) for line in trace) if isinstance(trace, list) else (),
            payload=payload,
        )

    @classmethod
    def from_trailers(cls, trailers: dict[str, str]) -> FunctionError | None:
        """The error a streamed response ended with, or ``None`` when its trailers name none."""
        error_type = trailers.get("lambda-runtime-function-error-type")
        encoded = trailers.get("lambda-runtime-function-error-body")
        if error_type is None and encoded is None:
            return None
        try:
            body = base64.b64decode(encoded or "", validate=True)
        except (binascii.Error, ValueError):
            body = b""
        return cls.from_body(body, error_type)


@dataclass(frozen=True, slots=True)
class InvocationResult:
    """How an invocation ended.

    ``body`` is the whole response (a streamed one joined from ``chunks``); ``error`` is set when the
    runtime posted to ``/error``, ended its stream with error trailers, broke off its stream, or sent
    more than Lambda accepts. A streamed response can have both a partial body and an error.
    """

    request_id: str
    streamed: bool
    content_type: str | None
    body: bytes
    chunks: tuple[Chunk, ...]
    error: FunctionError | None

    @property
    def ok(self) -> bool:
        """Whether the runtime answered without an error."""
        return self.error is None

    def json(self) -> Any:
        """The body decoded as JSON (a buffered handler's result)."""
        return json.loads(self.body)


class StreamedBody:
    """A streamed response's bytes as a Runtime API server reads them: each chunk goes to the
    invocation as it arrives, until Lambda's limit (read on each use) is passed."""

    def __init__(self, invocation: Invocation) -> None:
        self.invocation = invocation
        self.received = 0
        self.oversized = False

    def __call__(self, data: bytes) -> None:
        self.received += len(data)
        if self.received > limits.STREAMED_RESPONSE_LIMIT:
            self.oversized = True
        elif data:
            self.invocation.add_chunk(data)

    def error(self, trailers: dict[str, str]) -> FunctionError | None:
        """How the stream ended: the error its trailers name, or the size limit's."""
        if self.oversized:
            message = f"Response payload size exceeded the {limits.STREAMED_RESPONSE_LIMIT}-byte limit."
            return FunctionError("Function.ResponseSizeTooLarge", message)
        return FunctionError.from_trailers(trailers)


def truncated(invocation: Invocation, broken: BaseException) -> FunctionError:
    """The error of a streamed response that broke off: cut because the client went away (the
    invocation was abandoned), or broken by the runtime."""
    if invocation.abandoned:
        return FunctionError("Client.Disconnected", "the client went away: the response stream was cut")
    return FunctionError("Runtime.TruncatedResponse", f"the response stream broke off: {broken}")


_END = object()
"""Put on the chunk queue when the invocation is complete."""


class Invocation:
    """An invocation waiting for, or handed to, a runtime. Thread-safe.

    What only a reader on another thread needs (the events it waits on, the queue of chunks for
    :meth:`chunks`) is made when it first asks for it: ``serve`` reads each outcome on the loop that
    records it, once it is there, and an invocation is made per request."""

    def __init__(
        self,
        request_id: str,
        event: bytes,
        headers: dict[str, str],
        listener: Callable[[Chunk], None] | None,
        on_finish: Callable[[], None] | None = None,
    ) -> None:
        self.request_id = request_id
        self.event = event
        self.headers = headers
        """The ``Lambda-Runtime-*`` headers ``/next`` answers with."""
        self.enqueued = time.monotonic()
        self.delivered_at: float | None = None
        """When a runtime received it from ``/next`` (``time.monotonic()``)."""
        self._delivered: threading.Event | None = None
        self._listener = listener
        self._on_finish = on_finish
        self._chunks: list[Chunk] = []
        self._arrivals: queue.SimpleQueue[object] | None = None
        self._done: threading.Event | None = None
        self._result: InvocationResult | None = None
        self._lock = threading.Lock()
        self.abandoned = False
        """Set by :meth:`abandon`: nobody reads the response any more."""
        self._on_abandon: Callable[[], None] | None = None

    @property
    def delivered(self) -> threading.Event:
        """Set when a runtime received the invocation from ``/next``."""
        with self._lock:
            if self._delivered is None:
                self._delivered = threading.Event()
                if self.delivered_at is not None:
                    self._delivered.set()
            return self._delivered

    def deliver(self) -> None:
        """Record that a runtime received the invocation (server side)."""
        with self._lock:
            self.delivered_at = time.monotonic()
            waiting = self._delivered
        if waiting is not None:
            waiting.set()

    @property
    def complete(self) -> bool:
        """Whether the runtime has finished answering."""
        return self._result is not None

    def abandon(self) -> None:
        """Nobody reads the response any more (the client went away): a streamed response's
        connection is cut, now or as soon as it opens, so that the runtime's next write fails."""
        with self._lock:
            if self._result is not None:
                return  # answered already: nothing left to cut
            self.abandoned = True
            hook = self._on_abandon
        if hook is not None:
            hook()

    def on_abandon(self, hook: Callable[[], None] | None) -> None:
        """Call ``hook`` when the invocation is abandoned (at once if it already was), until it is
        replaced by ``None`` (server side: while its response stream is being read)."""
        with self._lock:
            self._on_abandon = hook
            abandoned = self.abandoned
        if abandoned and hook is not None:
            hook()

    def add_chunk(self, data: bytes) -> None:
        """Record a piece of a streamed response (server side)."""
        chunk = Chunk(data, time.monotonic())
        with self._lock:
            self._chunks.append(chunk)
            if self._arrivals is not None:
                self._arrivals.put(chunk)
        if self._listener is not None:
            self._listener(chunk)

    def finish(
        self, *, streamed: bool, content_type: str | None, body: bytes | None, error: FunctionError | None
    ) -> bool:
        """Record the outcome (server side); ``body=None`` joins the streamed chunks. Returns
        ``False`` when the invocation was already complete (the outcome is then ignored)."""
        with self._lock:
            if self._result is not None:
                return False
            chunks = tuple(self._chunks)
            whole = b"".join(chunk.data for chunk in chunks) if body is None else body
            self._result = InvocationResult(self.request_id, streamed, content_type, whole, chunks, error)
            self._chunks = []
            done, arrivals = self._done, self._arrivals
        if done is not None:
            done.set()
        if arrivals is not None:
            arrivals.put(_END)
        if self._on_finish is not None:
            self._on_finish()
        return True

    def _queue(self) -> queue.SimpleQueue[object]:
        """The chunks as they arrive, then :data:`_END` (made with what arrived so far)."""
        with self._lock:
            if self._arrivals is None:
                self._arrivals = queue.SimpleQueue()
                result = self._result
                for chunk in self._chunks if result is None else result.chunks:
                    self._arrivals.put(chunk)
                if result is not None:
                    self._arrivals.put(_END)
            return self._arrivals

    def chunks(self, timeout: float | None = None) -> Iterator[Chunk]:
        """Each chunk of a streamed response as it arrives, until the response is complete.

        Raises :class:`TimeoutError` when no chunk or completion comes within ``timeout`` seconds of
        the previous one. A buffered response yields nothing. Meant for one reader.
        """
        arrivals = self._queue()
        while True:
            try:
                item = arrivals.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"invocation {self.request_id}: nothing arrived in {timeout} s") from None
            if item is _END:
                return
            assert isinstance(item, Chunk)
            yield item

    def result(self, timeout: float | None = None) -> InvocationResult:
        """Wait for the outcome; raises :class:`TimeoutError` if it is not there within ``timeout`` s."""
        result = self._result
        if result is not None:
            return result
        with self._lock:
            if self._result is None and self._done is None:
                self._done = threading.Event()
            done = self._done
        if done is not None and not done.wait(timeout):
            raise TimeoutError(f"invocation {self.request_id} did not complete within {timeout} s")
        assert self._result is not None
        return self._result
