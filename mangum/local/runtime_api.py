"""A Lambda Runtime API server on loopback for code that is not async: tests, benchmarks, scripts.

:class:`RuntimeApiServer` is the emulator's one Runtime API
(:class:`~mangum.local.runtime_api_loop.LoopRuntimeApi`: the routes, limits and answers are described
there) run on an event loop of its own, on a background thread. :meth:`~RuntimeApiServer.invoke`
may be called from any thread, and the :class:`~mangum.local.invocations.Invocation` it returns is
read from any thread (:meth:`~mangum.local.invocations.Invocation.result`,
:meth:`~mangum.local.invocations.Invocation.chunks`). Every runtime connected to one server takes
invocations from the same queue, one at a time each, as several execution environments of one
function would; with ``max_concurrency`` it is one Lambda Managed Instances execution environment
(:attr:`~RuntimeApiServer.peak_in_flight` tells how many invocations were in flight at most).

Usage::

    with RuntimeApiServer() as server:
        start_runtime(env=server.environment("app.handler"))   # e.g. python -m mangum.runtime
        result = server.invoke({"hello": "world"}).result(timeout=10)
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType

from mangum.local.invocations import Chunk, FunctionError, Invocation
from mangum.local.limits import BUFFERED_RESPONSE_LIMIT, STREAMED_RESPONSE_LIMIT
from mangum.local.runtime_api_loop import FunctionSettings, LoopRuntimeApi, runtime_environment

__all__ = [
    "BUFFERED_RESPONSE_LIMIT",
    "STREAMED_RESPONSE_LIMIT",
    "Chunk",
    "FunctionError",
    "FunctionSettings",
    "Invocation",
    "RuntimeApiServer",
    "runtime_environment",
]

_CLOSE_SECONDS = 5.0
"""How long :meth:`RuntimeApiServer.close` waits for the last answers (a waiting ``/next``'s 500)."""


class RuntimeApiServer(LoopRuntimeApi):
    """The Runtime API on a thread of its own (see the module docs). Start it with ``with`` or
    :meth:`start`; it listens from the moment it is made (:attr:`address` is known at once)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        function: FunctionSettings | None = None,
        max_concurrency: int | None = None,
    ) -> None:
        loop = asyncio.new_event_loop()
        super().__init__(function, max_concurrency, host=host, port=port, loop=loop)
        self._thread: threading.Thread | None = None

    def start(self) -> RuntimeApiServer:
        """Serve on a background thread; returns the server."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="runtime-api", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        self._loop_thread = threading.get_ident()
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def close(self) -> None:
        """Stop serving; runtimes waiting on ``/next`` get a 500 and their connections close."""
        loop = self._loop
        if self._thread is None or loop.is_closed():
            if not loop.is_closed():
                self._close_now()
                loop.run_until_complete(self._drain_connections(0))
                loop.close()
            return

        async def closing() -> None:
            self._close_now()
            await self._drain_connections(_CLOSE_SECONDS)

        asyncio.run_coroutine_threadsafe(closing(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join()
        loop.close()

    def __enter__(self) -> RuntimeApiServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
