"""Pure conversion shared by every source: request parts, ASGI scopes, results (no sockets, no globals).

Each source's home (:mod:`mangum._sources`) reduces its event to a :class:`~.request.Request`; from
there the scope (:mod:`.scope`) and the result (:mod:`.response`) are built the same way for all.

:mod:`.chunked` reads the HTTP/1.1 chunked transfer coding, for both the production Runtime API
client (:mod:`mangum.runtime.connection`) and the local emulator's Runtime API server, so the
runtime never imports the emulator.
"""
